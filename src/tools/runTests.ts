import { z } from 'zod';
import type { Workspace } from '../host/workspace';
import type { ProcessResult } from '../host/processRunner';
import { packageId, planNpmScript, stageBanner, stageEnv, type NpmScriptPlan } from './npmScript';
import { defineTool, type ToolContext } from './tool';
import { ToolError } from './toolError';

export const runTests = defineTool({
  name: 'run_tests',
  description:
    'Run the project\'s configured test command in the workspace root and return its exit code and output ' +
    '(head and tail). Optional filter narrows the run (passed to the test command as one quoted argument).',
  access: 'exec',
  schema: z.strictObject({
    filter: z.string().max(500).optional().describe('Test name or file pattern to run only some tests'),
  }),
  summary: (input) => input.filter ?? 'all tests',
  async execute(input, ctx) {
    const base = ctx.settings.testCommand?.trim() || (await detectTestCommand(ctx.workspace, ctx.signal));
    if (!base) {
      throw new ToolError('unavailable', 'No test command is configured (setting fanout.testCommand) and none could be detected.');
    }
    // An environment variable cannot hold NUL; no test name has one either.
    if (input.filter?.includes('\0')) throw new ToolError('invalid_arguments', 'The filter contains a NUL character: leave it out.');
    const command = withFilter(base, input.filter);
    const filterEnv = input.filter ? { [FILTER_VAR]: input.filter } : undefined;
    const plan = await planNpmScript(base, ctx.workspace, process.env, ctx.signal);
    ctx.logger.debug(`run_tests: ${command}${plan ? ` (package.json scripts ${plan.stages.map((s) => s.event).join(', ')} run directly)` : ''}`);
    const result = plan
      ? await runDirectly(plan, input.filter, filterEnv, ctx)
      : { ...(await ctx.runner.run(command, { cwd: ctx.workspace.root, signal: ctx.signal, env: filterEnv })), note: '' };
    if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error('aborted');
    const status = result.killedBy ? `killed (${result.killedBy})` : `exit code ${result.exitCode}`;
    const shown = input.filter ? `${FILTER_VAR}=${JSON.stringify(input.filter)} ${command}` : command;
    return `$ ${shown}${result.note}\n${status} after ${(result.durationMs / 1000).toFixed(1)} s\n${result.output}`;
  },
});

/** The plan's stages one after another, as npm would: a stage that fails or is killed ends the run. */
async function runDirectly(plan: NpmScriptPlan, filter: string | undefined, filterEnv: Record<string, string> | undefined, ctx: ToolContext): Promise<ProcessResult & { note: string }> {
  const arg = filter ? filterArgument(filter) : '';
  const id = packageId(plan.env);
  const total: ProcessResult & { note: string } = { exitCode: 0, output: '', durationMs: 0, note: ` (run without npm: the "${plan.name}" script of package.json, as npm runs it)` };
  for (const stage of plan.stages) {
    const r = await ctx.runner.run(stage.main && arg ? `${stage.script} ${arg}` : stage.script, { cwd: ctx.workspace.root, signal: ctx.signal, env: { ...stageEnv(plan, stage), ...filterEnv } });
    total.output += stageBanner(id, stage, arg) + r.output;
    total.durationMs += r.durationMs;
    total.exitCode = r.exitCode;
    total.killedBy = r.killedBy;
    if (r.killedBy || r.exitCode !== 0) break;
  }
  return total;
}

/** Where the model's filter travels: the command line only ever holds a reference to it. */
export const FILTER_VAR = 'FANOUT_TEST_FILTER';

/** The filter as one appended argument: a quoted reference (cmd.exe: the text in double quotes, no `"` or `%`). */
function filterArgument(filter: string): string {
  return process.platform === 'win32' ? `"${filter.replace(/["%]/g, '')}"` : `"\${${FILTER_VAR}}"`;
}

/**
 * The filter is model text, so it never reaches the shell's parser: it is exported as $FANOUT_TEST_FILTER and the
 * command gets a reference to that variable, quoted for wherever the user put `{filter}` (bare, inside "…", or
 * inside '…', which is closed around the reference). A shell expands a variable once and never runs what is in it,
 * whatever the quotes around it. Without `{filter}` the reference is appended, after `--` for npm-style runners.
 * (cmd.exe expands variables before parsing, so on Windows the text is spliced in double quotes without `"` and `%`.)
 */
export function withFilter(command: string, filter: string | undefined): string {
  if (!filter) return command.replace(/\s*(["']?)\{filter\}\1/g, '');
  if (process.platform === 'win32' && command.includes('{filter}')) return command.replace(/\{filter\}/g, () => filterArgument(filter));
  if (!command.includes('{filter}')) {
    const npmStyle = /^(npm|pnpm|yarn|bun)\s+(run\s+)?test\b/.test(command) && !/\s--(\s|$)/.test(command);
    return `${command}${npmStyle ? ' --' : ''} ${filterArgument(filter)}`;
  }
  let out = '';
  let quote: '' | "'" | '"' = '';
  for (let i = 0; i < command.length; i++) {
    if (command.startsWith('{filter}', i)) {
      out += quote === "'" ? `'"\${${FILTER_VAR}}"'` : quote === '"' ? `\${${FILTER_VAR}}` : `"\${${FILTER_VAR}}"`;
      i += '{filter}'.length - 1;
      continue;
    }
    const c = command[i];
    out += c;
    if (c === '\\' && quote !== "'") out += command[++i] ?? '';
    else if (c === "'" && quote !== '"') quote = quote ? '' : "'";
    else if (c === '"' && quote !== "'") quote = quote ? '' : '"';
  }
  return out;
}

export async function detectTestCommand(workspace: Workspace, signal?: AbortSignal): Promise<string | undefined> {
  const has = async (p: string) => (await workspace.stat(p, signal)) !== undefined;
  try {
    // Read at once rather than after a stat: one file-system wait less before a test run starts.
    const pkg = JSON.parse((await workspace.readFile('package.json', signal)).text) as { scripts?: Record<string, string> };
    if (pkg.scripts?.test) return 'npm test';
  } catch {
    // No package.json, or an unreadable one: the other detectors decide.
  }
  if (await has('Cargo.toml')) return 'cargo test';
  if (await has('go.mod')) return 'go test ./...';
  if ((await has('pytest.ini')) || (await has('pyproject.toml')) || (await has('setup.py'))) return 'python -m pytest';
  if (await has('Makefile')) return 'make test';
  return undefined;
}
