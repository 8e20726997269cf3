// How the real APIs check a request's tool-call pairing, and how each says "too long", for the fakes to use.
import type { Fault, RecordedRequest } from '../../fakes/httpFake';
import type { ProviderId } from '../../../src/providers/provider';

/** The fakes' tokenizer: 4 characters of the request body per token (real ones differ; calibration must cope). */
export function tokensOf(req: RecordedRequest): number {
  return Math.ceil(JSON.stringify(req.body).length / 4);
}

/** Each vendor's real overflow error, stating the limit. */
export function overflowFault(provider: ProviderId, limit: number, tokens: number): Fault {
  switch (provider) {
    case 'openai':
      return {
        kind: 'status',
        status: 400,
        body: { error: { message: `This model's maximum context length is ${limit} tokens. However, your messages resulted in ${tokens} tokens. Please reduce the length of the messages.`, type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } },
      };
    case 'anthropic':
      return { kind: 'status', status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: `prompt is too long: ${tokens} tokens > ${limit} maximum` } } };
    case 'gemini':
      return { kind: 'status', status: 400, body: { error: { code: 400, message: `The input token count (${tokens}) exceeds the maximum number of tokens allowed (${limit}).`, status: 'INVALID_ARGUMENT' } } };
    case 'openai-compatible':
      // vLLM's wording.
      return {
        kind: 'status',
        status: 400,
        body: { object: 'error', message: `This model's maximum context length is ${limit} tokens. However, you requested ${tokens} tokens in the messages, Please reduce the length of the messages.`, type: 'BadRequestError', param: null, code: 400 },
      };
  }
}

type Chat = { role: string; tool_calls?: { id: string }[]; tool_call_id?: string };
type Block = { type: string; id?: string; tool_use_id?: string };
type Part = { functionCall?: { name: string }; functionResponse?: unknown; thoughtSignature?: string };

/** What the vendor would reject in this request's pairing of tool calls and results; empty when valid. */
export function wireProblems(provider: ProviderId, req: RecordedRequest): string[] {
  if (provider === 'anthropic') return anthropicProblems(req.body.messages as { role: string; content: string | Block[] }[]);
  if (provider === 'gemini') return geminiProblems(req.body.contents as { role: string; parts: Part[] }[]);
  return chatProblems((req.body.messages as Chat[]).filter((m) => m.role !== 'system'));
}

/** OpenAI: every assistant tool_call answered by a tool message right after it; no tool message without its call. */
function chatProblems(messages: Chat[]): string[] {
  const problems: string[] = [];
  if (messages[0]?.role !== 'user') problems.push('does not start with a user message');
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.role === 'tool') problems.push(`tool message ${i} (${m.tool_call_id}) does not answer the assistant message before it`);
    if (m.role !== 'assistant' || !m.tool_calls?.length) continue;
    const want = new Set(m.tool_calls.map((c) => c.id));
    let j = i + 1;
    while (messages[j]?.role === 'tool') want.delete(messages[j++]!.tool_call_id!);
    if (want.size) problems.push(`tool_calls ${[...want].join(', ')} of message ${i} unanswered`);
    i = j - 1;
  }
  return problems;
}

/** Anthropic: tool_results in ONE user message right after their tool_use, first in it; roles alternate, user first. */
function anthropicProblems(messages: { role: string; content: string | Block[] }[]): string[] {
  const problems: string[] = [];
  const blocks = (m: { content: string | Block[] }) => (typeof m.content === 'string' ? [] : m.content);
  if (messages[0]?.role !== 'user') problems.push('does not start with a user message');
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (i > 0 && messages[i - 1]!.role === m.role) problems.push(`two ${m.role} messages in a row at ${i}`);
    const uses = blocks(m).filter((b) => b.type === 'tool_use').map((b) => b.id);
    const prevUses = i > 0 ? blocks(messages[i - 1]!).filter((b) => b.type === 'tool_use').map((b) => b.id) : [];
    const results = blocks(m).filter((b) => b.type === 'tool_result');
    for (const r of results) if (!prevUses.includes(r.tool_use_id)) problems.push(`tool_result ${r.tool_use_id} at ${i} without its tool_use right before`);
    if (results.length && blocks(m).findIndex((b) => b.type !== 'tool_result') >= 0 && blocks(m).findIndex((b) => b.type !== 'tool_result') < results.length) problems.push(`tool_results not first in message ${i}`);
    if (uses.length) {
      const next = messages[i + 1];
      const answered = new Set(next ? blocks(next).filter((b) => b.type === 'tool_result').map((b) => b.tool_use_id) : []);
      for (const id of uses) if (!answered.has(id)) problems.push(`tool_use ${id} at ${i} not answered in the next message`);
    }
  }
  return problems;
}

/** Gemini: functionResponses right after their functionCalls, same count; the signed first call keeps its signature. */
function geminiProblems(contents: { role: string; parts: Part[] }[]): string[] {
  const problems: string[] = [];
  for (let i = 0; i < contents.length; i++) {
    const c = contents[i]!;
    const calls = c.parts.filter((p) => p.functionCall);
    const responses = c.parts.filter((p) => p.functionResponse);
    if (responses.length) {
      const prev = contents[i - 1];
      const prevCalls = prev?.role === 'model' ? prev.parts.filter((p) => p.functionCall).length : 0;
      if (c.role !== 'user' || prevCalls !== responses.length) problems.push(`functionResponses at ${i} do not match the calls before them`);
    }
    if (calls.length) {
      if (!calls[0]!.thoughtSignature) problems.push(`model turn ${i} lost its thought signature`);
      if (!contents[i + 1]?.parts.some((p) => p.functionResponse)) problems.push(`functionCalls at ${i} unanswered`);
    }
  }
  return problems;
}
