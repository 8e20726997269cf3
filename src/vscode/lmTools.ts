// Registers Fanout's workspace tools with VS Code's Language Model API at activation. Registration is all activation
// does: the tools, the scheduler and the test-command detection load on the first call.
import * as vscode from 'vscode';
import type { Logger } from '../host/logger';
import { signalFor } from './cancellation';
import type { LmToolRuntime } from './lmToolRuntime';
import { LM_TOOLS, type LmToolInfo } from './lmToolNames';

type Input = Record<string, unknown>;

/** `runtime` loads the core (lmToolRuntime.ts) on the first call; registration needs only the names. */
export function registerLmTools(runtime: () => Promise<LmToolRuntime>, logger: Logger): vscode.Disposable[] {
  const disposables: vscode.Disposable[] = [];
  for (const info of LM_TOOLS) {
    try {
      disposables.push(vscode.lm.registerTool<Input>(info.name, toolFor(info, runtime)));
    } catch (e) {
      // A host without the Language Model API (or without the contribution) still gets the chat.
      logger.warn(`could not register the language model tool ${info.name}: ${(e as Error).message}`);
    }
  }
  return disposables;
}

function toolFor(info: LmToolInfo, runtime: () => Promise<LmToolRuntime>): vscode.LanguageModelTool<Input> {
  return {
    async prepareInvocation(options) {
      const rt = await runtime();
      const filter = typeof options.input?.filter === 'string' ? options.input.filter : undefined;
      const prompt = await rt.prompt(info.tool, options.input ?? {}, () => rt.testCommand(filter));
      return {
        invocationMessage: prompt.invocationMessage,
        confirmationMessages: prompt.confirmation && { title: prompt.confirmation.title, message: new vscode.MarkdownString(prompt.confirmation.message) },
      };
    },
    async invoke(options, token) {
      const rt = await runtime();
      const { signal, dispose } = signalFor(token);
      try {
        const result = await rt.call(info.tool, options.input, signal);
        if (token.isCancellationRequested) throw new vscode.CancellationError();
        // A failure is thrown (the caller marks the call failed); its text is what Fanout's own model would see.
        if (!result.ok) throw new Error(result.content);
        return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(result.content)]);
      } finally {
        dispose();
      }
    },
  };
}
