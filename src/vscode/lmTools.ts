// Registers Fanout's workspace tools with VS Code's Language Model API at activation. Registration is all activation
// does: the tools, the scheduler and the test-command detection load on the first call.
import * as vscode from 'vscode';
import type { FileLocks } from '../agent/fileLocks';
import type { Diagnostics } from '../host/diagnostics';
import type { LanguageFeatures } from '../host/language';
import type { Logger } from '../host/logger';
import type { ProcessRunner } from '../host/processRunner';
import type { Workspace } from '../host/workspace';
import { signalFor } from './cancellation';
import { LM_TOOLS, type LmToolInfo } from './lmToolNames';
import type { SettingsReader } from './settings';

export interface LmToolDeps {
  workspace(): Promise<Workspace>;
  /** The chat's locks: other agents' edits queue behind Fanout's own. */
  locks: FileLocks;
  /** The chat's runner: the same environment rules, and its processes end with the extension. */
  runner: ProcessRunner;
  settings: SettingsReader;
  logger: Logger;
  diagnostics: Diagnostics;
  language: LanguageFeatures;
}

type Input = Record<string, unknown>;

export function registerLmTools(deps: LmToolDeps): vscode.Disposable[] {
  const runtime = lazyRuntime(deps);
  const disposables: vscode.Disposable[] = [];
  for (const info of LM_TOOLS) {
    try {
      disposables.push(vscode.lm.registerTool<Input>(info.name, toolFor(info, runtime)));
    } catch (e) {
      // A host without the Language Model API (or without the contribution) still gets the chat.
      deps.logger.warn(`could not register the language model tool ${info.name}: ${(e as Error).message}`);
    }
  }
  return disposables;
}

function toolFor(info: LmToolInfo, runtime: () => Promise<Runtime>): vscode.LanguageModelTool<Input> {
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

interface Runtime {
  prompt: typeof import('./lmToolMessages').lmToolPrompt;
  /** The command run_tests would run: fanout.testCommand, else the detected one, with the filter applied. */
  testCommand(filter: string | undefined): Promise<string | undefined>;
  call(tool: string, input: unknown, signal: AbortSignal): Promise<import('../shared/transcript').ToolResult>;
}

/** Everything the calls need, loaded and created once, on the first call. */
function lazyRuntime(deps: LmToolDeps): () => Promise<Runtime> {
  let loading: Promise<Runtime> | undefined;
  return () =>
    (loading ??= (async () => {
      const [{ lmToolPrompt }, runTests, { runLmToolCall }, { editorRegistry }, { FileTracker }] = await Promise.all([
        import('./lmToolMessages'),
        import('../tools/runTests'),
        import('./lmToolCall'),
        import('./editorTools'),
        import('../tools/fileTracker'),
      ]);
      const tools = editorRegistry();
      const files = new FileTracker();
      const { runner } = deps;
      return {
        prompt: lmToolPrompt,
        async testCommand(filter) {
          const base = deps.settings.read().agent.testCommand || (await runTests.detectTestCommand(await deps.workspace()));
          return base && runTests.withFilter(base, filter);
        },
        async call(tool, input, signal) {
          const { agent } = deps.settings.read();
          const callDeps = { tools, workspace: await deps.workspace(), files, locks: deps.locks, runner, logger: deps.logger, settings: agent, diagnostics: deps.diagnostics, language: deps.language };
          return runLmToolCall(callDeps, tool, input, signal, (u) => deps.logger.trace(`language model tool ${tool} (${u.summary}): ${u.state}`));
        },
      };
    })());
}
