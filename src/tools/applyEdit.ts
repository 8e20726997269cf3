import { z } from 'zod';
import { saveNote } from '../host/pendingSave';
import { closestLine, findAll } from './textMatch';
import { normalizeWorkspacePath } from './paths';
import { defineTool } from './tool';
import { ToolError } from './toolError';

export const applyEdit = defineTool({
  name: 'apply_edit',
  description:
    'Replace exactly one occurrence of oldText with newText in a file. oldText must match the file exactly ' +
    '(whitespace included) and be unique: include enough surrounding lines. An empty oldText creates a new file. ' +
    'Several edits to the same file in one turn are applied one after another, in the order you list them.',
  access: 'write',
  schema: z.strictObject({
    path: z.string().describe('Workspace-relative path of the file'),
    oldText: z.string().describe('Exact text to replace; empty to create a new file'),
    newText: z.string().describe('Replacement text'),
  }),
  files: (input) => [{ path: normalizeWorkspacePath(input.path), write: true }],
  summary: (input) => input.path,
  async execute(input, ctx) {
    const path = normalizeWorkspacePath(input.path);
    // What the agent saw is tracked per real file, so an edit through another name of it is checked against it too.
    const seenKey = ctx.workspace.lockKey(path);
    const info = await ctx.workspace.stat(path, ctx.signal);
    if (info?.type === 'directory') throw new ToolError('is_directory', `${path} is a directory.`);

    if (!info) {
      if (input.oldText !== '') {
        throw new ToolError('not_found', `${path} does not exist. To create it, call apply_edit with an empty oldText.`);
      }
      ctx.committing?.();
      const outcome = await ctx.workspace.createFile(path, input.newText, ctx.signal);
      ctx.files.recordSeen(seenKey, input.newText);
      return `Created ${path} (${lineCount(input.newText)} lines).${saveNote(outcome)}`;
    }

    const { text } = await ctx.workspace.readFile(path, ctx.signal);
    if (ctx.files.isStale(seenKey, text)) {
      throw new ToolError('stale_file', `${path} changed since you last read it (someone else edited it). Read it again, then redo the edit.`);
    }
    if (input.oldText === '') {
      if (text !== '') throw new ToolError('already_exists', `${path} already exists; give the oldText to replace.`);
      return commit(text, 0, 0);
    }

    // Models usually send \n; match a CRLF file by translating, and write back in the file's own style.
    const crlf = text.includes('\r\n') && !input.oldText.includes('\r\n');
    const oldText = crlf ? input.oldText.replace(/\n/g, '\r\n') : input.oldText;
    const newText = crlf ? input.newText.replace(/\n/g, '\r\n') : input.newText;
    const hits = findAll(text, oldText, 6);
    if (hits.length === 0) {
      const near = closestLine(text, input.oldText);
      throw new ToolError(
        'no_match',
        `oldText was not found in ${path}.` +
          (near ? ` The closest line is ${near.line}: ${JSON.stringify(near.text)}.` : '') +
          ' Read the file again and copy the text exactly.',
      );
    }
    if (hits.length > 1) {
      const where = hits.map((o) => lineAt(text, o)).join(', ');
      throw new ToolError(
        'ambiguous_match',
        `oldText occurs ${hits.length >= 6 ? '6 or more' : hits.length} times in ${path} (lines ${where}). Include more surrounding lines so it is unique.`,
      );
    }
    return commit(text, hits[0], oldText.length, newText);

    async function commit(current: string, offset: number, deleteCount: number, insert = input.newText): Promise<string> {
      ctx.committing?.();
      const outcome = await ctx.workspace.editFile(path, { expected: current, offset, deleteCount, insert }, ctx.signal);
      const updated = current.slice(0, offset) + insert + current.slice(offset + deleteCount);
      ctx.files.recordSeen(seenKey, updated);
      const line = lineAt(current, offset);
      return `Edited ${path}: replaced ${lineCount(current.slice(offset, offset + deleteCount))} line(s) at line ${line} with ${lineCount(insert)} line(s).${saveNote(outcome)}`;
    }
  },
});

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}
