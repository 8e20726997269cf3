import { z } from 'zod';
import { normalizeWorkspacePath } from './paths';
import { defineTool } from './tool';
import { ToolError } from './toolError';

const LIMIT = 1000;

export const listFiles = defineTool({
  name: 'list_files',
  description:
    'List files under a folder of the workspace (recursively; .gitignore and the editor\'s excludes are honoured), ' +
    'optionally filtered by a glob such as **/*.test.ts.',
  access: 'read',
  schema: z.strictObject({
    path: z.string().optional().describe('Folder, relative to the workspace root (default: the root)'),
    glob: z.string().optional().describe('Glob relative to that folder, e.g. **/*.ts'),
  }),
  // A listing after an edit in the same turn must show what that edit created.
  files: (input) => [{ path: normalizeWorkspacePath(input.path ?? '.'), write: false, tree: true }],
  summary: (input) => [input.path, input.glob].filter(Boolean).join(' ') || '.',
  async execute(input, ctx) {
    const path = normalizeWorkspacePath(input.path ?? '.');
    const info = await ctx.workspace.stat(path, ctx.signal);
    if (!info) throw new ToolError('not_found', `${path} does not exist.`);
    if (info.type !== 'directory') throw new ToolError('not_a_directory', `${path} is a file, not a folder; use read_file.`);
    const { items, truncated } = await ctx.workspace.listFiles(path, input.glob, LIMIT, ctx.signal);
    if (items.length === 0) return `No files under ${path}${input.glob ? ` matching ${input.glob}` : ''}.`;
    const out = [...items].sort();
    if (truncated) out.push(`[stopped at ${LIMIT} files; pass a narrower path or glob]`);
    return out.join('\n');
  },
});
