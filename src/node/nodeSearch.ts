import { promises as fs } from 'node:fs';
import picomatch from 'picomatch';
import type { Listing, SearchMatch, SearchOptions } from '../host/workspace';
import { ToolError } from '../tools/toolError';
import { realPathInside } from './containment';
import { readRegularFile } from './fileBytes';
import { RegexWorker } from './regexWorker';
import { binaryNote } from './ripgrep';
import { decodeText } from './textCodec';
import { walkFiles } from './walk';

/** Same limit as ripgrep's `--max-filesize` in rgSearch. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** Far beyond what a sane pattern needs for a 20 MB file, and well inside the tool's own timeout. */
const DEFAULT_REGEX_DEADLINE_MS = 10_000;

/**
 * search_workspace without ripgrep (the headless runner on a machine without `rg`). Same rules as every other tool:
 * a symlink is followed only to a file really inside the workspace; FIFOs and devices are never opened; files are
 * decoded as read_file decodes them, and binary or oversized files are named, not shown. A regular expression runs
 * in a worker with a deadline (see RegexWorker); plain text is matched here.
 */
export async function nodeSearch(root: string, options: SearchOptions & { regexDeadlineMs?: number }, signal?: AbortSignal): Promise<Listing<SearchMatch>> {
  if (!options.isRegex) return searchFiles(root, options, plainMatcher(options.query), signal);
  try {
    new RegExp(options.query);
  } catch (e) {
    throw new ToolError('invalid_arguments', `query is not a valid regular expression: ${(e as Error).message}`);
  }
  const worker = new RegexWorker(options.query, { deadlineMs: options.regexDeadlineMs ?? DEFAULT_REGEX_DEADLINE_MS, signal });
  try {
    return await searchFiles(root, options, (text, limit) => worker.match(text, limit), signal);
  } finally {
    await worker.close();
  }
}

/** Indexes of matching lines (at most `limit`). */
type Matcher = (text: string, limit: number) => Promise<number[]>;

function plainMatcher(query: string): Matcher {
  return async (text, limit) => {
    const hits: number[] = [];
    const lines = splitLines(text);
    for (let i = 0; i < lines.length && hits.length < limit; i++) if (lines[i].includes(query)) hits.push(i);
    return hits;
  };
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

async function searchFiles(root: string, options: SearchOptions, match: Matcher, signal?: AbortSignal): Promise<Listing<SearchMatch>> {
  const include = options.include ? picomatch(options.include, { dot: true }) : () => true;
  const items: SearchMatch[] = [];
  const binary: string[] = [];
  const tooLarge: string[] = [];
  const result = (truncated: boolean): Listing<SearchMatch> => {
    const notes = [...(binary.length ? [binaryNote(binary)] : []), ...(tooLarge.length ? [`[not searched, over 20 MB: ${tooLarge.join(', ')}]`] : [])];
    return notes.length ? { items, truncated, notes } : { items, truncated };
  };
  for await (const file of walkFiles(root, '.', signal)) {
    if (!include(file)) continue;
    const real = await realPathInside(root, file).catch(() => undefined);
    const st = real ? await fs.stat(real).catch(() => undefined) : undefined;
    if (!real || !st?.isFile()) continue;
    if (st.size > MAX_FILE_BYTES) {
      tooLarge.push(file);
      continue;
    }
    const bytes = await readRegularFile(real, file).catch(() => undefined);
    if (!bytes) continue;
    const decoded = decodeText(bytes);
    if (decoded.binary) {
      if ((await match(bytes.toString('latin1'), 1)).length) binary.push(file);
      continue;
    }
    const room = options.maxResults - items.length;
    const hits = await match(decoded.text, room + 1);
    if (!hits.length) continue;
    const lines = splitLines(decoded.text);
    for (const i of hits.slice(0, room)) items.push({ path: file, line: i + 1, text: lines[i] });
    if (hits.length > room) return result(true);
  }
  return result(false);
}
