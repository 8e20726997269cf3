import * as path from 'node:path';
import * as vscode from 'vscode';
import { findRenamesBack, type Restore } from '../agent/changeTracker';
import type { ChatSession } from '../agent/chatSession';
import type { FileLocks } from '../agent/fileLocks';
import type { Logger } from '../host/logger';
import type { ChangedFile } from '../shared/protocol';
import type { VscodeWorkspace } from './vscodeWorkspace';

export const ORIGINAL_SCHEME = 'fanout-original';

/**
 * Review of the agent's changes: a diff against the text before the agent touched the file (served as a virtual
 * `fanout-original:` document), Keep / Undo per file or for all, and restoring a whole request's checkpoint.
 * Undo and restore are WorkspaceEdits, so they are themselves undoable, and they take the file's write lock so
 * they never interleave with an agent edit in flight.
 */
export class ChangeReview implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration: vscode.Disposable;

  constructor(
    private readonly deps: {
      session(conversationId: string): ChatSession | undefined;
      workspace(): Promise<VscodeWorkspace>;
      locks: FileLocks;
      logger: Logger;
    },
  ) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(ORIGINAL_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const params = new URLSearchParams(uri.query);
    const session = this.deps.session(params.get('conversation') ?? '');
    const rel = uri.path.replace(/^\//, '');
    return params.has('empty') ? '' : (session?.changes.original(rel) ?? '');
  }

  async changedFiles(session: ChatSession): Promise<ChangedFile[]> {
    const ws = await this.deps.workspace();
    const now = new Map<string, string | undefined>();
    for (const p of session.changes.pendingPaths()) now.set(p, await ws.snapshot(p).catch(() => undefined));
    return session.changes.changedFiles((p) => now.get(p));
  }

  async openDiff(session: ChatSession, rel: string): Promise<void> {
    const ws = await this.deps.workspace();
    const current = ws.uriOf(rel);
    if (!session.changes.isPending(rel)) {
      await vscode.window.showTextDocument(current);
      return;
    }
    const original = this.originalUri(session, rel);
    this.changed.fire(original);
    const exists = (await ws.stat(rel)) !== undefined;
    const right = exists ? current : this.originalUri(session, rel, true);
    const name = path.posix.basename(rel);
    const what = session.changes.original(rel) === undefined ? 'created by Fanout' : exists ? 'original ↔ Fanout' : 'deleted';
    await vscode.commands.executeCommand('vscode.diff', original, right, `${name} (${what})`, { preview: true });
  }

  async keep(session: ChatSession, rel: string | undefined): Promise<void> {
    const ws = await this.deps.workspace();
    const paths = rel === undefined ? session.changes.pendingPaths() : [rel];
    const now = new Map<string, string | undefined>();
    for (const p of paths) now.set(p, await ws.snapshot(p).catch(() => undefined));
    session.changes.keep(rel, (p) => now.get(p));
    await this.closeDiffs(paths);
  }

  /**
   * Undoes one file, some files (one Ctrl+Z step: a rename is two) or every pending file; returns the files that
   * could not be restored, with why.
   */
  async undo(session: ChatSession, which: string | string[] | undefined): Promise<string[]> {
    const plan = Array.isArray(which) ? which.flatMap((p) => session.changes.undoPlan(p)) : session.changes.undoPlan(which);
    const { done, failed } = await this.apply(plan);
    for (const r of done) session.changes.markUndone(r.path);
    this.refresh(session, done);
    await this.closeDiffs(done.map((r) => r.path));
    return failed;
  }

  /** Puts back every file changed since the user message at `messageIndex`; created files are deleted. */
  async restoreCheckpoint(session: ChatSession, messageIndex: number): Promise<{ restored: number; failed: string[] }> {
    const plan = session.changes.restorePlan(messageIndex);
    const { done, failed } = await this.apply(plan);
    session.changes.checkpointRestored(messageIndex, done);
    this.refresh(session, done);
    await this.closeDiffs(done.map((r) => r.path));
    return { restored: done.length, failed };
  }

  /** Renames back first (see findRenamesBack), then every other file on its own. */
  private async apply(plan: Restore[]): Promise<{ done: Restore[]; failed: string[] }> {
    const ws = await this.deps.workspace();
    const now = new Map<string, string | undefined>();
    for (const r of plan) now.set(r.path, await ws.snapshot(r.path).catch(() => undefined));
    const { renames, rest } = findRenamesBack(plan, (p) => now.get(p));
    const done: Restore[] = [];
    const failed: string[] = [];
    for (const { from, to } of renames) {
      if (await this.renameBack(ws, from.path, to.path, from.content)) done.push(from, to);
      else rest.push(from, to);
    }
    for (const r of rest) {
      const lock = this.deps.locks.acquire([{ path: ws.lockKey(r.path), write: true }]);
      try {
        await lock.ready;
        await ws.restore(r.path, r.content, r.agent);
        done.push(r);
      } catch (e) {
        const why = `${r.path}: ${(e as Error).message}`;
        this.deps.logger.warn(`restore failed: ${why}`);
        failed.push(why);
      } finally {
        lock.release();
      }
    }
    return { done, failed };
  }

  /**
   * Renames `to` back to `from` if, under both locks, `from` is still absent and `to` still holds `text`; false
   * otherwise (or when VS Code refuses), and the caller restores the two files one by one instead.
   */
  private async renameBack(ws: VscodeWorkspace, from: string, to: string, text: string | undefined): Promise<boolean> {
    const lock = this.deps.locks.acquire([
      { path: ws.lockKey(from), write: true },
      { path: ws.lockKey(to), write: true },
    ]);
    try {
      await lock.ready;
      if ((await ws.stat(from)) !== undefined || (await ws.snapshot(to)) !== text) return false;
      await ws.renameFile(to, from);
      return true;
    } catch (e) {
      this.deps.logger.debug(`renaming ${to} back to ${from} failed, so the two are restored one by one: ${(e as Error).message}`);
      return false;
    } finally {
      lock.release();
    }
  }

  /**
   * A reviewed file's diff tab has nothing left to show (and for an undone new file, nothing to show it against):
   * it is closed rather than left pointing at a file that is gone.
   */
  private async closeDiffs(paths: readonly string[]): Promise<void> {
    const wanted = new Set(paths.map((p) => `/${p}`));
    const tabs = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.original.scheme === ORIGINAL_SCHEME && wanted.has(t.input.original.path));
    if (tabs.length) await vscode.window.tabGroups.close(tabs, true).then(undefined, (e: unknown) => this.deps.logger.debug(`closing diff tabs: ${(e as Error).message}`));
  }

  private refresh(session: ChatSession, restored: Restore[]): void {
    for (const r of restored) this.changed.fire(this.originalUri(session, r.path));
  }

  private originalUri(session: ChatSession, rel: string, empty = false): vscode.Uri {
    const query = new URLSearchParams({ conversation: session.conversation.id, ...(empty ? { empty: '1' } : {}) }).toString();
    return vscode.Uri.from({ scheme: ORIGINAL_SCHEME, path: `/${rel}`, query });
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
