import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { decodeLine } from './textCodec';

/**
 * Finds a ripgrep binary: $FANOUT_RG_PATH, then @vscode/ripgrep's (when its download succeeded), then `rg` on PATH.
 * Inside VS Code the extension passes the one VS Code ships instead.
 */
export function findRipgrep(): string | undefined {
  const candidates = [process.env.FANOUT_RG_PATH];
  try {
    candidates.push((require('@vscode/ripgrep') as { rgPath: string }).rgPath);
  } catch {
    // Not installed: fine, PATH comes next.
  }
  const exe = process.platform === 'win32' ? 'rg.exe' : 'rg';
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir) candidates.push(path.join(dir, exe));
  return candidates.find((c): c is string => !!c && existsSync(c));
}

/**
 * Like VS Code's own search: hidden files included (.github/ matters), .git excluded, and .gitignore honoured even
 * when the folder is not a git repository (ripgrep ignores it there by default).
 */
const COMMON = ['--no-config', '--hidden', '--no-require-git', '--glob', '!.git/'];

export interface RgMatch {
  path: string;
  line: number;
  text: string;
}

export interface RgSearchArgs {
  query: string;
  isRegex: boolean;
  globs: string[];
  searchPath: string;
  limit: number;
}

export interface RgSearchResult {
  items: RgMatch[];
  truncated: boolean;
  notes?: string[];
}

/**
 * Streams `rg --json` and stops (killing rg) once `limit` matches are in: a search that matches everything costs
 * no more than one that matches `limit` lines. Binary files are searched (`--binary`) only to be named: their
 * matches are held until the file's end says whether it was binary, and then dropped, never shown as text. Lines
 * that are not UTF-8 (a Latin-1 file) come as bytes and are decoded as windows-1252.
 */
export function rgSearch(rgPath: string, cwd: string, args: RgSearchArgs, signal?: AbortSignal): Promise<RgSearchResult> {
  const argv = searchArgv({ ...args, queries: [args.query] });
  let pending: RgMatch[] = [];
  const binary: string[] = [];
  const search = collect<RgMatch>(rgPath, cwd, argv, args.limit, signal, (line, items) => {
    if (line.startsWith('{"type":"begin"')) pending = [];
    else if (line.startsWith('{"type":"match"')) {
      const m = JSON.parse(line) as { data: { path: { text?: string }; line_number: number; lines: { text?: string; bytes?: string } } };
      if (m.data.path.text === undefined) return;
      const text = m.data.lines.text ?? decodeLine(Buffer.from(m.data.lines.bytes ?? '', 'base64'));
      pending.push({ path: toPosix(m.data.path.text), line: m.data.line_number, text: text.replace(/\r?\n$/, '') });
    } else if (line.startsWith('{"type":"end"')) {
      const end = JSON.parse(line) as { data: { path: { text?: string }; binary_offset: number | null } };
      if (end.data.binary_offset === null) items.push(...pending);
      else if (pending.length && end.data.path.text !== undefined) binary.push(toPosix(end.data.path.text));
      pending = [];
    }
  });
  return search.then((r) => (binary.length ? { ...r, notes: [binaryNote(binary)] } : r));
}

/** `rg --json` over `searchPath` for any of `queries` (one or more `--regexp`), as every search runs it. */
export function searchArgv(args: { queries: readonly string[]; isRegex: boolean; globs: readonly string[]; searchPath: string }): string[] {
  const argv = ['--json', ...COMMON, '--binary', '--max-columns', '1000', '--max-filesize', '20M'];
  if (!args.isRegex) argv.push('--fixed-strings');
  for (const g of args.globs) argv.push('--glob', g);
  for (const q of args.queries) argv.push('--regexp', q);
  argv.push('--', args.searchPath);
  return argv;
}

/** The line a search adds for binary files that matched. */
export function binaryNote(paths: readonly string[]): string {
  const shown = paths.slice(0, 20);
  return `[binary files that match, not shown as text: ${shown.join(', ')}${paths.length > shown.length ? `, and ${paths.length - shown.length} more` : ''}]`;
}

/** `rg --files` under `searchPath`, honouring ignore files. */
export function rgFiles(rgPath: string, cwd: string, args: { globs: string[]; searchPath: string; limit: number }, signal?: AbortSignal) {
  const argv = ['--files', ...COMMON];
  for (const g of args.globs) argv.push('--glob', g);
  argv.push('--', args.searchPath);
  return collect<string>(rgPath, cwd, argv, args.limit, signal, (line, items) => {
    if (line) items.push(toPosix(line));
  });
}

function collect<T>(
  rgPath: string,
  cwd: string,
  argv: string[],
  limit: number,
  signal: AbortSignal | undefined,
  onLine: (line: string, items: T[]) => void,
): Promise<{ items: T[]; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(rgPath, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'], signal });
    const items: T[] = [];
    let truncated = false;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (truncated) return;
      onLine(line, items);
      if (items.length > limit) {
        items.length = limit;
        truncated = true;
        child.kill();
      }
    });
    child.on('error', (e) => reject(signal?.aborted ? signal.reason : e));
    child.on('close', (code) => {
      // 1 = no matches; 2 = some files unreadable (still a useful result when there are matches).
      if (truncated || code === 0 || code === 1 || (code === 2 && items.length > 0)) resolve({ items, truncated });
      else if (signal?.aborted) reject(signal.reason);
      else reject(new Error(`ripgrep failed (exit ${code}): ${stderr.trim().split('\n').pop() ?? ''}`));
    });
  });
}

export function toPosix(p: string): string {
  const s = p.replace(/\\/g, '/');
  return s.startsWith('./') ? s.slice(2) : s;
}
