// A fake OpenAI-compatible server (Ollama, vLLM, LM Studio, Groq...): Chat Completions SSE like api.openai.com,
// plus the quirks real servers have: missing or repeated call ids, missing `index`, arguments as an object, parallel
// calls glued into one call, usage sent twice, and 400s for request fields they do not know.
import type * as http from 'node:http';
import { delay, FakeHttpServer, sse, type RecordedRequest } from './httpFake';
import { applyVendorFault, argFragments, argsText, forever, randomId, textPieces, type ProviderScript, type ProviderTurn } from './providerTurn';

export interface CompatibleQuirks {
  omitIds?: boolean;
  /** Every call gets this id (e.g. "call_0" every turn). */
  sameId?: string;
  omitIndex?: boolean;
  /** `function.arguments` as a JSON object, sent whole with the call's first chunk. */
  argsAsObject?: boolean;
  /** All calls of the turn sent as ONE call: the first call's name, every call's arguments back to back. */
  glued?: boolean;
  /** Usage on the finish chunk and again in a usage-only chunk (Groq). */
  usageTwice?: boolean;
}

export interface CompatibleTurn extends ProviderTurn {
  quirks?: CompatibleQuirks;
}

export interface CompatibleServerOptions {
  models?: string[];
  /** Request fields the server refuses with a 400 naming the field. */
  rejectParams?: string[];
  /** Extra fields of each listed model (vLLM's max_model_len, OpenRouter's context_length). */
  modelFields?: Record<string, unknown>;
  /** Answer Ollama's POST /api/show (at the server root) with this body. */
  ollamaShow?: Record<string, unknown>;
}

export class FakeCompatibleServer extends FakeHttpServer {
  constructor(script: (req: RecordedRequest, index: number) => ReturnType<ProviderScript> | CompatibleTurn, options: CompatibleServerOptions = {}) {
    // The script counts model requests only: model listings and limit lookups are not turns.
    let turns = 0;
    super(async (req, res) => {
      const path = req.url.split('?')[0];
      if (req.method === 'GET' && path.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: (options.models ?? ['local-fake']).map((id) => ({ id, object: 'model', created: 0, owned_by: 'local', ...options.modelFields })) }));
        return;
      }
      if (req.method === 'POST' && path === '/api/show' && options.ollamaShow) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(options.ollamaShow));
        return;
      }
      if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
        res.writeHead(404).end();
        return;
      }
      const refused = options.rejectParams?.find((p) => req.body && p in req.body);
      if (refused) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `Unrecognized request argument supplied: ${refused}`, type: 'invalid_request_error', param: refused, code: null } }));
        return;
      }
      const turn = await script(req, turns++);
      if ('kind' in turn) return applyVendorFault(turn, res, (status) => ({ error: { message: `fake error ${status}`, type: 'server_error', code: status } }));
      await streamTurn(res, turn, req.body?.model ?? 'local-fake');
    });
  }

  get chatRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.url.split('?')[0].endsWith('/chat/completions'));
  }
}

interface WireCall {
  id?: string;
  name: string;
  args: string;
}

async function streamTurn(res: http.ServerResponse, turn: CompatibleTurn, model: string): Promise<void> {
  if (turn.latencyMs) await delay(turn.latencyMs, res);
  const q = turn.quirks ?? {};
  const out = sse(res);
  const base = { id: randomId('chatcmpl-'), object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model };
  const choice = (delta: unknown, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  let calls: WireCall[] = (turn.calls ?? []).map((c, i) => ({
    id: q.omitIds ? undefined : (q.sameId ?? c.id ?? `call_${randomId('')}${i}`),
    name: c.name,
    args: argsText(c.arguments),
  }));
  if (q.glued && calls.length) calls = [{ ...calls[0], args: calls.map((c) => c.args).join('') }];
  const toolDelta = (index: number, fields: Record<string, unknown>) => ({ ...(q.omitIndex ? {} : { index }), ...fields });
  const header = (c: WireCall, index: number, args: unknown) =>
    toolDelta(index, { ...(c.id ? { id: c.id } : {}), type: 'function', function: { name: c.name, arguments: args } });

  const chunks: unknown[] = [choice({ role: 'assistant', content: '' })];
  for (const piece of textPieces(turn.text ?? '')) chunks.push(choice({ content: piece }));
  const finish = turn.finishReason ?? (calls.length ? 'tool_calls' : 'stop');
  const usage = turn.usage ?? { prompt_tokens: 100, completion_tokens: 20 };
  const usageBlock = { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens };
  let dropAt = turn.dropAfterChunks;
  let holdAt: number | undefined;
  if (turn.singleChunk && calls.length) {
    chunks.push(choice({ tool_calls: calls.map((c, i) => header(c, i, q.argsAsObject ? JSON.parse(c.args) : c.args)) }, finish));
  } else {
    for (const [i, c] of calls.entries()) {
      if (q.argsAsObject) {
        chunks.push(choice({ tool_calls: [header(c, i, JSON.parse(c.args))] }));
        continue;
      }
      chunks.push(choice({ tool_calls: [header(c, i, '')] }));
      for (const [f, fragment] of argFragments(c.args, turn.argChunk).entries()) {
        chunks.push(choice({ tool_calls: [toolDelta(i, { function: { arguments: fragment } })] }));
        if (f === 0 && i === turn.dropInCall) dropAt = chunks.length;
        if (f === 0 && i === turn.holdInCall?.call) holdAt = chunks.length;
      }
    }
    chunks.push(q.usageTwice ? { ...choice({}, finish), usage: usageBlock } : choice({}, finish));
  }
  chunks.push({ ...base, choices: [], usage: usageBlock });

  for (const [i, chunk] of chunks.entries()) {
    if (dropAt !== undefined && i >= dropAt) return out.drop();
    if (turn.stallAfterChunks !== undefined && i >= turn.stallAfterChunks) return forever();
    if (i > 0 && turn.chunkDelayMs) await delay(turn.chunkDelayMs, res);
    if (i === holdAt) await turn.holdInCall!.until;
    await out.send(chunk);
  }
  await out.send('[DONE]');
  out.end();
}
