import { z } from 'zod';
import { normalizeWorkspacePath } from '../paths';
import { defineTool } from '../tool';
import { runGit } from './gitCli';

export const gitLog = defineTool({
  name: 'git_log',
  description:
    'Recent commits, newest first (git log): hash, date, author and subject, with the files each one changed. path ' +
    'limits it to the commits that touched a file or folder (a file is followed across renames). maxCount: default 20, at most 200.',
  access: 'read',
  schema: z.strictObject({
    path: z.string().optional().describe('Workspace-relative file or folder'),
    maxCount: z.number().int().min(1).max(200).optional().describe('How many commits (default 20)'),
  }),
  summary: (input) => `${input.path ?? 'all'}${input.maxCount ? ` (${input.maxCount})` : ''}`,
  async execute(input, ctx) {
    const path = input.path === undefined ? undefined : normalizeWorkspacePath(input.path);
    const info = path ? await ctx.workspace.stat(path, ctx.signal) : undefined;
    const args = ['log', `--max-count=${input.maxCount ?? 20}`, '--date=short', '--format=%h %ad %an%n    %s', '--name-status', '--relative'];
    // --follow takes exactly one file; it keeps a renamed file's history.
    if (info?.type === 'file') args.push('--follow');
    if (path) args.push('--', path);
    const out = await runGit(ctx, args, 'Ask for fewer commits (maxCount) or one path');
    return out.trim() ? out : `No commits${path ? ` touch ${path}` : ''}.`;
  },
});
