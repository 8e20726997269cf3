import { randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { FileText, Listing, SearchMatch, SearchOptions, TextEdit, Workspace } from '../host/workspace';
import { ToolError } from '../tools/toolError';
import { checkParents, realPathInside, realPathKey } from './containment';
import { findRipgrep, rgFiles, rgSearch } from './ripgrep';
import { walkFiles } from './walk';

/** The workspace on plain Node fs: the headless runner's, and the unit tests'. */
export class NodeWorkspace implements Workspace {
  private readonly rg: string | undefined;

  private constructor(
    readonly root: string,
    options: { ripgrep?: string | false },
  ) {
    this.rg = options.ripgrep === false ? undefined : (options.ripgrep ?? findRipgrep());
  }

  /** `root` is resolved through symlinks once, so that every later containment check compares real paths. */
  static async open(root: string, options: { ripgrep?: string | false } = {}): Promise<NodeWorkspace> {
    const real = await fs.realpath(root);
    if (!(await fs.stat(real)).isDirectory()) throw new Error(`${root} is not a directory`);
    return new NodeWorkspace(real, options);
  }

  get searchBackend(): 'ripgrep' | 'node' {
    return this.rg ? 'ripgrep' : 'node';
  }

  lockKey(rel: string): string {
    return realPathKey(this.root, rel);
  }

  async stat(rel: string): Promise<{ type: 'file' | 'directory'; size: number } | undefined> {
    const real = await this.realExisting(rel);
    if (!real) return undefined;
    const st = await fs.stat(real);
    return { type: st.isDirectory() ? 'directory' : 'file', size: st.size };
  }

  async readFile(rel: string): Promise<FileText> {
    const real = await this.realExisting(rel);
    if (!real) throw new ToolError('not_found', `${rel} does not exist.`);
    return { text: await fs.readFile(real, 'utf8') };
  }

  async createFile(rel: string, text: string, signal?: AbortSignal): Promise<void> {
    const abs = path.join(this.root, rel);
    await checkParents(this.root, abs, rel);
    signal?.throwIfAborted();
    await fs.mkdir(path.dirname(abs), { recursive: true });
    try {
      await fs.writeFile(abs, text, { flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new ToolError('already_exists', `${rel} already exists.`);
      throw e;
    }
  }

  async editFile(rel: string, edit: TextEdit, signal?: AbortSignal): Promise<void> {
    const real = await this.realExisting(rel);
    if (!real) throw new ToolError('not_found', `${rel} does not exist.`);
    const current = await fs.readFile(real, 'utf8');
    if (current !== edit.expected) throw new ToolError('stale_file', `${rel} changed while the edit was being prepared. Read it again.`);
    const next = current.slice(0, edit.offset) + edit.insert + current.slice(edit.offset + edit.deleteCount);
    signal?.throwIfAborted();
    // Write a sibling temp file and rename over the real target: readers see the old or the new file, never half.
    const tmp = path.join(path.dirname(real), `.${path.basename(real)}.fanout-${randomBytes(4).toString('hex')}`);
    const { mode } = await fs.stat(real);
    try {
      await fs.writeFile(tmp, next, { mode });
      await fs.rename(tmp, real);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
  }

  async listFiles(rel: string, glob: string | undefined, limit: number, signal?: AbortSignal): Promise<Listing<string>> {
    await this.realExisting(rel);
    if (this.rg) {
      return rgFiles(this.rg, this.root, { globs: glob ? [scopeGlob(rel, glob)] : [], searchPath: rel, limit }, signal);
    }
    const match = glob ? picomatch(glob, { dot: true }) : () => true;
    const items: string[] = [];
    for await (const file of walkFiles(this.root, rel, signal)) {
      if (!match(rel === '.' ? file : file.slice(rel.length + 1))) continue;
      if (items.length === limit) return { items, truncated: true };
      items.push(file);
    }
    return { items, truncated: false };
  }

  async search(options: SearchOptions, signal?: AbortSignal): Promise<Listing<SearchMatch>> {
    const globs = options.include ? [options.include] : [];
    if (this.rg) return rgSearch(this.rg, this.root, { ...options, globs, searchPath: '.', limit: options.maxResults }, signal);
    return this.searchWithNode(options, signal);
  }

  private async searchWithNode(options: SearchOptions, signal?: AbortSignal): Promise<Listing<SearchMatch>> {
    const re = options.isRegex ? new RegExp(options.query) : undefined;
    const test = (line: string) => (re ? re.test(line) : line.includes(options.query));
    const include = options.include ? picomatch(options.include, { dot: true }) : () => true;
    const items: SearchMatch[] = [];
    for await (const file of walkFiles(this.root, '.', signal)) {
      if (!include(file)) continue;
      const st = await fs.stat(path.join(this.root, file)).catch(() => undefined);
      if (!st?.isFile() || st.size > 20 * 1024 * 1024) continue;
      let line = 0;
      for await (const text of readLines(path.join(this.root, file))) {
        line++;
        if (line === 1 && text.includes('\0')) break;
        if (!test(text)) continue;
        if (items.length === options.maxResults) return { items, truncated: true };
        items.push({ path: file, line, text });
      }
    }
    return { items, truncated: false };
  }

  /** The real path of an existing entry, verified inside the workspace; undefined when nothing is there. */
  private realExisting(rel: string): Promise<string | undefined> {
    return realPathInside(this.root, rel);
  }
}

/** ripgrep globs are relative to the search root, which is the workspace root here. */
function scopeGlob(rel: string, glob: string): string {
  return rel === '.' ? glob : `${rel}/${glob.replace(/^\.\//, '')}`;
}

async function* readLines(file: string): AsyncGenerator<string> {
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  try {
    for await (const line of rl) yield line;
  } finally {
    rl.close();
  }
}
