// Entry point. Activation only wires objects together: provider SDKs load on the first request (createProvider
// imports them lazily), the workspace and ripgrep are looked up on first use. The time it takes is logged.
import { loadStartedAt } from './loadClock';
import * as vscode from 'vscode';
import { ConversationStore } from '../agent/conversationStore';
import { redactingLogger } from '../host/logger';
import { ApiKeys } from './apiKeys';
import { ChatController } from './chatController';
import { ChatViewProvider } from './chatViewProvider';
import { registerCommands } from './commands';
import { registerLmTools } from './lmTools';
import { routeMessage } from './messageRouter';
import { SettingsReader } from './settings';
import { SetupFlow } from './setupFlow';
import { workspaceFsBlobs } from './storage';

/** What deactivate must wait for: MCP server processes and running commands end with the extension. */
let shutdown: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Fanout', { log: true });
  const keys = new ApiKeys(context.secrets);
  // Everything goes through the redactor: no key that Fanout knows of can reach the log, whoever formats it.
  const logger = redactingLogger(log, () => keys.known());
  const settings = new SettingsReader(logger);
  // Per workspace (global storage only for a window without a folder); files, not workspaceState, because
  // transcripts get large.
  const storage = vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'conversations');
  const store = new ConversationStore(workspaceFsBlobs(storage), logger);
  const view: ChatViewProvider = new ChatViewProvider(context.extensionUri, logger, (msg) => routeMessage({ chat, view, setup }, msg));
  const changeFiles = workspaceFsBlobs(vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'changes'));
  const chat = new ChatController({ view, store, settings, keys, logger, state: context.workspaceState, changeFiles });
  const setup = new SetupFlow({ view, keys, settings, logger });
  shutdown = () => chat.shutdown();
  context.subscriptions.push(
    log,
    keys,
    view,
    chat,
    setup,
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewType, view),
    ...registerCommands({ chat, view, keys, settings, log }),
    ...registerLmTools({ workspace: () => chat.workspace(), locks: chat.locks, runner: chat.runner, settings, logger, diagnostics: chat.diagnostics, language: chat.language }),
  );
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  logger.info(
    `Fanout ${context.extension.packageJSON.version as string} activated in ${ms(performance.now() - started)} ` +
      `(modules evaluated in ${ms(started - loadStartedAt)}; VS Code ${vscode.version})`,
  );
}

export async function deactivate(): Promise<void> {
  // Everything else is disposed through context.subscriptions; VS Code waits for this promise, not for those.
  await shutdown?.();
}
