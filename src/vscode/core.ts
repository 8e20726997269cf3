// The chat's machinery, a bundle of its own (dist/lazy/core.js): the agent, the tools and their zod schemas, the
// conversation store, setup, the message router. extension.ts loads it on first use (the chat view opens, a command
// runs, another agent calls a language model tool), so activation parses only the small shell.
import * as vscode from 'vscode';
import { ChangeStore } from '../agent/changeStore';
import { ConversationStore } from '../agent/conversationStore';
import type { Logger } from '../host/logger';
import { parseWebviewMessage } from '../shared/protocol';
import type { ApiKeys } from './apiKeys';
import { ChatController } from './chatController';
import type { ChatViewProvider, MessageHandler } from './chatViewProvider';
import { commandHandlers, type CommandHandlers } from './commands';
import { lmToolRuntime, type LmToolRuntime } from './lmToolRuntime';
import { routeMessage } from './messageRouter';
import { SettingsReader } from './settings';
import { SetupFlow } from './setupFlow';
import { workspaceFsBlobs } from './storage';

/** What the shell made at activation and hands over. */
export interface Shell {
  context: vscode.ExtensionContext;
  view: ChatViewProvider;
  keys: ApiKeys;
  logger: Logger;
}

export interface Core {
  /** The chat view's messages: validated here, then routed. */
  messages: MessageHandler;
  commands: CommandHandlers;
  lmTools: LmToolRuntime;
  /** Ends MCP servers and running commands (deactivate waits for it). */
  shutdown(): Promise<void>;
}

export function startCore({ context, view, keys, logger }: Shell): Core {
  const settings = new SettingsReader(logger);
  // Per workspace (global storage only for a window without a folder); files, not workspaceState, because
  // transcripts get large.
  const storageRoot = context.storageUri ?? context.globalStorageUri;
  const store = new ConversationStore(workspaceFsBlobs(vscode.Uri.joinPath(storageRoot, 'conversations')), logger);
  const changes = new ChangeStore(workspaceFsBlobs(vscode.Uri.joinPath(storageRoot, 'changes')), logger);
  const chat = new ChatController({ view, store, settings, keys, logger, state: context.workspaceState, changes });
  const setup = new SetupFlow({ view, keys, settings, logger });
  context.subscriptions.push(chat, setup);
  return {
    messages: { parse: parseWebviewMessage, route: (message) => routeMessage({ chat, view, setup }, message) },
    commands: commandHandlers({ chat, view, keys, settings }),
    lmTools: lmToolRuntime({ workspace: () => chat.workspace(), locks: chat.locks, runner: chat.runner, settings, logger, diagnostics: chat.diagnostics, language: chat.language }),
    shutdown: () => chat.shutdown(),
  };
}
