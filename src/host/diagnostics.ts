// What get_diagnostics needs from its host. In VS Code: the Problems panel (src/vscode/vscodeDiagnostics.ts). Headless:
// the project's lint command (src/node/nodeDiagnostics.ts). The tool (src/tools/getDiagnostics.ts) formats either.
import type { ProcessResult } from './processRunner';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface Problem {
  /** Workspace-relative POSIX path. */
  path: string;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units as editors count them. */
  column: number;
  severity: Severity;
  message: string;
  /** Who reported it: `ts`, `eslint`... */
  source?: string;
}

export type DiagnosticsReport =
  | { kind: 'problems'; problems: Problem[]; /** Set when the bounded wait for language servers ran out. */ unsettled?: boolean }
  | { kind: 'lint'; command: string; result: ProcessResult; /** The lint output reduced to what mentions `path`. */ filtered?: { path: string; matched: boolean } };

export interface Diagnostics {
  /**
   * Problems of one file or folder (`path`, normalised workspace-relative) or of the whole workspace (undefined).
   * Throws ToolError('unavailable') when the host has no way to find them.
   */
  collect(path: string | undefined, signal: AbortSignal): Promise<DiagnosticsReport>;
}
