import { z } from 'zod';
import { normalizeWorkspacePath } from '../paths';
import { defineTool } from '../tool';
import { ToolError } from '../toolError';
import { runGit } from './gitCli';

export const gitBlame = defineTool({
  name: 'git_blame',
  description:
    'Who last changed each line of a file, and in which commit and when (git blame): one line per source line as ' +
    '`hash (author date line) text`. Optional 1-based inclusive line range. Lines not committed yet show ' +
    '"Not Committed Yet". For several files, call it for all of them in one turn: the calls run in parallel.',
  access: 'read',
  schema: z.strictObject({
    path: z.string().describe('Workspace-relative path of the file'),
    startLine: z.number().int().min(1).optional().describe('First line (1-based)'),
    endLine: z.number().int().min(1).optional().describe('Last line (inclusive)'),
  }),
  files: (input) => [{ path: normalizeWorkspacePath(input.path), write: false }],
  summary: (input) => `${input.path}${input.startLine || input.endLine ? `:${input.startLine ?? 1}-${input.endLine ?? ''}` : ''}`,
  async execute(input, ctx) {
    const path = normalizeWorkspacePath(input.path);
    const info = await ctx.workspace.stat(path, ctx.signal);
    if (!info) throw new ToolError('not_found', `${path} does not exist. Use list_files or git_diff to find the right path.`);
    if (info.type === 'directory') throw new ToolError('is_directory', `${path} is a directory; git_blame takes a file.`);
    if (input.startLine && input.endLine && input.endLine < input.startLine) {
      throw new ToolError('invalid_arguments', `endLine ${input.endLine} is before startLine ${input.startLine}.`);
    }
    const args = ['blame', '--date=short'];
    if (input.startLine || input.endLine) args.push('-L', `${input.startLine ?? 1},${input.endLine ?? ''}`);
    args.push('--', path);
    return runGit(ctx, args, 'Call git_blame with startLine/endLine for the part you need');
  },
});
