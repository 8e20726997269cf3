import { z } from 'zod';
import type { DiagnosticsReport, Problem, Severity } from '../host/diagnostics';
import { normalizeWorkspacePath } from './paths';
import { defineTool } from './tool';
import { ToolError } from './toolError';

/** Past this many problems the rest are counted, not listed: one file's path lists all of its own. */
export const MAX_PROBLEMS = 200;

export const getDiagnostics = defineTool({
  name: 'get_diagnostics',
  description:
    'The problems (errors, warnings) of a file or folder, or of the whole workspace without path. In VS Code: the ' +
    'Problems panel, one line each as `path:line:col severity message (source)`; it first waits for earlier edits of ' +
    'the same turn and for the language servers to catch up, so an edit followed by get_diagnostics of that file in ' +
    'one turn checks the edit. Headless: the output of the project\'s lint command. Check many files in ONE turn ' +
    '(one call per file, they run in parallel), e.g. next to read_file of each file you review.',
  access: 'read',
  schema: z.strictObject({
    path: z.string().optional().describe('File or folder, workspace-relative; omit for the whole workspace'),
  }),
  // A tree claim: it waits for every earlier edit of the batch under the path (all of them for the workspace).
  files: (input) => [{ path: normalizeWorkspacePath(input.path ?? '.'), write: false, tree: true }],
  summary: (input) => input.path ?? 'workspace',
  async execute(input, ctx) {
    if (!ctx.diagnostics) throw new ToolError('unavailable', 'This host reports no diagnostics.');
    const path = normalizeWorkspacePath(input.path ?? '.');
    if (path !== '.' && !(await ctx.workspace.stat(path, ctx.signal))) {
      throw new ToolError('not_found', `${path} does not exist. Use list_files to find the right path.`);
    }
    return formatReport(await ctx.diagnostics.collect(path === '.' ? undefined : path, ctx.signal), path);
  },
});

export function formatReport(report: DiagnosticsReport, path: string): string {
  const where = path === '.' ? 'the workspace' : path;
  if (report.kind === 'lint') {
    const { result, command, filtered } = report;
    const status = result.killedBy ? `killed (${result.killedBy})` : `exit code ${result.exitCode}`;
    const head = `$ ${command}\n${status} after ${(result.durationMs / 1000).toFixed(1)} s`;
    if (!filtered) return `${head}\n${result.output}`;
    if (!filtered.matched) {
      const rest = result.exitCode === 0 ? '' : ' It failed elsewhere: get_diagnostics without path shows its whole output.';
      return `${head}\nThe lint output mentions nothing in ${filtered.path}.${rest}`;
    }
    return `${head}\nThe lines about ${filtered.path} (the command checks the whole project):\n${result.output}`;
  }
  const note = report.unsettled ? '\n(Language servers were still busy when the wait ran out: call again to see later results.)' : '';
  if (report.problems.length === 0) return `No problems in ${where}.${note}`;
  const sorted = [...report.problems].sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line || a.column - b.column);
  const lines = sorted.slice(0, MAX_PROBLEMS).map(formatProblem);
  const more = sorted.length > MAX_PROBLEMS ? `\n... ${sorted.length - MAX_PROBLEMS} more not listed: ask for one file's path to see all of its problems.` : '';
  return `${countSummary(sorted)} in ${where}:\n${lines.join('\n')}${more}${note}`;
}

/** `src/a.ts:3:7 error Type 'string' is not assignable to type 'number'. (ts)`: one line, whatever the message. */
export function formatProblem(p: Problem): string {
  const message = p.message.trim().replace(/\s*\n\s*/g, ' ');
  return `${p.path}:${p.line}:${p.column} ${p.severity} ${message}${p.source ? ` (${p.source})` : ''}`;
}

function countSummary(problems: readonly Problem[]): string {
  const order: Severity[] = ['error', 'warning', 'info', 'hint'];
  const counts = order.map((s) => [s, problems.filter((p) => p.severity === s).length] as const).filter(([, n]) => n > 0);
  return counts.map(([s, n]) => `${n} ${s}${n === 1 ? '' : 's'}`).join(', ');
}
