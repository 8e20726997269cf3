import { randomBytes } from 'node:crypto';
import type { Message } from '../shared/transcript';

/**
 * Gives each call of a turn an id that is non-empty and unused in the conversation so far. Servers that send no ids
 * (Gemini 2.5, some local servers) or the same ids every turn (`call_0`, `functions.add:0`) would otherwise make the
 * transcript ambiguous, and the loop answers a repeated id with an error instead of running the call.
 */
export class CallIdAllocator {
  private readonly taken = new Set<string>();
  private readonly prefix: string;
  private next = 0;

  constructor(messages: readonly Message[], prefix = 'call') {
    for (const m of messages) if (m.role === 'assistant') for (const c of m.toolCalls) this.taken.add(c.id);
    // A fresh nonce per turn: synthesized ids of different turns (and conversations) never meet.
    this.prefix = `${prefix}_${randomBytes(4).toString('hex')}`;
  }

  /** The server's id when it is usable, otherwise a new one. */
  assign(id: string | undefined): string {
    if (id && !this.taken.has(id)) {
      this.taken.add(id);
      return id;
    }
    let fresh: string;
    do fresh = `${this.prefix}_${this.next++}`;
    while (this.taken.has(fresh));
    this.taken.add(fresh);
    return fresh;
  }
}
