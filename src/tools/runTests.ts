import { z } from 'zod';
import type { Workspace } from '../host/workspace';
import { defineTool } from './tool';
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
    const command = withFilter(base, input.filter);
    ctx.logger.debug(`run_tests: ${command}`);
    const result = await ctx.runner.run(command, {
      cwd: ctx.workspace.root,
      signal: ctx.signal,
      env: input.filter ? { FANOUT_TEST_FILTER: input.filter } : undefined,
    });
    if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error('aborted');
    const status = result.killedBy ? `killed (${result.killedBy})` : `exit code ${result.exitCode}`;
    return `$ ${command}\n${status} after ${(result.durationMs / 1000).toFixed(1)} s\n${result.output}`;
  },
});

/**
 * The filter is model text: it is single-quoted for a POSIX shell (and also exported as $FANOUT_TEST_FILTER), never
 * spliced in raw. A command may place it with `{filter}`; otherwise it is appended, after `--` for npm-style runners.
 */
export function withFilter(command: string, filter: string | undefined): string {
  if (!filter) return command.replace(/\s*\{filter\}/g, '');
  const quoted = process.platform === 'win32' ? `"${filter.replace(/"/g, '')}"` : `'${filter.replace(/'/g, `'\\''`)}'`;
  if (command.includes('{filter}')) return command.replace(/\{filter\}/g, quoted);
  const npmStyle = /^(npm|pnpm|yarn|bun)\s+(run\s+)?test\b/.test(command) && !/\s--(\s|$)/.test(command);
  return `${command}${npmStyle ? ' --' : ''} ${quoted}`;
}

export async function detectTestCommand(workspace: Workspace, signal?: AbortSignal): Promise<string | undefined> {
  const has = async (p: string) => (await workspace.stat(p, signal)) !== undefined;
  if (await has('package.json')) {
    try {
      const pkg = JSON.parse((await workspace.readFile('package.json', signal)).text) as { scripts?: Record<string, string> };
      if (pkg.scripts?.test) return 'npm test';
    } catch {
      // An unreadable package.json falls through to the other detectors.
    }
  }
  if (await has('Cargo.toml')) return 'cargo test';
  if (await has('go.mod')) return 'go test ./...';
  if ((await has('pytest.ini')) || (await has('pyproject.toml')) || (await has('setup.py'))) return 'python -m pytest';
  if (await has('Makefile')) return 'make test';
  return undefined;
}
