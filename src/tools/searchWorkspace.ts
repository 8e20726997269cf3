import { z } from 'zod';
import { defineTool } from './tool';
import { ToolError } from './toolError';

const MAX_LINE_CHARS = 240;

export const searchWorkspace = defineTool({
  name: 'search_workspace',
  description:
    'Search file contents across the workspace (ripgrep; honours .gitignore and the editor\'s excludes). ' +
    'Returns matches as `path:line: text`. Plain text by default; set isRegex for a regular expression.',
  access: 'read',
  schema: z.strictObject({
    query: z.string().min(1).describe('Text or regular expression to find'),
    isRegex: z.boolean().optional().describe('Treat query as a regular expression (Rust regex syntax)'),
    include: z.string().optional().describe('Glob of files to search, e.g. src/**/*.ts'),
    maxResults: z.number().int().min(1).max(2000).optional().describe('Most matches to return (default 200)'),
  }),
  // A search after an edit in the same turn must see that edit: it waits for the batch's earlier writes.
  files: () => [{ path: '.', write: false, tree: true }],
  summary: (input) => input.query,
  async execute(input, ctx) {
    if (input.isRegex) {
      try {
        new RegExp(input.query, 'u');
      } catch (e) {
        // ripgrep's syntax differs slightly from JS; only reject what neither could parse.
        if (!/lookbehind|lookahead|\\[pP]/.test(String(e))) {
          throw new ToolError('invalid_arguments', `query is not a valid regular expression: ${(e as Error).message}`);
        }
      }
    }
    const maxResults = input.maxResults ?? 200;
    const { items, truncated, notes = [] } = await ctx.workspace.search(
      { query: input.query, isRegex: input.isRegex ?? false, include: input.include, maxResults },
      ctx.signal,
    );
    if (items.length === 0) return [`No matches for ${JSON.stringify(input.query)}${input.include ? ` in ${input.include}` : ''}.`, ...notes].join('\n');
    const lines = items.map((m) => `${m.path}:${m.line}: ${clip(m.text.trim())}`);
    if (truncated) lines.push(`[stopped at ${maxResults} matches; narrow the query or the include glob to see the rest]`);
    return [...lines, ...notes].join('\n');
  },
});

function clip(text: string): string {
  return text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}…` : text;
}
