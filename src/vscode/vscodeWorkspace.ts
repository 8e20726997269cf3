import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import type { Logger } from '../host/logger';
import { awaitSave } from '../host/pendingSave';
import type { FileText, Listing, SearchMatch, SearchOptions, TextEdit, Workspace, WriteOutcome } from '../host/workspace';
import { ToolError } from '../tools/toolError';
import { realPathInside, realPathKey } from '../node/containment';
import { OwnFileOperations } from './fileOperationUndo';
import { isNotFound } from './storage';
import { WorkspaceSearch } from './workspaceSearch';

/**
 * The agent's view of the first workspace folder, through VS Code rather than the disk:
 * - reads come from the open editor when the file is open, so the agent sees unsaved text, as the user does;
 * - edits are WorkspaceEdits on the document (undoable with Ctrl+Z, and they never clobber unsaved text). A file that
 *   was clean is saved after the edit so disk and buffer agree (tests, git and other tools read the disk). A file
 *   that was dirty stays unsaved: saving would also write the user's own unfinished changes, which is theirs to do.
 *   Run_tests therefore sees the agent's edits to a dirty file only once the user saves it.
 */
export class VscodeWorkspace implements Workspace {
  private constructor(
    private readonly rootUri: vscode.Uri,
    /** Resolved through symlinks, for containment checks; undefined when the folder is not on a local disk. */
    private readonly realRoot: string | undefined,
    private readonly searcher: WorkspaceSearch,
    private readonly logger: Logger,
    private readonly own: OwnFileOperations,
  ) {}

  /** `own` counts the file operations this workspace applies, for whoever tells them from the user's (Ctrl+Z). */
  static async open(folder: vscode.WorkspaceFolder, options: { ripgrep: string | undefined; logger: Logger; own?: OwnFileOperations }): Promise<VscodeWorkspace> {
    const local = folder.uri.scheme === 'file';
    const realRoot = local ? await fs.realpath(folder.uri.fsPath) : undefined;
    return new VscodeWorkspace(folder.uri, realRoot, new WorkspaceSearch(folder.uri, local ? options.ripgrep : undefined), options.logger, options.own ?? new OwnFileOperations());
  }

  get root(): string {
    return this.rootUri.fsPath;
  }

  uriOf(rel: string): vscode.Uri {
    return rel === '.' ? this.rootUri : vscode.Uri.joinPath(this.rootUri, ...rel.split('/'));
  }

  /** The workspace-relative POSIX path of a URI inside the folder, or undefined. */
  relativePath(uri: vscode.Uri): string | undefined {
    const root = this.rootUri.path.replace(/\/$/, '');
    if (uri.scheme !== this.rootUri.scheme || uri.authority !== this.rootUri.authority) return undefined;
    if (uri.path === root) return '.';
    return uri.path.startsWith(`${root}/`) ? uri.path.slice(root.length + 1) : undefined;
  }

  /** The real file on a local disk (symlinks resolved); elsewhere (remote file systems) the URI. */
  lockKey(rel: string): string {
    return this.realRoot !== undefined ? realPathKey(this.realRoot, rel) : this.uriOf(rel).toString();
  }

  async stat(rel: string): Promise<{ type: 'file' | 'directory'; size: number } | undefined> {
    if (!(await this.contained(rel))) return undefined;
    try {
      const st = await vscode.workspace.fs.stat(this.uriOf(rel));
      if (!(st.type & (vscode.FileType.File | vscode.FileType.Directory))) throw specialFile(rel);
      return { type: st.type & vscode.FileType.Directory ? 'directory' : 'file', size: st.size };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async readFile(rel: string): Promise<FileText> {
    await this.contained(rel);
    const uri = this.uriOf(rel);
    const doc = this.openDocument(uri);
    if (doc) return { text: doc.getText(), fromDirtyBuffer: doc.isDirty };
    return { text: await this.readDisk(uri, rel) };
  }

  async createFile(rel: string, text: string, signal?: AbortSignal): Promise<WriteOutcome> {
    if (await this.contained(rel)) throw new ToolError('already_exists', `${rel} already exists.`);
    signal?.throwIfAborted();
    const uri = this.uriOf(rel);
    const edit = new vscode.WorkspaceEdit();
    edit.createFile(uri, { overwrite: false, ignoreIfExists: false });
    edit.insert(uri, new vscode.Position(0, 0), text);
    if (!(await this.applyFileEdit(edit))) throw new ToolError('failed', `VS Code could not create ${rel}.`);
    // A new file has no unsaved user text to protect: save it, so that it exists on disk as the agent wrote it.
    return this.saveQuietly(await vscode.workspace.openTextDocument(uri), rel, signal);
  }

  async editFile(rel: string, edit: TextEdit, signal?: AbortSignal): Promise<WriteOutcome | void> {
    if (!(await this.contained(rel))) throw new ToolError('not_found', `${rel} does not exist.`);
    const uri = this.uriOf(rel);
    const wasOpen = this.openDocument(uri);
    if (!wasOpen && (await this.readDisk(uri, rel)) !== edit.expected) throw stale(rel);
    const doc = wasOpen ?? (await vscode.workspace.openTextDocument(uri));
    const next = edit.expected.slice(0, edit.offset) + edit.insert + edit.expected.slice(edit.offset + edit.deleteCount);
    // The agent saves a clean document after its edit: only if that rewrites nothing but the edit's own bytes.
    if (!doc.isDirty) await this.checkRoundTrip(doc, rel);
    signal?.throwIfAborted();
    if (doc.getText() !== edit.expected) {
      // Loading normalised the file (mixed line endings): offsets into the disk text do not fit the document, so
      // the file is written whole instead; the clean document reloads from disk.
      if (!wasOpen && !doc.isDirty) return this.writeDisk(uri, next, doc.encoding);
      throw stale(rel);
    }
    const wasDirty = doc.isDirty;
    const change = new vscode.WorkspaceEdit();
    change.replace(uri, new vscode.Range(doc.positionAt(edit.offset), doc.positionAt(edit.offset + edit.deleteCount)), edit.insert);
    // Checked again right before applying: the user may have typed while this call waited for its lock.
    if (doc.getText() !== edit.expected) throw stale(rel);
    if (!(await vscode.workspace.applyEdit(change))) throw new ToolError('failed', `VS Code refused the edit to ${rel}.`);
    if (!wasDirty) return this.saveQuietly(doc, rel, signal);
  }

  /**
   * One WorkspaceEdit, on VS Code's undo stack (Ctrl+Z in the Explorer brings the file back: see fileOperationUndo.ts).
   * A file with unsaved changes in its editor is refused: that text exists nowhere else.
   */
  async deleteFile(rel: string, signal?: AbortSignal): Promise<void> {
    const uri = await this.existingFileUri(rel);
    if (this.openDocument(uri)?.isDirty) throw new ToolError('failed', `${rel} has unsaved changes in the editor, so it was not deleted. Ask the user to save or revert it first.`);
    signal?.throwIfAborted();
    const edit = new vscode.WorkspaceEdit();
    edit.deleteFile(uri, { recursive: false, ignoreIfNotExists: false });
    if (!(await this.applyFileEdit(edit))) throw new ToolError('failed', `VS Code could not delete ${rel}.`);
  }

  /**
   * One WorkspaceEdit, undone by Ctrl+Z in the renamed file's editor or in the Explorer; an open editor (unsaved text
   * included) follows the file to its new name.
   */
  async renameFile(from: string, to: string, signal?: AbortSignal): Promise<void> {
    const source = await this.existingFileUri(from);
    if (await this.contained(to)) throw new ToolError('already_exists', `${to} already exists; rename_file never overwrites.`);
    signal?.throwIfAborted();
    const edit = new vscode.WorkspaceEdit();
    edit.renameFile(source, this.uriOf(to), { overwrite: false, ignoreIfExists: false });
    if (!(await this.applyFileEdit(edit))) throw new ToolError('failed', `VS Code could not rename ${from} to ${to}.`);
  }

  listFiles(rel: string, glob: string | undefined, limit: number, signal?: AbortSignal): Promise<Listing<string>> {
    return this.searcher.listFiles(rel, glob, limit, signal);
  }

  search(options: SearchOptions, signal?: AbortSignal): Promise<Listing<SearchMatch>> {
    return this.searcher.search(options, this.dirtyDocuments(), signal);
  }

  /** The current text (editor buffer first), or undefined when the file does not exist. For review and undo. */
  async snapshot(rel: string): Promise<string | undefined> {
    if (!(await this.stat(rel))) return undefined;
    return (await this.readFile(rel)).text;
  }

  /**
   * Puts a file back to `text` (or deletes it when undefined) with one undoable WorkspaceEdit. Same save rule as
   * the agent's edits: saved unless the user had unsaved changes in it. An editor with unsaved text other than
   * `agent.text` (what the agent's latest write left) holds the user's own changes, which exist nowhere else: the
   * file is left alone, as delete_file leaves it.
   */
  async restore(rel: string, text: string | undefined, agent?: { text: string | undefined }): Promise<void> {
    const uri = this.uriOf(rel);
    const exists = await this.contained(rel);
    // Checked right before each edit is applied: the user may type while Undo waits for the file's lock.
    const keepUserText = (doc: vscode.TextDocument | undefined) => {
      if (doc?.isDirty && doc.getText() !== agent?.text) throw new Error('its editor has unsaved changes that undoing would discard, so it was left as it is. Save or revert them, then undo again.');
    };
    const edit = new vscode.WorkspaceEdit();
    if (text === undefined) {
      if (!exists) return;
      edit.deleteFile(uri, { ignoreIfNotExists: true });
      keepUserText(this.openDocument(uri));
      if (!(await this.applyFileEdit(edit))) throw new Error(`VS Code could not delete ${rel}.`);
      return;
    }
    if (!exists) {
      edit.createFile(uri, { ignoreIfExists: true });
      edit.insert(uri, new vscode.Position(0, 0), text);
      if (!(await this.applyFileEdit(edit))) throw new Error(`VS Code could not recreate ${rel}.`);
      await this.saveQuietly(await vscode.workspace.openTextDocument(uri), rel);
      return;
    }
    const doc = await vscode.workspace.openTextDocument(uri);
    const wasDirty = doc.isDirty;
    keepUserText(doc);
    edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code could not restore ${rel}.`);
    if (!wasDirty) await this.saveQuietly(doc, rel);
  }

  /** A WorkspaceEdit that creates, deletes or renames a file: its file events are Fanout's own. */
  private applyFileEdit(edit: vscode.WorkspaceEdit): Promise<boolean> {
    return this.own.run(() => vscode.workspace.applyEdit(edit));
  }

  /** Open documents of this folder with unsaved changes, by relative path: search looks at these, not the disk. */
  private dirtyDocuments(): Map<string, string> {
    const out = new Map<string, string>();
    for (const doc of vscode.workspace.textDocuments) {
      const rel = doc.isDirty ? this.relativePath(doc.uri) : undefined;
      if (rel) out.set(rel, doc.getText());
    }
    return out;
  }

  private async existingFileUri(rel: string): Promise<vscode.Uri> {
    const info = await this.stat(rel);
    if (!info) throw new ToolError('not_found', `${rel} does not exist.`);
    if (info.type === 'directory') throw new ToolError('is_directory', `${rel} is a directory; only single files can be deleted or renamed.`);
    return this.uriOf(rel);
  }

  private openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
    const key = uri.toString();
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === key && !d.isClosed);
  }

  private async contained(rel: string): Promise<boolean> {
    if (this.realRoot !== undefined) return (await realPathInside(this.realRoot, rel)) !== undefined;
    // Not a local disk (remote FS provider): no symlinks to follow; paths are already normalised.
    try {
      await vscode.workspace.fs.stat(this.uriOf(rel));
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  /**
   * Refuses an edit whose save would change bytes the edit does not touch: a file opened in the wrong encoding
   * (a Latin-1 file read as UTF-8 shows U+FFFD, and saving writes U+FFFD back for every accented byte).
   */
  private async checkRoundTrip(doc: vscode.TextDocument, rel: string): Promise<void> {
    const bytes = await vscode.workspace.fs.readFile(doc.uri);
    const again = await vscode.workspace.encode(await vscode.workspace.decode(bytes, { encoding: doc.encoding }), { encoding: doc.encoding });
    if (Buffer.compare(Buffer.from(again), Buffer.from(bytes)) !== 0) {
      throw new ToolError(
        'unsupported_encoding',
        `${rel} is not valid ${doc.encoding}, the encoding it is open in: saving an edit would rewrite bytes the edit does not touch, so nothing was changed. Reopen it with its real encoding (Reopen with Encoding), or set files.encoding / files.autoGuessEncoding, then edit again.`,
      );
    }
  }

  private async readDisk(uri: vscode.Uri, rel: string): Promise<string> {
    let bytes: Uint8Array;
    try {
      // Never open a FIFO or a device: reading one can block forever.
      if (!((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.File)) throw specialFile(rel);
      bytes = await vscode.workspace.fs.readFile(uri);
    } catch (e) {
      if (isNotFound(e)) throw new ToolError('not_found', `${rel} does not exist.`);
      throw e;
    }
    try {
      // Decoded as the editor would (files.encoding, BOM), so disk text and document text compare equal.
      return await vscode.workspace.decode(bytes, { uri });
    } catch {
      throw new ToolError('binary_file', `${rel} is a binary file; read_file reads text only.`);
    }
  }

  private async writeDisk(uri: vscode.Uri, text: string, encoding: string): Promise<void> {
    await vscode.workspace.fs.writeFile(uri, await vscode.workspace.encode(text, { encoding }));
  }

  /**
   * Saves a document the agent changed that had no unsaved user text. VS Code may already have saved it (a file
   * created by a WorkspaceEdit is written with its content). A failed save leaves the edit in the dirty buffer: it
   * is applied all the same, so it is logged, not reported to the model as a failure. Saved once, not retried:
   * `save()` is false for a read-only file, a conflict with a newer file on disk, a write error, or a save the user
   * cancelled (or a newer save took over, which writes this edit too); trying again fixes none of these. Slow save
   * participants delay a save but do not fail it (an extension's onWillSave listener is dropped after its 1.5 s).
   * The change is made before the save starts, so a stop or timeout of the call does not end the wait at once:
   * the call (and its file lock) waits for the save a bounded time more, and says how it ended (awaitSave).
   */
  private async saveQuietly(doc: vscode.TextDocument, rel: string, signal?: AbortSignal): Promise<WriteOutcome> {
    if (!doc.isDirty) return {};
    const unsaved = (why: string) => this.logger.warn(`${rel} was edited but could not be saved${why}; the change is in the editor buffer.`);
    const saved = Promise.resolve(doc.save()).then(
      () => {
        if (doc.isDirty) unsaved('');
      },
      (e: unknown) => unsaved(` (${e instanceof Error ? e.message : String(e)})`),
    );
    return awaitSave(saved, signal);
  }
}

function specialFile(rel: string): ToolError {
  return new ToolError('special_file', `${rel} is not a regular file (a named pipe, socket or device); file tools do not open it.`);
}

function stale(rel: string): ToolError {
  return new ToolError('stale_file', `${rel} changed while the edit was being prepared (in the editor or on disk). Read it again, then redo the edit.`);
}
