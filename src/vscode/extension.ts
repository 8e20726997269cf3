// Entry point, a thin shell: activation registers the chat view, the commands and the language model tools, and
// learns the stored API keys for the log redactor. Everything else (agent, tools, zod schemas, conversation store)
// is the core, dist/lazy/core.js, loaded on first use: the view opening, a command, another agent's tool call. The
// provider SDKs and the MCP SDK are bundles of their own again, loaded by the core when a request or a server needs
// them (see esbuild.mjs). The time activation takes is logged.
import { loadStartedAt } from './loadClock';
import * as vscode from 'vscode';
import { redactingLogger } from '../host/logger';
import { ApiKeys } from './apiKeys';
import { ChatViewProvider } from './chatViewProvider';
import { COMMAND_IDS } from './commandIds';
import type { Core } from './core';
import { registerLmTools } from './lmTools';

/** The loaded core, once something needed it; deactivate asks it to end MCP servers and running commands. */
let core: Promise<Core> | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Fanout', { log: true });
  const keys = new ApiKeys(context.secrets);
  // Everything goes through the redactor: no key that Fanout knows of can reach the log, whoever formats it.
  const logger = redactingLogger(log, () => keys.known());
  const loadCore = (): Promise<Core> =>
    (core ??= import('./core').then(
      (m) => m.startCore({ context, view, keys, logger }),
      (e: unknown) => {
        logger.error(`could not load Fanout's core (dist/lazy/core.js): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        throw e;
      },
    ));
  const view: ChatViewProvider = new ChatViewProvider(context.extensionUri, logger, () => loadCore().then((c) => c.messages));
  context.subscriptions.push(
    log,
    keys,
    view,
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewType, view),
    ...COMMAND_IDS.map((id) =>
      vscode.commands.registerCommand(id, async (...args: unknown[]) => (id === 'fanout.showLog' ? log.show(true) : (await loadCore()).commands[id](...args))),
    ),
    ...registerLmTools(() => loadCore().then((c) => c.lmTools), logger),
  );
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  logger.info(
    `Fanout ${context.extension.packageJSON.version as string} activated in ${ms(performance.now() - started)} ` +
      `(modules evaluated in ${ms(moduleEvaluatedAt - loadStartedAt)}, then VS Code prepared the extension's context for ` +
      `${ms(started - moduleEvaluatedAt)}; VS Code ${vscode.version})`,
  );
}

// The last statement of the bundle's module evaluation: extension.ts's body runs after every module it imports.
const moduleEvaluatedAt = performance.now();

export async function deactivate(): Promise<void> {
  // Everything else is disposed through context.subscriptions; VS Code waits for this promise, not for those.
  await core?.then((c) => c.shutdown(), () => undefined);
}
