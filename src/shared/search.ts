// Helpers for searching the workspace from VS Code: its exclude settings (`files.exclude`, `search.exclude`)
// translated for ripgrep, and the line scan used where ripgrep cannot look (unsaved editor buffers).

/**
 * `{ "**\/node_modules": true, "out/": true, "**\/*.js": { "when": "$(basename).ts" } }` -> ripgrep `--glob`s that
 * exclude the same paths. VS Code's patterns are relative to the folder, so one without a leading `**` is anchored
 * to the root with `/` (as VS Code's own search does); conditional (`when`) and disabled entries are skipped.
 */
export function excludeGlobsForRipgrep(...settings: (Record<string, unknown> | undefined)[]): string[] {
  const out = new Set<string>();
  for (const setting of settings) {
    for (const [pattern, value] of Object.entries(setting ?? {})) {
      if (value !== true) continue;
      let p = pattern.trim().replace(/\\/g, '/').replace(/\/+$/, '');
      if (!p) continue;
      if (p.startsWith('./')) p = p.slice(1);
      else if (!p.startsWith('**') && !p.startsWith('/')) p = `/${p}`;
      out.add(`!${p}`);
    }
  }
  return [...out];
}

export interface LineMatch {
  line: number;
  text: string;
}

/** 1-based lines of `text` that match, at most `limit` (plus whether more were left). */
export function matchLines(text: string, test: (line: string) => boolean, limit: number): { items: LineMatch[]; truncated: boolean } {
  const items: LineMatch[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (!test(lines[i]!)) continue;
    if (items.length === limit) return { items, truncated: true };
    items.push({ line: i + 1, text: lines[i]! });
  }
  return { items, truncated: false };
}

/** The matcher search_workspace means: plain text, or a regular expression (JS syntax here; ripgrep's is close). */
export function lineMatcher(query: string, isRegex: boolean): (line: string) => boolean {
  if (!isRegex) return (line) => line.includes(query);
  const re = new RegExp(query, 'u');
  return (line) => re.test(line);
}

export interface PathLineMatch extends LineMatch {
  path: string;
}

/**
 * Search results from the disk (ripgrep), corrected for files open with unsaved changes: their disk matches are
 * dropped and their buffer text is searched instead, so the agent finds what the user sees.
 */
export function mergeBufferMatches(
  disk: { items: PathLineMatch[]; truncated: boolean; notes?: string[] },
  buffers: ReadonlyMap<string, string>,
  options: { test: (line: string) => boolean; include?: (path: string) => boolean; limit: number },
): { items: PathLineMatch[]; truncated: boolean; notes?: string[] } {
  if (buffers.size === 0) return disk;
  const items = disk.items.filter((m) => !buffers.has(m.path));
  let truncated = disk.truncated;
  for (const [path, text] of [...buffers].sort(([a], [b]) => a.localeCompare(b))) {
    if (options.include && !options.include(path)) continue;
    const room = options.limit - items.length;
    const found = matchLines(text, options.test, Math.max(0, room));
    items.push(...found.items.map((m) => ({ path, ...m })));
    if (found.truncated) {
      truncated = true;
      break;
    }
  }
  return disk.notes ? { items, truncated, notes: disk.notes } : { items, truncated };
}
