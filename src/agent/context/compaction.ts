// The two ways a conversation is made smaller, cheapest first: elide old tool results (no model call), then have the
// model summarise the older history in one request without tools.
import type { ModelProvider } from '../../providers/provider';
import type { Message } from '../../shared/transcript';
import { truncateMiddle } from '../../tools/truncate';
import { elisionNote, SUMMARY_INTRO, type ContextState } from './requestView';

/** Results shorter than this are not worth eliding: the note would save almost nothing. */
const MIN_ELIDE_CHARS = 400;

/**
 * Where the most recent `turns` assistant turns start: they are kept intact (their results may be what the model is
 * reasoning about right now). The latest user request counts as the start when it is later.
 */
export function recentStart(messages: readonly Message[], turns: number): number {
  let seen = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role === 'user') return i;
    if (m.role === 'assistant' && ++seen >= turns) return i;
  }
  return 0;
}

/**
 * Elides tool results before `keepFrom`, oldest first, until `charsToSave` are saved. Returns the characters saved.
 */
export function elideOldResults(messages: readonly Message[], state: ContextState, keepFrom: number, charsToSave: number): number {
  const elided = new Set(state.elided);
  let saved = 0;
  for (let i = state.summarisedUpTo; i < keepFrom && saved < charsToSave; i++) {
    const m = messages[i]!;
    if (m.role !== 'tool') continue;
    for (const r of m.results) {
      if (elided.has(r.callId) || r.content.length < MIN_ELIDE_CHARS) continue;
      elided.add(r.callId);
      state.elided.push(r.callId);
      saved += r.content.length - elisionNote(r.name, r.content.length).length;
      if (saved >= charsToSave) break;
    }
  }
  return saved;
}

/**
 * A point to summarise up to: the start of an assistant or user message (never a tool message, which must follow
 * its calls), after the current summary point and no later than `keepFrom`. Undefined when there is nothing to cut.
 */
export function summaryCut(messages: readonly Message[], state: ContextState, keepFrom: number): number | undefined {
  for (let i = keepFrom; i > state.summarisedUpTo; i--) if (messages[i] && messages[i]!.role !== 'tool') return i;
  return undefined;
}

const SUMMARY_SYSTEM = 'You write the working memory of a coding agent whose conversation no longer fits its context window.';
const SUMMARY_REQUEST = [
  'Summarise the conversation above so that you can continue the work from the summary alone. Keep:',
  "- the user's requests and goals, in their words where it matters;",
  '- what was found: files read and what matters in them (paths, symbols, line numbers), search results;',
  '- every edit made (file and what changed) and every test run (command, result, failures);',
  '- decisions, open problems and the next steps.',
  'Be concise and concrete. Plain text or a short list, no preamble.',
].join('\n');

/** Per tool result in the summary request: enough to remember what it was, not the whole file again. */
const RESULT_CHARS = 1500;

/** The history before `cut` (starting from the previous summary), as text for the summary request. */
export function renderHistory(messages: readonly Message[], state: ContextState, cut: number, maxChars: number): string {
  const parts: string[] = [];
  if (state.summary && state.summarisedUpTo > 0) parts.push(`${SUMMARY_INTRO}\n${state.summary}`);
  const elided = new Set(state.elided);
  for (let i = state.summary ? state.summarisedUpTo : 0; i < cut; i++) {
    const m = messages[i]!;
    if (m.role === 'user') parts.push(`USER: ${m.text}`);
    else if (m.role === 'assistant') {
      if (m.text.trim()) parts.push(`ASSISTANT: ${m.text}`);
      for (const c of m.toolCalls) parts.push(`TOOL CALL ${c.name} ${c.arguments}`);
    } else {
      for (const r of m.results) {
        const body = elided.has(r.callId) ? '(elided earlier)' : truncateMiddle(r.content, RESULT_CHARS, 'cut for the summary');
        parts.push(`RESULT of ${r.name}${r.ok ? '' : ' (error)'}: ${body}`);
      }
    }
  }
  return truncateMiddle(parts.join('\n\n'), maxChars, 'older history cut to fit the summary request');
}

/** One request to the same model, without tools; the text it streams back is the summary. */
export async function summarise(provider: ModelProvider, model: string, history: string, signal: AbortSignal, maxOutputTokens: number): Promise<string> {
  let text = '';
  const request = {
    model,
    system: SUMMARY_SYSTEM,
    messages: [{ role: 'user' as const, text: `${history}\n\n---\n\n${SUMMARY_REQUEST}` }],
    tools: [],
    parallelToolCalls: true,
    maxOutputTokens,
  };
  for await (const event of provider.stream(request, signal)) if (event.type === 'text-delta') text += event.text;
  if (!text.trim()) throw new Error('the model returned an empty summary');
  return text.trim();
}
