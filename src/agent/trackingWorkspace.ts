import type { FileText, Listing, SearchMatch, SearchOptions, TextEdit, Workspace, WriteOutcome } from '../host/workspace';
import type { Snapshot } from './changeTracker';

/**
 * Reports every successful agent write with the text the file had right before it, which is what review (diff,
 * undo) and checkpoints need, and the text it left (undefined: the file is gone), so that undo can tell the agent's
 * text from changes the user made afterwards. Writes that fail change nothing and are not reported.
 */
export class TrackingWorkspace implements Workspace {
  constructor(
    private readonly inner: Workspace,
    private readonly onWrite: (path: string, before: Snapshot, after: Snapshot) => void,
    /** After a delete (its path) or a rename (old and new path), once their writes are reported: one undoable step. */
    private readonly onFileOperation?: (paths: string[]) => void,
  ) {}

  get root(): string {
    return this.inner.root;
  }

  lockKey(path: string): string {
    return this.inner.lockKey(path);
  }

  stat(path: string, signal?: AbortSignal) {
    return this.inner.stat(path, signal);
  }

  readFile(path: string, signal?: AbortSignal): Promise<FileText> {
    return this.inner.readFile(path, signal);
  }

  async createFile(path: string, text: string, signal?: AbortSignal): Promise<WriteOutcome | void> {
    const outcome = await this.inner.createFile(path, text, signal);
    this.onWrite(path, undefined, text);
    return outcome;
  }

  async editFile(path: string, edit: TextEdit, signal?: AbortSignal): Promise<WriteOutcome | void> {
    const outcome = await this.inner.editFile(path, edit, signal);
    // The workspace applied the edit only because the file held exactly `expected`: that is the text before it.
    const after = edit.expected.slice(0, edit.offset) + edit.insert + edit.expected.slice(edit.offset + edit.deleteCount);
    this.onWrite(path, edit.expected, after);
    return outcome;
  }

  /** The text is read first: it is what undo and checkpoints put back. */
  async deleteFile(path: string, signal?: AbortSignal): Promise<void> {
    const { text } = await this.inner.readFile(path, signal);
    await this.inner.deleteFile(path, signal);
    this.onWrite(path, text, undefined);
    this.onFileOperation?.([path]);
  }

  /** For review a rename is the old name deleted and the new one created: undo puts the text back under the old name. */
  async renameFile(from: string, to: string, signal?: AbortSignal): Promise<void> {
    const { text } = await this.inner.readFile(from, signal);
    await this.inner.renameFile(from, to, signal);
    this.onWrite(from, text, undefined);
    this.onWrite(to, undefined, text);
    this.onFileOperation?.([from, to]);
  }

  listFiles(path: string, glob: string | undefined, limit: number, signal?: AbortSignal): Promise<Listing<string>> {
    return this.inner.listFiles(path, glob, limit, signal);
  }

  search(options: SearchOptions, signal?: AbortSignal): Promise<Listing<SearchMatch>> {
    return this.inner.search(options, signal);
  }
}
