// Runs one of Fanout's tools for another agent (a vscode.lm.invokeTool call), through the same scheduler as Fanout's
// own runs: validation, per-tool timeout, result truncation, errors as `Error (<code>): ...` text, and the file locks
// the chat uses, so another agent's edit queues behind Fanout's edits to the same file (and the other way round).
import { perToolLimits } from '../agent/defaults';
import type { FileLocks } from '../agent/fileLocks';
import { Scheduler, type CallUpdate } from '../agent/scheduler';
import type { AgentSettings } from '../agent/settings';
import type { Diagnostics } from '../host/diagnostics';
import type { LanguageFeatures } from '../host/language';
import type { Logger } from '../host/logger';
import type { ProcessRunner } from '../host/processRunner';
import type { Workspace } from '../host/workspace';
import type { ToolResult } from '../shared/transcript';
import type { FileTracker } from '../tools/fileTracker';
import type { ToolRegistry } from '../tools/tool';

export interface LmToolCallDeps {
  tools: ToolRegistry;
  workspace: Workspace;
  /** What other agents have seen of each file (for the stale-edit check), shared by all their calls. */
  files: FileTracker;
  locks: FileLocks;
  runner: ProcessRunner;
  logger: Logger;
  diagnostics?: Diagnostics;
  language?: LanguageFeatures;
  settings: Pick<AgentSettings, 'testCommand' | 'toolTimeoutSeconds' | 'toolLimits'>;
}

let nextId = 0;

/**
 * One call, one result. Approval is VS Code's: the caller's confirmation dialog has already been answered.
 * `onUpdate` sees the call's states (queued, waiting_lock, running, done...).
 */
export async function runLmToolCall(deps: LmToolCallDeps, tool: string, input: unknown, signal: AbortSignal, onUpdate?: (u: CallUpdate) => void): Promise<ToolResult> {
  const scheduler = new Scheduler({
    tools: deps.tools,
    context: {
      workspace: deps.workspace,
      files: deps.files,
      runner: deps.runner,
      logger: deps.logger,
      settings: { testCommand: deps.settings.testCommand, maxFileBytes: 10 * 1024 * 1024 },
      diagnostics: deps.diagnostics,
      language: deps.language,
      // VS Code asked the user before this call (fetch_url's dialog names a private network address).
      approved: true,
    },
    locks: deps.locks,
    maxConcurrentTools: 1,
    toolTimeoutMs: deps.settings.toolTimeoutSeconds * 1000,
    perTool: perToolLimits(deps.settings.toolLimits),
  });
  const batch = scheduler.startBatch(0, signal, onUpdate);
  batch.add({ id: `lm_tool_${nextId++}`, name: tool, arguments: JSON.stringify(input ?? {}) });
  const { results } = await batch.seal();
  return results[0];
}
