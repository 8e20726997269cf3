import { createHash } from 'node:crypto';

/**
 * Remembers the content the agent last saw of each file (by read or by its own write), so that an edit based on a
 * stale read is refused instead of silently clobbering someone else's change. One tracker per conversation, keyed by
 * `Workspace.lockKey` (the real file), so every name of a file shares one entry.
 */
export class FileTracker {
  private readonly seen = new Map<string, string>();

  recordSeen(path: string, text: string): void {
    this.seen.set(path, digest(text));
  }

  /** True when the agent saw this file and its current text differs from what it saw. */
  isStale(path: string, currentText: string): boolean {
    const known = this.seen.get(path);
    return known !== undefined && known !== digest(currentText);
  }

  forget(path: string): void {
    this.seen.delete(path);
  }
}

function digest(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}
