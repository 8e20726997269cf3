// What the model is sent, derived from the transcript without changing it: history before the compaction point is
// replaced by its summary, and elided tool results by a short note. The transcript itself stays whole (the chat
// shows it, checkpoints point into it). Derived messages are cached so that each is the same object request after
// request: the adapters memoise conversion per message object, and long sessions depend on that.
import type { Message, ToolMessage } from '../../shared/transcript';

export interface ContextState {
  /** Transcript messages before this index are replaced, in requests, by `summary`. */
  summarisedUpTo: number;
  summary?: string;
  /** Calls whose results are elided from requests: the call stays, its result becomes a note. */
  elided: string[];
  /** The window a provider's overflow error stated for a model. */
  learned?: { model: string; window: number };
}

export function newContextState(): ContextState {
  return { summarisedUpTo: 0, elided: [] };
}

export const SUMMARY_INTRO = 'This conversation was compacted to fit the context window. Summary of the earlier part, written by you:';
const SUMMARY_ACK = 'Understood. I will continue from this summary.';

export function elisionNote(name: string, chars: number): string {
  return `[Result elided to keep the conversation within the context window: ${name} returned ${chars.toLocaleString('en-US')} characters. Call the tool again if you need it.]`;
}

/** Index of the latest user message (the request being worked on), or -1. */
export function latestUserIndex(messages: readonly Message[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'user') return i;
  return -1;
}

export class RequestView {
  private head: { key: string; messages: Message[] } | undefined;
  private readonly elidedCopies = new WeakMap<ToolMessage, { key: string; message: ToolMessage }>();

  build(messages: readonly Message[], state: ContextState): Message[] {
    const upTo = state.summary && state.summarisedUpTo > 0 && state.summarisedUpTo < messages.length ? state.summarisedUpTo : 0;
    const elided = new Set(state.elided);
    const out: Message[] = upTo ? this.headFor(messages, upTo, state.summary!) : [];
    for (let i = upTo; i < messages.length; i++) {
      const m = messages[i]!;
      out.push(m.role === 'tool' && elided.size && m.results.some((r) => elided.has(r.callId)) ? this.elide(m, elided) : m);
    }
    return out;
  }

  /**
   * The summary opens the request as a user message. When the kept part starts with an assistant turn, the summary
   * must also carry the current request verbatim (it was cut off with the history); when it starts with a user
   * message, a short assistant acknowledgement keeps the roles alternating for every wire.
   */
  private headFor(messages: readonly Message[], upTo: number, summary: string): Message[] {
    const request = latestUserIndex(messages);
    const key = `${upTo}|${request}|${summary.length}|${summary.slice(0, 32)}`;
    if (this.head?.key === key) return [...this.head.messages];
    const first = messages[upTo]!;
    const text = `${SUMMARY_INTRO}\n\n${summary}`;
    let head: Message[];
    if (first.role === 'user') head = [{ role: 'user', text }, { role: 'assistant', text: SUMMARY_ACK, toolCalls: [] }];
    else {
      const current = request >= 0 && request < upTo ? (messages[request] as { text: string }).text : undefined;
      head = [{ role: 'user', text: current === undefined ? text : `${text}\n\nThe user's current request, verbatim:\n\n${current}` }];
    }
    this.head = { key, messages: head };
    return [...head];
  }

  private elide(m: ToolMessage, elided: Set<string>): ToolMessage {
    const ids = m.results.filter((r) => elided.has(r.callId)).map((r) => r.callId);
    const key = ids.join('\n');
    const cached = this.elidedCopies.get(m);
    if (cached?.key === key) return cached.message;
    const message: ToolMessage = {
      role: 'tool',
      results: m.results.map((r) => (elided.has(r.callId) ? { ...r, content: elisionNote(r.name, r.content.length) } : r)),
    };
    this.elidedCopies.set(m, { key, message });
    return message;
  }
}
