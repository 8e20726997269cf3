// A fake Anthropic Messages API: streams `event:` + `data:` SSE exactly as api.anthropic.com does (message_start,
// ping, content_block_start/delta/stop with text_delta and input_json_delta, message_delta with usage and
// stop_reason, message_stop), plus in-stream `event: error`, and HTTP errors with Anthropic's error bodies.
import type * as http from 'node:http';
import { delay, FakeHttpServer, sse, type RecordedRequest } from './httpFake';
import { applyVendorFault, argFragments, argsText, forever, randomId, textPieces, type ProviderScript, type ProviderTurn } from './providerTurn';

export interface AnthropicTurn extends ProviderTurn {
  /** Instead of finishing, send `event: error` after this many events (e.g. overloaded_error mid-stream). */
  errorAfterEvents?: number;
  errorType?: string;
  /** A thinking block (thinking_delta + signature_delta) before everything else, as models with thinking on send. */
  thinking?: { text: string; signature: string };
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

export class FakeAnthropicServer extends FakeHttpServer {
  constructor(script: (req: RecordedRequest, index: number) => ReturnType<ProviderScript> | AnthropicTurn, options: { models?: string[] } = {}) {
    super(async (req, res, index) => {
      const path = req.url.split('?')[0];
      if (req.method === 'GET' && path.endsWith('/v1/models')) {
        const data = (options.models ?? ['claude-fake']).map((id) => ({ id, type: 'model', display_name: id, created_at: '2025-01-01T00:00:00Z' }));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null }));
        return;
      }
      if (req.method !== 'POST' || !path.endsWith('/v1/messages')) {
        res.writeHead(404).end();
        return;
      }
      const turn = await script(req, index);
      if ('kind' in turn) {
        return applyVendorFault(turn, res, (status) => ({
          type: 'error',
          error: { type: ERROR_TYPES[status] ?? 'api_error', message: status === 401 ? 'invalid x-api-key' : `fake error ${status}` },
        }));
      }
      await streamTurn(res, turn, req.body?.model ?? 'claude-fake');
    });
  }

  /** The Messages requests only (not model listings). */
  get messageRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.url.split('?')[0].endsWith('/v1/messages'));
  }
}

type Event = [name: string, data: unknown];

function events(turn: AnthropicTurn, model: string): { list: Event[]; dropAt?: number; holdAt?: number } {
  const usage = turn.usage ?? { prompt_tokens: 100, completion_tokens: 20 };
  const cache = { cache_read_input_tokens: turn.cacheReadTokens ?? 0, cache_creation_input_tokens: turn.cacheWriteTokens ?? 0 };
  const list: Event[] = [];
  let dropAt: number | undefined;
  let holdAt: number | undefined;
  list.push([
    'message_start',
    {
      type: 'message_start',
      message: { id: randomId('msg_'), type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: usage.prompt_tokens, output_tokens: 1, ...cache } },
    },
  ]);
  let index = 0;
  if (turn.thinking) {
    list.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }]);
    list.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: turn.thinking.text } }]);
    list.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: turn.thinking.signature } }]);
    list.push(['content_block_stop', { type: 'content_block_stop', index }]);
    index++;
  }
  if (turn.text) {
    list.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }]);
    list.push(['ping', { type: 'ping' }]);
    for (const piece of textPieces(turn.text)) list.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }]);
    list.push(['content_block_stop', { type: 'content_block_stop', index }]);
    index++;
  }
  for (const [n, call] of (turn.calls ?? []).entries()) {
    list.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: call.id ?? randomId('toolu_'), name: call.name, input: {} } }]);
    list.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } }]);
    for (const [f, fragment] of argFragments(argsText(call.arguments), turn.argChunk).entries()) {
      list.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: fragment } }]);
      if (f === 0 && n === turn.dropInCall) dropAt = list.length;
      if (f === 0 && n === turn.holdInCall?.call) holdAt = list.length;
    }
    list.push(['content_block_stop', { type: 'content_block_stop', index }]);
    index++;
  }
  const stopReason = turn.finishReason ?? (turn.calls?.length ? 'tool_use' : 'end_turn');
  list.push(['message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { input_tokens: usage.prompt_tokens, output_tokens: usage.completion_tokens, ...cache } }]);
  list.push(['message_stop', { type: 'message_stop' }]);
  return { list, dropAt: dropAt ?? turn.dropAfterChunks, holdAt };
}

async function streamTurn(res: http.ServerResponse, turn: AnthropicTurn, model: string): Promise<void> {
  if (turn.latencyMs) await delay(turn.latencyMs, res);
  const out = sse(res);
  const { list, dropAt, holdAt } = events(turn, model);
  for (const [i, [name, data]] of list.entries()) {
    if (dropAt !== undefined && i >= dropAt) return out.drop();
    if (turn.stallAfterChunks !== undefined && i >= turn.stallAfterChunks) return forever();
    if (turn.errorAfterEvents !== undefined && i >= turn.errorAfterEvents) {
      await out.send({ type: 'error', error: { type: turn.errorType ?? 'overloaded_error', message: 'Overloaded' } }, 'error');
      return out.end();
    }
    if (i > 0 && turn.chunkDelayMs) await delay(turn.chunkDelayMs, res);
    if (i === holdAt) await turn.holdInCall!.until;
    await out.send(data, name);
  }
  out.end();
}

/** The Messages requests' conversation: role and content blocks. */
export type AnthropicBlock = { type: string; [k: string]: unknown };
export function anthropicMessages(req: RecordedRequest): { role: string; content: AnthropicBlock[] }[] {
  return req.body.messages as { role: string; content: AnthropicBlock[] }[];
}
