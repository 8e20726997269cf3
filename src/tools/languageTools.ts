// find_symbol, go_to_definition and find_references: the editor's language intelligence (VS Code only; the headless
// runner does not offer them). The host finds locations; this file validates positions, orders and caps the answer,
// and reads each shown line through the workspace, so unsaved editor text is what the model sees.
import { z } from 'zod';
import type { CodeLocation, LanguageFeatures } from '../host/language';
import type { Workspace } from '../host/workspace';
import { normalizeWorkspacePath } from './paths';
import { defineTool, type ToolContext } from './tool';
import { ToolError } from './toolError';

/** Past this many locations the rest are counted, not listed. */
export const MAX_LOCATIONS = 100;

const position = z.strictObject({
  path: z.string().describe('Workspace-relative path of the file, e.g. src/index.ts'),
  line: z.number().int().min(1).describe('1-based line of the symbol'),
  column: z.number().int().min(1).describe('1-based column of a character of the symbol\'s name'),
});

type PositionInput = z.infer<typeof position>;

const positionTool = {
  access: 'read' as const,
  schema: position,
  // Waits for earlier edits of the batch to that file: positions refer to the text after them.
  files: (input: PositionInput) => [{ path: normalizeWorkspacePath(input.path), write: false }],
  summary: (input: PositionInput) => `${input.path}:${input.line}:${input.column}`,
};

export const findSymbol = defineTool({
  name: 'find_symbol',
  description:
    'Find where functions, classes, variables... are declared, by name, across the workspace (the editor\'s ' +
    'workspace symbol search: fuzzy, so a part of the name works). Answers `path:line:col kind name` and the line. ' +
    'Look up several names in one turn: the calls run in parallel.',
  access: 'read',
  schema: z.strictObject({ query: z.string().min(1).max(200).describe('The name, or part of it') }),
  files: () => [{ path: '.', write: false, tree: true }],
  summary: (input) => input.query,
  async execute(input, ctx) {
    const found = await language(ctx).findSymbols(input.query, ctx.signal);
    if (!found.length) return `No symbol matches "${input.query}". Try a shorter part of the name, or search_workspace for text.`;
    return formatLocations(`symbol${found.length === 1 ? '' : 's'} matching "${input.query}"`, found, ctx.workspace, ctx.signal);
  },
});

export const goToDefinition = defineTool({
  name: 'go_to_definition',
  description:
    'Where the symbol at a position is defined (the editor\'s Go to Definition), as `path:line:col` and the line. ' +
    'Library definitions outside the workspace are marked. Several lookups in one turn run in parallel.',
  ...positionTool,
  async execute(input, ctx) {
    const at = await checkedPosition(input, ctx);
    const found = await language(ctx).definitions(at, ctx.signal);
    if (!found.length) return `No definition found at ${at.label}. Put line and column on the symbol's name; find_symbol finds a declaration by name.`;
    return formatLocations(`definition${found.length === 1 ? '' : 's'} of the symbol at ${at.label}`, found, ctx.workspace, ctx.signal);
  },
});

export const findReferences = defineTool({
  name: 'find_references',
  description:
    'Every reference to the symbol at a position, across the workspace (the editor\'s Find All References), as ' +
    '`path:line:col` and the line. Several lookups in one turn run in parallel.',
  ...positionTool,
  async execute(input, ctx) {
    const at = await checkedPosition(input, ctx);
    const found = await language(ctx).references(at, ctx.signal);
    if (!found.length) return `No references found to the symbol at ${at.label}. Put line and column on the symbol's name.`;
    return formatLocations(`reference${found.length === 1 ? '' : 's'} to the symbol at ${at.label}`, found, ctx.workspace, ctx.signal);
  },
});

function language(ctx: ToolContext): LanguageFeatures {
  if (!ctx.language) throw new ToolError('unavailable', 'Language intelligence is only available in VS Code. Use search_workspace instead.');
  return ctx.language;
}

/** The position, checked against the file as it is now: a clear error instead of an empty answer. */
async function checkedPosition(input: PositionInput, ctx: ToolContext) {
  const path = normalizeWorkspacePath(input.path);
  const info = await ctx.workspace.stat(path, ctx.signal);
  if (!info) throw new ToolError('not_found', `${path} does not exist. Use list_files or find_symbol to find the right file.`);
  if (info.type === 'directory') throw new ToolError('is_directory', `${path} is a directory; give the file the symbol is in.`);
  const lines = (await ctx.workspace.readFile(path, ctx.signal)).text.split('\n');
  if (input.line > lines.length) {
    const total = lines.at(-1) === '' ? lines.length - 1 : lines.length;
    throw new ToolError('invalid_arguments', `line ${input.line} is past the end of ${path} (${total} line${total === 1 ? '' : 's'}).`);
  }
  const text = lines[input.line - 1].replace(/\r$/, '');
  if (input.column > text.length + 1) {
    throw new ToolError('invalid_arguments', `column ${input.column} is past the end of line ${input.line} of ${path} (${text.length} characters): ${text.trim()}`);
  }
  return { path, line: input.line, column: input.column, label: `${path}:${input.line}:${input.column}` };
}

/** Workspace files first, then libraries; each location once; each shown line read (once per file) through the workspace. */
export async function formatLocations(what: string, found: readonly CodeLocation[], workspace: Workspace, signal: AbortSignal): Promise<string> {
  const unique = [...new Map(found.map((l) => [`${l.path}:${l.line}:${l.column}`, l])).values()];
  unique.sort((a, b) => Number(b.inWorkspace) - Number(a.inWorkspace) || a.path.localeCompare(b.path) || a.line - b.line || a.column - b.column);
  const shown = unique.slice(0, MAX_LOCATIONS);
  const texts = new Map<string, Promise<string[] | undefined>>();
  const lineOf = async (l: CodeLocation): Promise<string | undefined> => {
    if (!l.inWorkspace) return l.text;
    if (!texts.has(l.path)) texts.set(l.path, workspace.readFile(l.path, signal).then((f) => f.text.split('\n'), () => undefined));
    return (await texts.get(l.path))?.[l.line - 1]?.trim() ?? l.text;
  };
  const lines = await Promise.all(shown.map(async (l) => formatLocation(l, await lineOf(l))));
  const outside = unique.filter((l) => !l.inWorkspace).length;
  const head = `${unique.length} ${what}${outside ? ` (${outside} outside the workspace)` : ''}:`;
  const more = unique.length > shown.length ? `\n... ${unique.length - shown.length} more not listed.` : '';
  return `${head}\n${lines.join('\n')}${more}`;
}

function formatLocation(l: CodeLocation, text: string | undefined): string {
  const symbol = l.name ? ` ${l.kind ? `${l.kind} ` : ''}${l.name}${l.container ? ` in ${l.container}` : ''}` : '';
  const where = `${l.path}:${l.line}:${l.column}${l.inWorkspace ? '' : ' [outside the workspace]'}`;
  const line = text ? `  ${text.length > 200 ? `${text.slice(0, 200)}…` : text}` : '';
  return `${where}${symbol}${line}`;
}
