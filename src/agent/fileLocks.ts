import type { FileAccess } from '../tools/tool';

interface Holder {
  write: boolean;
  done: Promise<void>;
}

/**
 * Readers-writer locks per file, granted strictly in the order `acquire` is CALLED (which is model order: the
 * scheduler calls it synchronously as calls arrive). A writer waits for every earlier holder of the file; a reader
 * waits for earlier writers only. A `tree` claim covers every file under a folder (list_files, search_workspace):
 * it waits for earlier writes of any file under it, and later writes there wait for it; tree reads never wait for
 * each other. Keys are whatever the caller resolved (the scheduler uses `Workspace.lockKey`, the real file), so the
 * table can be shared by all runs in a workspace, and by anything else that edits files there.
 */
export class FileLocks {
  private readonly holders = new Map<string, Holder[]>();
  private readonly trees = new Map<string, Holder[]>();

  /**
   * Registers the claim now and returns a promise of the release function, resolved once every earlier conflicting
   * claim is released. Releasing is idempotent and must happen even if the call never ran (cancelled while waiting),
   * or later claims would wait forever.
   */
  acquire(files: readonly FileAccess[]): { ready: Promise<void>; release: () => void; contended: boolean } {
    // Most calls (tests, MCP tools) touch no file: no bookkeeping, no allocation.
    if (files.length === 0) return NO_LOCK;
    const waits: Promise<void>[] = [];
    let releaseFn!: () => void;
    const done = new Promise<void>((resolve) => (releaseFn = resolve));
    const claims = dedupe(files);
    for (const claim of claims) {
      if (!claim.tree) waitFor(this.holders.get(claim.path) ?? [], claim.write, waits);
      else for (const [key, list] of this.holders) if (isUnder(claim.path, key)) waitFor(list, claim.write, waits);
      for (const [folder, list] of this.trees) {
        if (isUnder(folder, claim.path) || (claim.tree && isUnder(claim.path, folder))) waitFor(list, claim.write, waits);
      }
    }
    for (const claim of claims) {
      const table = claim.tree ? this.trees : this.holders;
      const list = table.get(claim.path) ?? [];
      list.push({ write: claim.write, done });
      table.set(claim.path, list);
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      releaseFn();
      for (const claim of claims) {
        const table = claim.tree ? this.trees : this.holders;
        const remaining = table.get(claim.path)?.filter((h) => h.done !== done) ?? [];
        if (remaining.length) table.set(claim.path, remaining);
        else table.delete(claim.path);
      }
    };
    return { ready: waits.length ? Promise.all(waits).then(() => undefined) : RESOLVED, release, contended: waits.length > 0 };
  }

  /** Keys with a live claim; for tests and diagnostics. */
  get size(): number {
    return this.holders.size + this.trees.size;
  }
}

/** True when two claims would exclude each other (one of them writes, and they cover a common file). */
export function claimsConflict(a: FileAccess, b: FileAccess): boolean {
  if (!a.write && !b.write) return false;
  if (a.tree) return isUnder(a.path, b.path) || (!!b.tree && isUnder(b.path, a.path));
  if (b.tree) return isUnder(b.path, a.path);
  return a.path === b.path;
}

/** `key` is `folder` or inside it. Keys are real paths (either separator) or URIs. */
function isUnder(folder: string, key: string): boolean {
  if (key === folder) return true;
  if (!key.startsWith(folder)) return false;
  const last = folder[folder.length - 1];
  if (last === '/' || last === '\\') return true;
  const next = key[folder.length];
  return next === '/' || next === '\\';
}

function waitFor(list: readonly Holder[], write: boolean, waits: Promise<void>[]): void {
  for (const h of list) if (write || h.write) waits.push(h.done);
}

const RESOLVED = Promise.resolve();
const NO_LOCK = { ready: RESOLVED, release: () => {}, contended: false };

/** One claim per key and kind; a call that both reads and writes a file holds it as a writer. */
function dedupe(files: readonly FileAccess[]): FileAccess[] {
  const byKey = new Map<string, FileAccess>();
  for (const f of files) {
    const id = `${f.tree ? 'T' : 'F'}${f.path}`;
    const seen = byKey.get(id);
    byKey.set(id, { path: f.path, write: (seen?.write ?? false) || f.write, ...(f.tree ? { tree: true } : {}) });
  }
  return [...byKey.values()];
}
