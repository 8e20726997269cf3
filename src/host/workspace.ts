// What the tools need from wherever the files live. Two implementations: src/node (plain fs, headless runner and
// tests) and src/vscode (workspace.fs + WorkspaceEdit, so unsaved buffers are respected and edits can be undone).
// Every `path` here is already normalised and workspace-relative (see tools/paths.ts); implementations still check
// the real location (symlinks) before touching anything.

export interface FileText {
  text: string;
  /** True when the text came from an open editor with unsaved changes rather than from disk. */
  fromDirtyBuffer?: boolean;
}

export interface TextEdit {
  /** The whole text the offsets refer to; the edit is refused if the file no longer has exactly this text. */
  expected: string;
  offset: number;
  deleteCount: number;
  insert: string;
}

/** What a write did beyond its change, when the host keeps an editor buffer that is saved after the change. */
export interface WriteOutcome {
  /** The change is made in the editor, but the call was stopped while the file was being saved, and gave up waiting. */
  savePending?: boolean;
  /** The call was stopped while the file was being saved, and that save then completed. */
  savedAfterStop?: boolean;
}

export interface SearchOptions {
  query: string;
  isRegex: boolean;
  /** Glob relative to the workspace root, e.g. `src/**\/*.ts`. */
  include?: string;
  maxResults: number;
}

export interface SearchMatch {
  path: string;
  line: number;
  text: string;
}

export interface Listing<T> {
  items: T[];
  truncated: boolean;
  /** What the model should know about files left out (binary, too large), one line each. */
  notes?: string[];
}

export interface Workspace {
  /** Absolute root, for display and for running commands. */
  readonly root: string;
  /**
   * The identity of the file `path` names, for locks and the stale-edit check: two names of one file (a symlink, a
   * symlinked folder) give the same key. Synchronous, because locks are taken in model order as calls arrive. For a
   * path that does not exist yet, its nearest existing parent is resolved.
   */
  lockKey(path: string): string;
  stat(path: string, signal?: AbortSignal): Promise<{ type: 'file' | 'directory'; size: number } | undefined>;
  readFile(path: string, signal?: AbortSignal): Promise<FileText>;
  /** Creates the file (and parent folders); refuses if it already exists. */
  createFile(path: string, text: string, signal?: AbortSignal): Promise<WriteOutcome | void>;
  /** Applies one replacement atomically: all or nothing, never half-written. */
  editFile(path: string, edit: TextEdit, signal?: AbortSignal): Promise<WriteOutcome | void>;
  /** Deletes one file (never a folder). */
  deleteFile(path: string, signal?: AbortSignal): Promise<void>;
  /** Moves one file to a new name (parent folders created); refuses when `to` exists: nothing is overwritten. */
  renameFile(from: string, to: string, signal?: AbortSignal): Promise<void>;
  /** Files under `path` (workspace-relative), honouring .gitignore and the user's excludes. */
  listFiles(path: string, glob: string | undefined, limit: number, signal?: AbortSignal): Promise<Listing<string>>;
  search(options: SearchOptions, signal?: AbortSignal): Promise<Listing<SearchMatch>>;
}
