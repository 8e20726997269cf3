import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

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

/**
 * Streams `rg --json` and stops (killing rg) once `limit` matches are in: a search that matches everything costs
 * no more than one that matches `limit` lines.
 */
export function rgSearch(
  rgPath: string,
  cwd: string,
  args: { query: string; isRegex: boolean; globs: string[]; searchPath: string; limit: number },
  signal?: AbortSignal,
): Promise<{ items: RgMatch[]; truncated: boolean }> {
  const argv = ['--json', ...COMMON, '--max-columns', '1000', '--max-filesize', '20M'];
  if (!args.isRegex) argv.push('--fixed-strings');
  for (const g of args.globs) argv.push('--glob', g);
  argv.push('--regexp', args.query, '--', args.searchPath);
  return collect(rgPath, cwd, argv, args.limit, signal, (line, items) => {
    if (!line.startsWith('{"type":"match"')) return;
    const m = JSON.parse(line) as { data: { path: { text?: string }; line_number: number; lines: { text?: string } } };
    if (m.data.path.text === undefined) return;
    items.push({ path: toPosix(m.data.path.text), line: m.data.line_number, text: (m.data.lines.text ?? '').replace(/\r?\n$/, '') });
  });
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

function toPosix(p: string): string {
  const s = p.replace(/\\/g, '/');
  return s.startsWith('./') ? s.slice(2) : s;
}
