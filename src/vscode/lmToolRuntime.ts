// What the language model tools (lmTools.ts) run, in the lazily loaded core: made once, on the first call.
import type { FileLocks } from '../agent/fileLocks';
import type { Diagnostics } from '../host/diagnostics';
import type { LanguageFeatures } from '../host/language';
import type { Logger } from '../host/logger';
import type { ProcessRunner } from '../host/processRunner';
import type { Workspace } from '../host/workspace';
import type { ToolResult } from '../shared/transcript';
import { FileTracker } from '../tools/fileTracker';
import { detectTestCommand, withFilter } from '../tools/runTests';
import { editorRegistry } from './editorTools';
import { runLmToolCall } from './lmToolCall';
import { lmToolPrompt } from './lmToolMessages';
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

export interface LmToolRuntime {
  prompt: typeof lmToolPrompt;
  /** The command run_tests would run: fanout.testCommand, else the detected one, with the filter applied. */
  testCommand(filter: string | undefined): Promise<string | undefined>;
  call(tool: string, input: unknown, signal: AbortSignal): Promise<ToolResult>;
}

export function lmToolRuntime(deps: LmToolDeps): LmToolRuntime {
  const tools = editorRegistry();
  const files = new FileTracker();
  return {
    prompt: lmToolPrompt,
    async testCommand(filter) {
      const base = deps.settings.read().agent.testCommand || (await detectTestCommand(await deps.workspace()));
      return base && withFilter(base, filter);
    },
    async call(tool, input, signal) {
      const { agent } = deps.settings.read();
      const callDeps = { tools, workspace: await deps.workspace(), files, locks: deps.locks, runner: deps.runner, logger: deps.logger, settings: agent, diagnostics: deps.diagnostics, language: deps.language };
      return runLmToolCall(callDeps, tool, input, signal, (u) => deps.logger.trace(`language model tool ${tool} (${u.summary}): ${u.state}`));
    },
  };
}
