import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { FileText, Listing, SearchMatch, SearchOptions, TextEdit, Workspace } from '../host/workspace';
import { ToolError } from '../tools/toolError';
import { deleteEntry, renameEntry } from './fileMoves';
import { checkParents, realPathInside, realPathKey } from './containment';
import { findRipgrep, rgFiles } from './ripgrep';
import { RipgrepSearcher } from './ripgrepBatch';
import { encodeTextFor, readText, specialFile } from './fileBytes';
import { nodeSearch } from './nodeSearch';
import { encodeText, encodingLabel } from './textCodec';
import { walkFiles } from './walk';

export interface NodeWorkspaceOptions {
  /** A ripgrep binary, or false for the pure-Node search; default: found on the machine. */
  ripgrep?: string | false;
  /** Pure-Node search only: how long a regular expression may run on one file (default 10 s). */
  regexDeadlineMs?: number;
}

/** The workspace on plain Node fs: the headless runner's, and the unit tests'. */
export class NodeWorkspace implements Workspace {
  private readonly rg: string | undefined;
  /** Searches that arrive together share one ripgrep process (see ripgrepBatch). */
  private readonly searcher: RipgrepSearcher | undefined;
  private readonly regexDeadlineMs: number | undefined;

  private constructor(
    readonly root: string,
    options: NodeWorkspaceOptions,
  ) {
    this.rg = options.ripgrep === false ? undefined : (options.ripgrep ?? findRipgrep());
    this.searcher = this.rg ? new RipgrepSearcher(this.rg) : undefined;
    this.regexDeadlineMs = options.regexDeadlineMs;
  }

  /** `root` is resolved through symlinks once, so that every later containment check compares real paths. */
  static async open(root: string, options: NodeWorkspaceOptions = {}): Promise<NodeWorkspace> {
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
    if (!st.isFile() && !st.isDirectory()) throw specialFile(rel, st);
    return { type: st.isDirectory() ? 'directory' : 'file', size: st.size };
  }

  async readFile(rel: string): Promise<FileText> {
    const real = await this.realExisting(rel);
    if (!real) throw new ToolError('not_found', `${rel} does not exist.`);
    return { text: (await readText(real, rel)).text };
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
    const { text: current, encoding, bytes } = await readText(real, rel);
    if (current !== edit.expected) throw new ToolError('stale_file', `${rel} changed while the edit was being prepared. Read it again.`);
    // Decoding is lossless by construction; checked anyway, since a file whose bytes would change is not edited.
    if (!encodeText(current, encoding).equals(bytes)) throw new ToolError('unsupported_encoding', `${rel} cannot be edited without changing bytes outside the edit (${encodingLabel(encoding)} did not round-trip).`);
    const next = encodeTextFor(rel, current.slice(0, edit.offset) + edit.insert + current.slice(edit.offset + edit.deleteCount), encoding);
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

  deleteFile(rel: string, signal?: AbortSignal): Promise<void> {
    return deleteEntry(this.root, rel, signal);
  }

  renameFile(from: string, to: string, signal?: AbortSignal): Promise<void> {
    return renameEntry(this.root, from, to, signal);
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
    if (this.searcher) return this.searcher.search(this.root, { ...options, globs, searchPath: '.', limit: options.maxResults }, signal);
    return nodeSearch(this.root, { ...options, regexDeadlineMs: this.regexDeadlineMs }, signal);
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
