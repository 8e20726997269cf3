import { z } from 'zod';
import { normalizeWorkspacePath } from './paths';
import { defineTool } from './tool';
import { ToolError } from './toolError';

export const readFile = defineTool({
  name: 'read_file',
  description:
    'Read a text file from the workspace. Optional 1-based inclusive line range. Call it for several files at once ' +
    'when you need several: calls in one turn run in parallel.',
  access: 'read',
  schema: z.strictObject({
    path: z.string().describe('Workspace-relative path, e.g. src/index.ts'),
    startLine: z.number().int().min(1).optional().describe('First line to return (1-based)'),
    endLine: z.number().int().min(1).optional().describe('Last line to return (inclusive)'),
  }),
  files: (input) => [{ path: normalizeWorkspacePath(input.path), write: false }],
  summary: (input) => input.path,
  async execute(input, ctx) {
    const path = normalizeWorkspacePath(input.path);
    const info = await ctx.workspace.stat(path, ctx.signal);
    if (!info) throw new ToolError('not_found', `${path} does not exist. Use list_files or search_workspace to find the right path.`);
    if (info.type === 'directory') throw new ToolError('is_directory', `${path} is a directory; use list_files to see what it holds.`);
    if (info.size > ctx.settings.maxFileBytes) {
      throw new ToolError(
        'too_large',
        `${path} is ${formatBytes(info.size)}, over the ${formatBytes(ctx.settings.maxFileBytes)} read_file limit. ` +
          'Use search_workspace to find the lines you need.',
      );
    }
    const { text } = await ctx.workspace.readFile(path, ctx.signal);
    if (text.slice(0, 8192).includes('\0')) throw new ToolError('binary_file', `${path} is a binary file; read_file reads text only.`);
    ctx.files.recordSeen(ctx.workspace.lockKey(path), text);

    if (input.startLine === undefined && input.endLine === undefined) return text;
    const lines = text.split('\n');
    const total = text.endsWith('\n') ? lines.length - 1 : lines.length;
    const start = input.startLine ?? 1;
    const end = Math.min(input.endLine ?? total, total);
    if (start > total) throw new ToolError('invalid_arguments', `startLine ${start} is past the end of ${path} (${total} lines).`);
    if (end < start) throw new ToolError('invalid_arguments', `endLine ${end} is before startLine ${start}.`);
    return `[${path}: lines ${start}-${end} of ${total}]\n${lines.slice(start - 1, end).join('\n')}`;
  },
});

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
