import * as path from 'node:path';
import { z } from 'zod';
import { normalizeWorkspacePath } from './paths';
import { defineTool } from './tool';
import { ToolError } from './toolError';
import { truncateMiddle } from './truncate';

export const RUN_COMMAND_MAX_TIMEOUT_S = 600;
/** Below the scheduler's result cap, so the tool's own hint (not read_file's) explains the cut. */
const MAX_OUTPUT_CHARS = 24_000;

export const runCommand = defineTool({
  name: 'run_command',
  description:
    'Run a shell command (sh on Linux/macOS, cmd on Windows) in the workspace and return its exit code, duration and ' +
    'output (head and tail). Use it for builds, linters, type checkers, package managers and scripts; read and search ' +
    'files with read_file / search_workspace / git_* instead (they are faster and start while you write). Independent ' +
    `commands in one turn run in parallel (up to 4 at once), e.g. lint and type-check together. Default timeout 120 s ` +
    `(timeoutSeconds up to ${RUN_COMMAND_MAX_TIMEOUT_S}); the whole process tree is stopped when it ends. No input is available: ` +
    'use non-interactive flags (e.g. --yes).',
  access: 'exec',
  approval: 'command',
  schema: z.strictObject({
    command: z.string().min(1).max(10_000).describe('The command line, e.g. `npm run build` or `tsc --noEmit -p .`'),
    cwd: z.string().optional().describe('Workspace-relative folder to run in (default: the workspace root)'),
    timeoutSeconds: z.number().int().min(1).max(RUN_COMMAND_MAX_TIMEOUT_S).optional().describe('Stop it after this many seconds (default 120)'),
  }),
  // Without timeoutSeconds the scheduler's limit for run_command applies (120 s, agent/defaults.ts).
  timeoutMs: (input) => (input.timeoutSeconds === undefined ? undefined : input.timeoutSeconds * 1000),
  summary: (input) => input.command.split('\n')[0].slice(0, 120),
  async execute(input, ctx) {
    const cwd = normalizeWorkspacePath(input.cwd ?? '.');
    const info = await ctx.workspace.stat(cwd, ctx.signal);
    if (!info) throw new ToolError('not_found', `cwd ${cwd} does not exist. Use list_files to find the folder.`);
    if (info.type !== 'directory') throw new ToolError('not_a_directory', `cwd ${cwd} is a file, not a folder.`);
    ctx.logger.debug(`run_command in ${cwd}: ${input.command}`);
    const result = await ctx.runner.run(input.command, { cwd: path.join(ctx.workspace.root, cwd), signal: ctx.signal });
    const where = cwd === '.' ? '' : ` (in ${cwd})`;
    const output = truncateMiddle(result.output, MAX_OUTPUT_CHARS, 'Run a narrower command, or redirect the output to a file and search it');
    const seconds = (result.durationMs / 1000).toFixed(1);
    if (ctx.signal.aborted) {
      const reason = ctx.signal.reason as unknown;
      if (ToolError.is(reason) && reason.code === 'timeout') {
        throw new ToolError('timeout', `${reason.message} Every process it started was stopped too. Output so far:\n${output}`);
      }
      throw reason ?? new Error('aborted');
    }
    const status = result.killedBy ? `killed (${result.killedBy})` : `exit code ${result.exitCode}`;
    return `$ ${input.command}${where}\n${status} after ${seconds} s\n${output}`;
  },
});
