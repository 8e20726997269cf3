// A fake OpenAI Chat Completions server: streams `chat.completion.chunk` SSE exactly as api.openai.com does
// (role chunk, content deltas, tool_call header + argument fragments by index, finish_reason, usage, [DONE]).
import type * as http from 'node:http';
import { applyFault, delay, FakeHttpServer, sse, type Fault, type RecordedRequest } from './httpFake';

export interface ScriptedCall {
  id?: string;
  name: string;
  arguments: string | Record<string, unknown>;
}

export interface ScriptedTurn {
  text?: string;
  calls?: ScriptedCall[];
  finishReason?: string;
  /** Time to first byte: the simulated model latency. */
  latencyMs?: number;
  /** Delay before each chunk after the first. */
  chunkDelayMs?: number;
  /** Characters per argument fragment (default: two fragments per call). */
  argChunk?: number;
  /** Before sending chunk N, wait for `until` (the connection stays open meanwhile). */
  holdAtChunk?: { chunk: number; until: Promise<void> };
  /** Close the connection after this many chunks, with no finish_reason. */
  dropAfterChunks?: number;
  usage?: { prompt_tokens: number; completion_tokens: number };
  /** Send every call whole in one chunk, together with finish_reason (some servers do). */
  singleChunk?: boolean;
}

export type OpenAIScript = (req: RecordedRequest, index: number) => ScriptedTurn | Fault | Promise<ScriptedTurn | Fault>;

export class FakeOpenAIServer extends FakeHttpServer {
  constructor(script: OpenAIScript, options: { models?: string[] } = {}) {
    super(async (req, res, index) => {
      if (req.method === 'GET' && req.url.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: (options.models ?? ['gpt-fake']).map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })) }));
        return;
      }
      if (!req.url.endsWith('/chat/completions')) {
        res.writeHead(404).end();
        return;
      }
      const turn = await script(req, index);
      if ('kind' in turn) return applyFault(turn, res);
      await streamTurn(res, turn, req.body?.model ?? 'gpt-fake');
    });
  }

  /** The chat requests only (not model listings). */
  get chatRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.url.endsWith('/chat/completions'));
  }
}

async function streamTurn(res: http.ServerResponse, turn: ScriptedTurn, model: string): Promise<void> {
  if (turn.latencyMs) await delay(turn.latencyMs, res);
  const out = sse(res);
  const id = `chatcmpl-${Math.random().toString(36).slice(2, 10)}`;
  const base = { id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model, system_fingerprint: 'fp_fake' };
  const chunks: unknown[] = [];
  const choice = (delta: unknown, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  chunks.push(choice({ role: 'assistant', content: turn.calls?.length && !turn.text ? null : '', refusal: null }));
  for (const piece of splitText(turn.text ?? '')) chunks.push(choice({ content: piece }));
  const calls = (turn.calls ?? []).map((c, i) => ({
    id: c.id ?? `call_${Math.random().toString(36).slice(2, 12)}${i}`,
    name: c.name,
    args: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
  }));
  const finish = turn.finishReason ?? (calls.length ? 'tool_calls' : 'stop');
  if (turn.singleChunk && calls.length) {
    chunks.push(
      choice({ tool_calls: calls.map((c, index) => ({ index, id: c.id, type: 'function', function: { name: c.name, arguments: c.args } })) }, finish),
    );
  } else {
    calls.forEach((c, index) => {
      chunks.push(choice({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] }));
      const size = turn.argChunk ?? Math.max(1, Math.ceil(c.args.length / 2));
      for (let i = 0; i < c.args.length; i += size) chunks.push(choice({ tool_calls: [{ index, function: { arguments: c.args.slice(i, i + size) } }] }));
    });
    chunks.push(choice({}, finish));
  }
  const usage = turn.usage ?? { prompt_tokens: 100, completion_tokens: 20 };
  chunks.push({ ...base, choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } });

  for (const [i, chunk] of chunks.entries()) {
    if (turn.dropAfterChunks !== undefined && i >= turn.dropAfterChunks) return out.drop();
    if (i > 0 && turn.chunkDelayMs) await delay(turn.chunkDelayMs, res);
    if (turn.holdAtChunk?.chunk === i) await turn.holdAtChunk.until;
    await out.send(chunk);
  }
  await out.send('[DONE]');
  out.end();
}

function splitText(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += 8) out.push(text.slice(i, i + 8));
  return out;
}

/** The tool results a Chat Completions request carries, in order. */
export function toolMessages(req: RecordedRequest): { tool_call_id: string; content: string }[] {
  return (req.body.messages as { role: string; tool_call_id: string; content: string }[]).filter((m) => m.role === 'tool');
}
