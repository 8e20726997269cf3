import { countLineChanges } from '../shared/lineDiff';
import type { ChangedFile } from '../shared/protocol';

/** A file's whole text at some moment; undefined means it did not exist. */
export type Snapshot = string | undefined;

export interface Restore {
  path: string;
  /** What to put back; undefined: delete the file (the agent created it). */
  content: Snapshot;
  /**
   * The text the agent's latest write left in the file, when known (not after a window reload): an unsaved editor
   * buffer holding anything else has the user's own changes, which putting the original back would discard.
   */
  agent?: { text: Snapshot };
}

/** A rename to take back: `to` (which holds exactly `from`'s original) is renamed back to `from`. */
export interface RenameBack {
  from: Restore;
  to: Restore;
}

/**
 * Finds the renames in a plan: a file to recreate (absent now) whose original text is exactly what a file to delete
 * holds now. The agent's rename_file is such a pair, and so is a delete_file plus a create_file of the same text.
 * Renaming back puts the same bytes in the same places as recreating and deleting, and an open editor follows the
 * file instead of closing. `current` is each file's text now (editor buffer first), undefined when it does not exist.
 */
export function findRenamesBack(plan: readonly Restore[], current: (path: string) => Snapshot): { renames: RenameBack[]; rest: Restore[] } {
  const deletes = plan.filter((r) => r.content === undefined && current(r.path) !== undefined);
  const renames: RenameBack[] = [];
  for (const from of plan) {
    if (from.content === undefined || current(from.path) !== undefined) continue;
    const i = deletes.findIndex((to) => current(to.path) === from.content);
    if (i >= 0) renames.push({ from, to: deletes.splice(i, 1)[0] });
  }
  const paired = new Set(renames.flatMap((r) => [r.from, r.to]));
  return { renames, rest: plan.filter((r) => !paired.has(r)) };
}

/** The tracker as plain JSON (undefined texts as null), to survive a window reload. */
export interface SavedChanges {
  pending: [string, string | null][];
  decided: ChangedFile[];
  checkpoints: { messageIndex: number; before: [string, string | null][] }[];
}

const toJson = (m: Map<string, Snapshot>): [string, string | null][] => [...m].map(([p, t]) => [p, t ?? null]);
const fromJson = (e: [string, string | null][]): Map<string, Snapshot> => new Map(e.map(([p, t]) => [p, t ?? undefined]));

/**
 * Bookkeeping for the agent's file changes in one conversation, so the user can review and take them back without
 * git: the agent knows what it wrote, so the text a file had before its first write is all that must be remembered.
 *
 * - Review: each changed file keeps its original (before the agent's first write since it was last kept or undone)
 *   until the user keeps it (forget the original) or undoes it (restore it). Pending changes carry over from one
 *   request to the next, so the diff always shows everything not yet reviewed.
 * - Checkpoints: per user message, the text each file had before the agent first changed it after that message.
 *   Restoring message k puts back every file changed in k's run or later, each to its earliest recorded text.
 */
export class ChangeTracker {
  private readonly pending = new Map<string, Snapshot>();
  private readonly decided = new Map<string, ChangedFile>();
  /** What the agent's latest write left in each pending file. In memory only: after a reload it is unknown. */
  private readonly agentText = new Map<string, Snapshot>();
  private checkpoints: { messageIndex: number; before: Map<string, Snapshot> }[] = [];

  save(): SavedChanges {
    return { pending: toJson(this.pending), decided: [...this.decided.values()], checkpoints: this.checkpoints.map((c) => ({ messageIndex: c.messageIndex, before: toJson(c.before) })) };
  }

  /** Takes back a saved state (after a reload), unless the agent already wrote something in this window. */
  load(saved: SavedChanges): void {
    if (this.pending.size || this.checkpoints.length) return;
    for (const [p, t] of fromJson(saved.pending)) this.pending.set(p, t);
    for (const f of saved.decided) this.decided.set(f.path, f);
    this.checkpoints = saved.checkpoints.map((c) => ({ messageIndex: c.messageIndex, before: fromJson(c.before) }));
  }

  /** A user message is about to run: changes from now on belong to its checkpoint. */
  beginCheckpoint(messageIndex: number): void {
    this.checkpoints = this.checkpoints.filter((c) => c.messageIndex < messageIndex);
    this.checkpoints.push({ messageIndex, before: new Map() });
    // Kept/undone files were shown for the last request only.
    this.decided.clear();
  }

  /** The agent changed `path`; `before` is the text it had right before this write, `after` the text it left. */
  recordWrite(path: string, before: Snapshot, after?: { text: Snapshot }): void {
    if (!this.pending.has(path)) this.pending.set(path, before);
    if (after) this.agentText.set(path, after.text);
    else this.agentText.delete(path);
    this.decided.delete(path);
    const checkpoint = this.checkpoints[this.checkpoints.length - 1];
    if (checkpoint && !checkpoint.before.has(path)) checkpoint.before.set(path, before);
  }

  isPending(path: string): boolean {
    return this.pending.has(path);
  }

  /** The text under review for a pending file (undefined if the agent created it). */
  original(path: string): Snapshot {
    return this.pending.get(path);
  }

  pendingPaths(): string[] {
    return [...this.pending.keys()];
  }

  /** Accept the current text: the original is forgotten. `path` absent: every pending file. */
  keep(path: string | undefined, current: (path: string) => Snapshot): void {
    for (const p of this.select(path)) this.decide(p, 'kept', current(p));
  }

  /** What undoing would write back; call `markUndone` for each path once it is restored. */
  undoPlan(path: string | undefined): Restore[] {
    return this.select(path).map((p) => this.restoreOf(p, this.pending.get(p)));
  }

  markUndone(path: string): void {
    const original = this.pending.get(path);
    if (this.pending.has(path)) this.decide(path, 'undone', original);
  }

  /** What restoring the checkpoint of the user message at `messageIndex` would write back. */
  restorePlan(messageIndex: number): Restore[] {
    const earliest = new Map<string, Snapshot>();
    for (const c of this.checkpoints) {
      if (c.messageIndex < messageIndex) continue;
      for (const [path, before] of c.before) if (!earliest.has(path)) earliest.set(path, before);
    }
    return [...earliest].map(([path, content]) => this.restoreOf(path, content));
  }

  /**
   * After a checkpoint was restored: its changes (and later ones) are gone, so their checkpoints are dropped, and a
   * file back at its review original needs no review.
   */
  checkpointRestored(messageIndex: number, restored: readonly Restore[]): void {
    this.checkpoints = this.checkpoints.filter((c) => c.messageIndex < messageIndex);
    for (const r of restored) {
      if (!this.pending.has(r.path)) continue;
      if (this.pending.get(r.path) === r.content) this.decide(r.path, 'undone', r.content);
      // Still under review, now holding the checkpoint's text: Fanout's own write, as the agent's are.
      else this.agentText.set(r.path, r.content);
    }
  }

  /** The list the chat shows, with line counts between each original and `current` text. */
  changedFiles(current: (path: string) => Snapshot): ChangedFile[] {
    const pending = [...this.pending].map(([path, original]): ChangedFile => ({ path, state: 'pending', ...countLineChanges(original ?? '', current(path) ?? '') }));
    return [...pending, ...this.decided.values()].sort((a, b) => a.path.localeCompare(b.path));
  }

  private restoreOf(path: string, content: Snapshot): Restore {
    return this.agentText.has(path) ? { path, content, agent: { text: this.agentText.get(path) } } : { path, content };
  }

  private select(path: string | undefined): string[] {
    if (path === undefined) return [...this.pending.keys()];
    return this.pending.has(path) ? [path] : [];
  }

  private decide(path: string, state: 'kept' | 'undone', now: Snapshot): void {
    const original = this.pending.get(path);
    this.pending.delete(path);
    this.agentText.delete(path);
    const counts = state === 'kept' ? countLineChanges(original ?? '', now ?? '') : { additions: 0, deletions: 0 };
    this.decided.set(path, { path, state, ...counts });
  }
}
