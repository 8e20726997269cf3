import type { Logger } from '../host/logger';
import type { ConversationSummary } from '../shared/protocol';
import { parseConversation, serializeConversation, summaryOf, type Conversation } from './conversation';

/** Named text blobs in one folder: VS Code's workspace storage in the extension, a temp dir in tests. */
export interface BlobStore {
  read(name: string): Promise<string | undefined>;
  write(name: string, text: string): Promise<void>;
  delete(name: string): Promise<void>;
  list(): Promise<string[]>;
}

const INDEX = 'index.json';
const fileOf = (id: string) => `conversation-${id}.json`;
const ID_OF = /^conversation-(.+)\.json$/;

/**
 * One JSON file per conversation plus an index of summaries, newest first; at most `max` are kept, the oldest
 * deleted. Writes are serialised, so a burst of saves during a run never interleaves index updates.
 */
export class ConversationStore {
  private index: ConversationSummary[] | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly blobs: BlobStore,
    private readonly logger: Logger,
    private readonly max = 50,
  ) {}

  async list(): Promise<ConversationSummary[]> {
    return [...(await this.loadIndex())];
  }

  /** Undefined when missing or unreadable (logged; the file is left in place for the user to inspect). */
  async load(id: string): Promise<Conversation | undefined> {
    const text = await this.blobs.read(fileOf(id));
    if (text === undefined) return undefined;
    try {
      return parseConversation(text);
    } catch (e) {
      this.logger.warn(`conversation ${id} could not be restored: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** Serialises now (the transcript keeps changing during a run), writes in order. */
  save(c: Conversation): Promise<void> {
    const text = serializeConversation(c);
    const summary = summaryOf(c);
    return this.enqueue(async () => {
      await this.blobs.write(fileOf(c.id), text);
      const index = [summary, ...(await this.loadIndex()).filter((s) => s.id !== c.id)].sort((a, b) => b.updatedAt - a.updatedAt);
      for (const old of index.splice(this.max)) await this.blobs.delete(fileOf(old.id));
      await this.writeIndex(index);
    });
  }

  delete(id: string): Promise<void> {
    return this.enqueue(async () => {
      await this.blobs.delete(fileOf(id));
      await this.writeIndex((await this.loadIndex()).filter((s) => s.id !== id));
    });
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work);
    // The caller hears about a failure; the queue itself carries on with the next write.
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async writeIndex(index: ConversationSummary[]): Promise<void> {
    this.index = index;
    await this.blobs.write(INDEX, JSON.stringify(index));
  }

  /** A missing or damaged index is rebuilt from the conversation files, so no conversation is lost with it. */
  private async loadIndex(): Promise<ConversationSummary[]> {
    if (this.index) return this.index;
    const text = await this.blobs.read(INDEX);
    if (text !== undefined) {
      try {
        const parsed = JSON.parse(text) as unknown;
        if (Array.isArray(parsed) && parsed.every(isSummary)) return (this.index = parsed);
      } catch {
        // Rebuilt below.
      }
      this.logger.warn('conversation index was damaged; rebuilding it from the conversation files');
    }
    const rebuilt: ConversationSummary[] = [];
    for (const name of await this.blobs.list()) {
      const id = ID_OF.exec(name)?.[1];
      const c = id ? await this.load(id) : undefined;
      if (c) rebuilt.push(summaryOf(c));
    }
    return (this.index = rebuilt.sort((a, b) => b.updatedAt - a.updatedAt));
  }
}

function isSummary(v: unknown): v is ConversationSummary {
  const s = v as ConversationSummary;
  return !!s && typeof s.id === 'string' && typeof s.title === 'string' && typeof s.updatedAt === 'number' && typeof s.messageCount === 'number';
}
