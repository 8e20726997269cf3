import type { FileAccess } from '../tools/tool';

interface Holder {
  write: boolean;
  done: Promise<void>;
}

/**
 * Readers-writer locks per file path, granted strictly in the order `acquire` is CALLED (which is model order: the
 * scheduler calls it synchronously as calls arrive). A writer waits for every earlier holder of the path; a reader
 * waits for earlier writers only. Shared by all runs in a workspace so two conversations cannot interleave writes.
 */
export class FileLocks {
  private readonly holders = new Map<string, Holder[]>();

  /**
   * Registers the claim now and returns a promise of the release function, resolved once every earlier conflicting
   * claim is released. Releasing is idempotent and must happen even if the call never ran (cancelled while waiting),
   * or later claims would wait forever.
   */
  acquire(files: readonly FileAccess[]): { ready: Promise<void>; release: () => void; contended: boolean } {
    // Most calls (searches, listings, tests) touch no file: no bookkeeping, no allocation.
    if (files.length === 0) return NO_LOCK;
    const waits: Promise<void>[] = [];
    let releaseFn!: () => void;
    const done = new Promise<void>((resolve) => (releaseFn = resolve));
    const keys = dedupe(files);
    for (const { path, write } of keys) {
      const list = this.holders.get(path) ?? [];
      for (const h of list) if (write || h.write) waits.push(h.done);
      list.push({ write, done });
      this.holders.set(path, list);
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      releaseFn();
      for (const { path } of keys) {
        const list = this.holders.get(path);
        if (!list) continue;
        const remaining = list.filter((h) => h.done !== done);
        if (remaining.length) this.holders.set(path, remaining);
        else this.holders.delete(path);
      }
    };
    return { ready: waits.length ? Promise.all(waits).then(() => undefined) : RESOLVED, release, contended: waits.length > 0 };
  }

  /** Paths with a live claim; for tests and diagnostics. */
  get size(): number {
    return this.holders.size;
  }
}

const RESOLVED = Promise.resolve();
const NO_LOCK = { ready: RESOLVED, release: () => {}, contended: false };

/** One claim per path; a call that both reads and writes a path holds it as a writer. */
function dedupe(files: readonly FileAccess[]): FileAccess[] {
  const byPath = new Map<string, boolean>();
  for (const f of files) byPath.set(f.path, (byPath.get(f.path) ?? false) || f.write);
  return [...byPath].map(([path, write]) => ({ path, write }));
}
