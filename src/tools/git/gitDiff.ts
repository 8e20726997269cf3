import { z } from 'zod';
import { normalizeWorkspacePath } from '../paths';
import { defineTool } from '../tool';
import { checkRevision, runGit } from './gitCli';

export const gitDiff = defineTool({
  name: 'git_diff',
  description:
    'Show changes as a unified diff with a per-file summary first (git diff): by default the working tree against the ' +
    'index (unstaged changes); staged: true for what is staged; base compares against a branch, tag or commit ' +
    '(e.g. main, HEAD~3, main...HEAD). path limits it to one file or folder. Untracked files are not included. ' +
    'Start a review with one git_diff, then read, blame and check every changed file in ONE next turn: those calls run in parallel.',
  access: 'read',
  schema: z.strictObject({
    base: z.string().max(200).optional().describe('Revision to compare against, e.g. main or HEAD~1 (default: the index)'),
    path: z.string().optional().describe('Workspace-relative file or folder to limit the diff to'),
    staged: z.boolean().optional().describe('Diff what is staged (git diff --cached) instead of the working tree'),
  }),
  files: (input) => [{ path: normalizeWorkspacePath(input.path ?? '.'), write: false, tree: true }],
  summary: (input) => [input.staged ? 'staged' : '', input.base ?? '', input.path ?? ''].filter(Boolean).join(' ') || 'working tree',
  async execute(input, ctx) {
    const path = normalizeWorkspacePath(input.path ?? '.');
    // Containment through symlinks (the path itself may be gone: a deleted file still has a diff).
    await ctx.workspace.stat(path, ctx.signal);
    const args = ['diff', '--patch-with-stat', '--no-color', '--no-ext-diff', '--no-textconv', '--relative'];
    if (input.staged) args.push('--cached');
    if (input.base !== undefined) args.push(checkRevision(input.base));
    args.push('--', path);
    const out = await runGit(ctx, args, 'Call git_diff with a path to see one file or folder at a time');
    if (out.trim()) return out;
    const what = input.staged ? 'staged changes' : 'unstaged changes';
    return `No ${input.base ? `differences against ${input.base}` : what}${path === '.' ? '' : ` in ${path}`}.${input.staged || input.base ? '' : ' (Staged changes: staged: true. New untracked files are not shown.)'}`;
  },
});
