import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../host/logger';
import { changedFileSchema } from '../shared/protocol';
import type { SavedChanges } from './changeTracker';
import type { BlobStore } from './conversationStore';

/**
 * Originals longer than this go to a file of their own: the review state is saved again after every burst of agent
 * writes, and a few large files inline would make each of those saves rewrite megabytes.
 */
export const LARGE_ORIGINAL_CHARS = 32 * 1024;

/** A saved text: inline, null for "did not exist", or the name of the file that holds it. */
const textSchema = z.union([z.string(), z.null(), z.object({ file: z.string().min(1) })]);
type StoredText = z.infer<typeof textSchema>;
const entriesSchema = z.array(z.tuple([z.string(), textSchema]));
const storedSchema = z.object({
  pending: entriesSchema,
  decided: z.array(changedFileSchema),
  checkpoints: z.array(z.object({ messageIndex: z.number().int().min(0), before: entriesSchema })),
});

const stateName = (chatId: string) => `${chatId}.json`;
const blobPrefix = (chatId: string) => `${chatId}.original-`;

/**
 * Each chat's review state (Keep/Undo originals, checkpoints) in the extension's storage folder, to survive a window
 * reload: `<chat>.json`, with every original above LARGE_ORIGINAL_CHARS in `<chat>.original-<sha256>` beside it
 * (named by content, so the same text in the pending list and in a checkpoint is stored once and never rewritten).
 * Blobs are written before the JSON that names them and deleted only after it no longer does.
 */
export class ChangeStore {
  /** Blob names known to exist, per chat, so a save writes only new ones. */
  private readonly written = new Map<string, Set<string>>();
  /** Saves and deletes run one at a time: an older save must not delete a blob a newer one just started to use. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly blobs: BlobStore,
    private readonly logger: Logger,
    private readonly largeChars = LARGE_ORIGINAL_CHARS,
  ) {}

  /** Rejects when a write fails (the caller logs it); the next save starts afresh. */
  save(chatId: string, saved: SavedChanges): Promise<void> {
    if (!saved.pending.length && !saved.checkpoints.length && !saved.decided.length) return this.delete(chatId);
    return this.enqueue(() => this.write(chatId, saved));
  }

  private async write(chatId: string, saved: SavedChanges): Promise<void> {
    const known = await this.known(chatId);
    const used = new Set<string>();
    const store = async (text: string | null): Promise<StoredText> => {
      if (text === null || text.length <= this.largeChars) return text;
      const file = `${blobPrefix(chatId)}${createHash('sha256').update(text).digest('hex')}`;
      used.add(file);
      if (!known.has(file)) {
        await this.blobs.write(file, text);
        known.add(file);
      }
      return { file };
    };
    const entries = async (list: [string, string | null][]) => {
      const out: [string, StoredText][] = [];
      for (const [p, t] of list) out.push([p, await store(t)]);
      return out;
    };
    const pending = await entries(saved.pending);
    const checkpoints: { messageIndex: number; before: [string, StoredText][] }[] = [];
    for (const c of saved.checkpoints) checkpoints.push({ messageIndex: c.messageIndex, before: await entries(c.before) });
    const stored = { pending, decided: saved.decided, checkpoints };
    await this.blobs.write(stateName(chatId), JSON.stringify(stored));
    for (const file of [...known].filter((f) => !used.has(f))) {
      await this.blobs.delete(file);
      known.delete(file);
    }
  }

  /**
   * The saved state, or undefined when there is none or it cannot be read (logged). An original whose file has gone
   * is dropped with its entry: without it that file can no longer be undone, but everything else still can.
   */
  async load(chatId: string): Promise<SavedChanges | undefined> {
    const text = await this.blobs.read(stateName(chatId));
    if (text === undefined) return undefined;
    let parsed: z.infer<typeof storedSchema>;
    try {
      parsed = storedSchema.parse(JSON.parse(text));
    } catch (e) {
      this.logger.warn(`the review state of chat ${chatId} could not be read, so its Changed files start empty: ${(e as Error).message.slice(0, 300)}`);
      return undefined;
    }
    const entries = async (list: [string, StoredText][]) => {
      const out: [string, string | null][] = [];
      for (const [p, t] of list) {
        if (t === null || typeof t === 'string') out.push([p, t]);
        else {
          const body = await this.blobs.read(t.file);
          if (body === undefined) this.logger.warn(`the original of ${p} (${t.file}) is missing: it can no longer be undone`);
          else out.push([p, body]);
        }
      }
      return out;
    };
    return {
      pending: await entries(parsed.pending),
      decided: parsed.decided,
      checkpoints: await Promise.all(parsed.checkpoints.map(async (c) => ({ messageIndex: c.messageIndex, before: await entries(c.before) }))),
    };
  }

  /** The chat's state and every original it stored (the chat was deleted, or has nothing left to review). */
  delete(chatId: string): Promise<void> {
    return this.enqueue(async () => {
      await this.blobs.delete(stateName(chatId));
      const known = await this.known(chatId);
      for (const file of [...known]) {
        await this.blobs.delete(file);
        known.delete(file);
      }
    });
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async known(chatId: string): Promise<Set<string>> {
    let set = this.written.get(chatId);
    if (!set) {
      // First save or delete in this window: blobs an earlier window wrote are found by name.
      set = new Set((await this.blobs.list()).filter((n) => n.startsWith(blobPrefix(chatId))));
      this.written.set(chatId, set);
    }
    return set;
  }
}
