import picomatch from 'picomatch';
import * as vscode from 'vscode';
import type { Listing, SearchMatch, SearchOptions } from '../host/workspace';
import { binaryNote, rgFiles } from '../node/ripgrep';
import { RipgrepSearcher } from '../node/ripgrepBatch';
import { decodeText } from '../node/textCodec';
import { excludeGlobsForRipgrep, lineMatcher, matchLines, mergeBufferMatches } from '../shared/search';
import { tokenFor } from './cancellation';

const MAX_SCAN_FILES = 5000;
const MAX_SCAN_BYTES = 20 * 1024 * 1024;

/**
 * list_files and search_workspace for the VS Code workspace: ripgrep (VS Code's own binary) with the user's
 * `files.exclude` and `search.exclude` added, .gitignore honoured. Where there is no ripgrep or the folder is not on
 * a local disk, VS Code's findFiles and a plain scan stand in.
 */
export class WorkspaceSearch {
  /** Searches that arrive together share one ripgrep process (see ripgrepBatch). */
  private readonly searcher: RipgrepSearcher | undefined;

  constructor(
    private readonly rootUri: vscode.Uri,
    private readonly rg: string | undefined,
  ) {
    this.searcher = rg ? new RipgrepSearcher(rg) : undefined;
  }

  async listFiles(rel: string, glob: string | undefined, limit: number, signal?: AbortSignal): Promise<Listing<string>> {
    if (this.rg) {
      const globs = [...(glob ? [scopeGlob(rel, glob)] : []), ...this.excludeGlobs()];
      return rgFiles(this.rg, this.rootUri.fsPath, { globs, searchPath: rel, limit }, signal);
    }
    const uris = await this.findFiles(rel, glob ?? '**/*', limit + 1, signal);
    const items = uris.map((u) => this.relative(u)).filter((p): p is string => p !== undefined);
    return { items: items.slice(0, limit), truncated: items.length > limit };
  }

  /** `buffers`: unsaved editor text by path, searched instead of what is on disk for those files. */
  async search(options: SearchOptions, buffers: ReadonlyMap<string, string>, signal?: AbortSignal): Promise<Listing<SearchMatch>> {
    const include = options.include ? picomatch(options.include, { dot: true }) : undefined;
    const disk = this.searcher
      ? await this.searcher.search(this.rootUri.fsPath, { ...options, globs: [...(options.include ? [options.include] : []), ...this.excludeGlobs()], searchPath: '.', limit: options.maxResults }, signal)
      : await this.scan(options, buffers, signal);
    let test: (line: string) => boolean;
    try {
      test = lineMatcher(options.query, options.isRegex);
    } catch {
      // ripgrep accepted a pattern JavaScript cannot compile: keep its disk results rather than fail the search.
      return disk;
    }
    return mergeBufferMatches(disk, buffers, { test, include, limit: options.maxResults });
  }

  private async scan(options: SearchOptions, buffers: ReadonlyMap<string, string>, signal?: AbortSignal): Promise<Listing<SearchMatch>> {
    const test = lineMatcher(options.query, options.isRegex);
    const items: SearchMatch[] = [];
    const binary: string[] = [];
    const result = (truncated: boolean): Listing<SearchMatch> => (binary.length ? { items, truncated, notes: [binaryNote(binary)] } : { items, truncated });
    for (const uri of await this.findFiles('.', options.include ?? '**/*', MAX_SCAN_FILES, signal)) {
      signal?.throwIfAborted();
      const path = this.relative(uri);
      if (!path || buffers.has(path)) continue;
      const stat = await vscode.workspace.fs.stat(uri).then(undefined, () => undefined);
      // Regular files only: reading a FIFO or a device can block forever.
      if (!stat || !(stat.type & vscode.FileType.File) || stat.size > MAX_SCAN_BYTES) continue;
      const bytes = Buffer.from(await vscode.workspace.fs.readFile(uri));
      const decoded = decodeText(bytes);
      if (decoded.binary) {
        if (matchLines(bytes.toString('latin1'), test, 1).items.length) binary.push(path);
        continue;
      }
      const found = matchLines(decoded.text, test, options.maxResults - items.length);
      items.push(...found.items.map((m) => ({ path, ...m })));
      if (found.truncated) return result(true);
    }
    return result(false);
  }

  private async findFiles(rel: string, glob: string, max: number, signal?: AbortSignal): Promise<vscode.Uri[]> {
    const base = rel === '.' ? this.rootUri : vscode.Uri.joinPath(this.rootUri, ...rel.split('/'));
    const excludes = this.excludeGlobs().map((g) => g.slice(1).replace(/^\//, ''));
    const source = tokenFor(signal);
    try {
      // An explicit exclude replaces the default files.exclude, so both settings are passed together.
      return await vscode.workspace.findFiles(new vscode.RelativePattern(base, glob), excludes.length ? `{${excludes.join(',')}}` : undefined, max, source.token);
    } finally {
      source.dispose();
    }
  }

  private excludeGlobs(): string[] {
    const get = (section: string) => vscode.workspace.getConfiguration(section, this.rootUri).get<Record<string, unknown>>('exclude');
    return excludeGlobsForRipgrep(get('files'), get('search'));
  }

  private relative(uri: vscode.Uri): string | undefined {
    const root = this.rootUri.path.replace(/\/$/, '');
    return uri.path.startsWith(`${root}/`) ? uri.path.slice(root.length + 1) : undefined;
  }
}

/** ripgrep matches globs against paths relative to its working directory, the workspace root. */
function scopeGlob(rel: string, glob: string): string {
  return rel === '.' ? glob : `${rel}/${glob.replace(/^\.\//, '')}`;
}
