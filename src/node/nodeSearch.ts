import { promises as fs } from 'node:fs';
import picomatch from 'picomatch';
import type { Listing, SearchMatch, SearchOptions } from '../host/workspace';
import { realPathInside } from './containment';
import { readRegularFile } from './fileBytes';
import { binaryNote } from './ripgrep';
import { decodeText } from './textCodec';
import { walkFiles } from './walk';

/** Same limit as ripgrep's `--max-filesize` in rgSearch. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;

/**
 * search_workspace without ripgrep (the headless runner on a machine without `rg`). Same rules as every other tool:
 * a symlink is followed only to a file really inside the workspace; FIFOs and devices are never opened; files are
 * decoded as read_file decodes them, and binary or oversized files are named, not shown.
 */
export async function nodeSearch(root: string, options: SearchOptions, signal?: AbortSignal): Promise<Listing<SearchMatch>> {
  const re = options.isRegex ? new RegExp(options.query) : undefined;
  const test = (line: string) => (re ? re.test(line) : line.includes(options.query));
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
      if (bytes.toString('latin1').split('\n').some(test)) binary.push(file);
      continue;
    }
    const lines = decoded.text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i].replace(/\r$/, '');
      if (!test(text)) continue;
      if (items.length === options.maxResults) return result(true);
      items.push({ path: file, line: i + 1, text });
    }
  }
  return result(false);
}
