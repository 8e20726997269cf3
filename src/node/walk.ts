import ignore, { type Ignore } from 'ignore';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * Pure-JS file walk that honours .gitignore files (each scoped to its folder): the fallback when no ripgrep binary
 * exists on a machine running the headless CLI. Yields workspace-relative POSIX paths.
 */
export async function* walkFiles(root: string, start: string, signal?: AbortSignal): AsyncGenerator<string> {
  const stack: { dir: string; rules: { base: string; ig: Ignore }[] }[] = [{ dir: start, rules: await inheritedRules(root, start) }];
  while (stack.length) {
    signal?.throwIfAborted();
    const { dir, rules } = stack.pop()!;
    const abs = path.join(root, dir);
    const own = await readIgnore(abs);
    const active = own ? [...rules, { base: dir, ig: own }] : rules;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(abs, { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      if (e.name === '.git') continue;
      const rel = dir === '.' ? e.name : `${dir}/${e.name}`;
      const isDir = e.isDirectory();
      if (ignored(active, rel, isDir)) continue;
      if (isDir) stack.push({ dir: rel, rules: active });
      else if (e.isFile() || e.isSymbolicLink()) yield rel;
    }
  }
}

async function inheritedRules(root: string, start: string): Promise<{ base: string; ig: Ignore }[]> {
  const rules: { base: string; ig: Ignore }[] = [];
  const parts = start === '.' ? [] : start.split('/');
  for (let i = 0; i < parts.length; i++) {
    const base = i === 0 ? '.' : parts.slice(0, i).join('/');
    const ig = await readIgnore(path.join(root, base));
    if (ig) rules.push({ base, ig });
  }
  return rules;
}

async function readIgnore(absDir: string): Promise<Ignore | undefined> {
  try {
    return ignore().add(await fs.readFile(path.join(absDir, '.gitignore'), 'utf8'));
  } catch {
    return undefined;
  }
}

function ignored(rules: { base: string; ig: Ignore }[], rel: string, isDir: boolean): boolean {
  for (const { base, ig } of rules) {
    const sub = base === '.' ? rel : rel.slice(base.length + 1);
    if (ig.ignores(isDir ? `${sub}/` : sub)) return true;
  }
  return false;
}
