// How many tokens a request will be, before it is sent. Each vendor has its own tokenizer (OpenAI o200k, Claude's,
// Gemini's SentencePiece, whatever a local model uses), so no one tokenizer library is right for all of them; instead
// the estimate is the last request's reported input tokens plus the characters added since, at the chars-per-token
// ratio that request showed (calibrated per run, per model). Before any usage arrives, a deliberately low ratio for
// code-heavy text keeps the first estimate on the safe side.
import type { ToolSpec } from '../../providers/provider';
import type { Message } from '../../shared/transcript';

/** Code and JSON tokenise denser than prose (~4 chars/token); 3 keeps early estimates high rather than low. */
export const DEFAULT_CHARS_PER_TOKEN = 3;
/** Role markers, ids and wrapping each message costs on the wire, in characters. */
const MESSAGE_OVERHEAD = 16;

const cache = new WeakMap<object, number>();

/** Characters a message contributes to a request (memoised: transcript messages are never changed). */
export function messageChars(m: Message): number {
  let n = cache.get(m);
  if (n !== undefined) return n;
  n = MESSAGE_OVERHEAD;
  if (m.role === 'user') n += m.text.length;
  else if (m.role === 'assistant') {
    n += m.text.length;
    for (const c of m.toolCalls) n += c.name.length + c.arguments.length + c.id.length + MESSAGE_OVERHEAD;
  } else for (const r of m.results) n += r.content.length + r.callId.length + MESSAGE_OVERHEAD;
  cache.set(m, n);
  return n;
}

export function toolsChars(tools: readonly ToolSpec[]): number {
  let n = cache.get(tools);
  if (n === undefined) {
    n = tools.reduce((sum, t) => sum + t.name.length + t.description.length + JSON.stringify(t.parameters).length, 0);
    cache.set(tools, n);
  }
  return n;
}

export function requestChars(system: string, tools: readonly ToolSpec[], messages: readonly Message[]): number {
  let n = system.length + toolsChars(tools);
  for (const m of messages) n += messageChars(m);
  return n;
}

/** The calibrated estimate: last reported input tokens + what was added since, at the observed ratio. */
export class TokenEstimator {
  private charsPerToken = DEFAULT_CHARS_PER_TOKEN;
  private last: { chars: number; tokens: number } | undefined;

  /** A request of `chars` characters was reported as `inputTokens`. Implausible reports (fakes, proxies) are ignored. */
  observe(chars: number, inputTokens: number): void {
    if (inputTokens < 200) return;
    const ratio = chars / inputTokens;
    if (ratio < 1 || ratio > 8) return;
    this.charsPerToken = ratio;
    this.last = { chars, tokens: inputTokens };
  }

  estimate(chars: number): number {
    if (!this.last) return Math.ceil(chars / this.charsPerToken);
    return Math.max(0, Math.ceil(this.last.tokens + (chars - this.last.chars) / this.charsPerToken));
  }

  /** Characters that make about `tokens` tokens. */
  chars(tokens: number): number {
    return Math.floor(tokens * this.charsPerToken);
  }
}
