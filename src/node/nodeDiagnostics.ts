import type { Diagnostics, DiagnosticsReport } from '../host/diagnostics';
import type { ProcessRunner } from '../host/processRunner';
import type { Workspace } from '../host/workspace';
import { ToolError } from '../tools/toolError';

export interface NodeDiagnosticsOptions {
  workspace: Workspace;
  runner: ProcessRunner;
  /** `--lint-command`, set by the user; undefined means detect. */
  lintCommand?: string;
}

/**
 * get_diagnostics without an editor: the project's lint command, run in the workspace root. It always checks the whole
 * project (its command line is the user's, never model text); a path narrows the OUTPUT to the lines about it.
 */
export class NodeDiagnostics implements Diagnostics {
  constructor(private readonly options: NodeDiagnosticsOptions) {}

  async collect(path: string | undefined, signal: AbortSignal): Promise<DiagnosticsReport> {
    const { workspace, runner } = this.options;
    const command = this.options.lintCommand?.trim() || (await detectLintCommand(workspace, signal));
    if (!command) {
      throw new ToolError(
        'unavailable',
        'Diagnostics are unavailable here: the headless runner has no editor, no --lint-command was given and package.json has no "lint" script. Use run_tests, or read the code.',
      );
    }
    const result = await runner.run(command, { cwd: workspace.root, signal });
    if (signal.aborted) throw signal.reason ?? new Error('aborted');
    if (!path) return { kind: 'lint', command, result };
    const filtered = linesAbout(result.output, path, workspace.root);
    return { kind: 'lint', command, result: { ...result, output: filtered.join('\n') }, filtered: { path, matched: filtered.length > 0 } };
  }
}

export async function detectLintCommand(workspace: Workspace, signal?: AbortSignal): Promise<string | undefined> {
  if (!(await workspace.stat('package.json', signal))) return undefined;
  try {
    const pkg = JSON.parse((await workspace.readFile('package.json', signal)).text) as { scripts?: Record<string, unknown> };
    return typeof pkg.scripts?.lint === 'string' ? 'npm run lint' : undefined;
  } catch {
    // An unreadable package.json names no lint script.
    return undefined;
  }
}

/**
 * The lines of a linter's output about `path` (a file, or a folder: everything under it). Handles the two shapes
 * linters print: `path:line:col message` / `path(line,col): message` per line (tsc, eslint -f unix, ruff...), and a
 * header line naming the file followed by indented problem lines up to a blank line (eslint's default "stylish").
 * Paths may be printed relative (`./` allowed) or absolute under `root`.
 */
export function linesAbout(output: string, path: string, root: string): string[] {
  const rootPrefix = `${root.replace(/[\\/]+$/, '')}/`;
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const mention = new RegExp(`(^|[\\s'"(]|\\./)${escaped}($|[\\s:'"(),/])`);
  const out: string[] = [];
  let inSection = false;
  for (const raw of output.split('\n')) {
    const line = raw.split(rootPrefix).join('').replace(/\\/g, '/');
    if (inSection && raw.trim() !== '' && /^\s/.test(raw)) {
      out.push(raw);
      continue;
    }
    inSection = false;
    if (!mention.test(line)) continue;
    out.push(raw);
    // A line that is only a path opens a stylish section: its indented lines belong to it.
    inSection = /^\S+$/.test(line.trim());
  }
  return out;
}
