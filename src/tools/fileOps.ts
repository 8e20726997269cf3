import { z } from 'zod';
import { normalizeWorkspacePath } from './paths';
import { defineTool, type ToolContext } from './tool';
import { ToolError } from './toolError';

/** The one file a delete or rename acts on: inside the workspace (symlinks checked), existing, not a folder. */
async function existingFile(ctx: ToolContext, raw: string, verb: string): Promise<string> {
  const path = normalizeWorkspacePath(raw);
  if (path === '.') throw new ToolError('is_directory', `The workspace root cannot be ${verb}.`);
  const info = await ctx.workspace.stat(path, ctx.signal);
  if (!info) throw new ToolError('not_found', `${path} does not exist. Use list_files to find the right path.`);
  if (info.type === 'directory') throw new ToolError('is_directory', `${path} is a directory; only single files can be ${verb}.`);
  return path;
}

export const deleteFile = defineTool({
  name: 'delete_file',
  description:
    'Delete one file of the workspace (not a folder). The user can undo it (Changed files, checkpoints, Ctrl+Z in VS Code). ' +
    'Several deletes in one turn run in parallel; calls on the same path keep the order you give.',
  access: 'write',
  schema: z.strictObject({ path: z.string().describe('Workspace-relative path of the file') }),
  files: (input) => [{ path: normalizeWorkspacePath(input.path), write: true }],
  summary: (input) => input.path,
  async execute(input, ctx) {
    const path = await existingFile(ctx, input.path, 'deleted');
    ctx.committing?.();
    await ctx.workspace.deleteFile(path, ctx.signal);
    ctx.files.forget(path);
    return `Deleted ${path}.`;
  },
});

export const renameFile = defineTool({
  name: 'rename_file',
  description:
    'Rename or move one file inside the workspace (parent folders are created). Refused when the target exists: ' +
    'nothing is overwritten. Imports and other references to the old path are NOT updated: search for them and edit them. ' +
    'Undoable like an edit.',
  access: 'write',
  schema: z.strictObject({
    from: z.string().describe('Workspace-relative path of the file to move'),
    to: z.string().describe('Its new workspace-relative path'),
  }),
  // Both names are locked, in the order given: calls on either wait for earlier writes of both.
  files: (input) => [
    { path: normalizeWorkspacePath(input.from), write: true },
    { path: normalizeWorkspacePath(input.to), write: true },
  ],
  summary: (input) => `${input.from} → ${input.to}`,
  async execute(input, ctx) {
    const from = await existingFile(ctx, input.from, 'renamed');
    const to = normalizeWorkspacePath(input.to);
    if (to === from) throw new ToolError('invalid_arguments', `from and to are the same path (${from}).`);
    if (to === '.') throw new ToolError('already_exists', 'The target is the workspace root.');
    if (await ctx.workspace.stat(to, ctx.signal)) throw new ToolError('already_exists', `${to} already exists; rename_file never overwrites. Delete it first, or pick another name.`);
    ctx.committing?.();
    await ctx.workspace.renameFile(from, to, ctx.signal);
    ctx.files.forget(from);
    return `Renamed ${from} to ${to}.`;
  },
});
