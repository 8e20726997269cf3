// A fake Gemini API: POST /v1/models/{model}:streamGenerateContent?alt=sse answered as
// generativelanguage.googleapis.com does: `data:` lines with CRLF framing, functionCall parts that arrive whole
// (no ids, as Gemini 2.5, or with ids, as Gemini 3), thoughtSignature on parts, usageMetadata on every chunk, and
// Google's error bodies (RetryInfo.retryDelay on 429).
import type * as http from 'node:http';
import { delay, FakeHttpServer, sse, type RecordedRequest } from './httpFake';
import { applyVendorFault, argsText, forever, randomId, textPieces, type ProviderScript, type ProviderTurn } from './providerTurn';

export interface GeminiTurn extends ProviderTurn {
  /** thoughtSignature per call index (Gemini 2.5 puts one on the first call only). */
  thoughtSignatures?: (string | undefined)[];
  /** Give each functionCall an id, as Gemini 3 does. */
  callIds?: boolean;
  /** A thought part (text with thought: true and a signature) before everything else. */
  thought?: { text: string; signature: string };
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

export class FakeGeminiServer extends FakeHttpServer {
  constructor(script: (req: RecordedRequest, index: number) => ReturnType<ProviderScript> | GeminiTurn, options: { models?: string[]; inputTokenLimit?: number } = {}) {
    // The script counts model requests only: model listings and limit lookups are not turns.
    let turns = 0;
    super(async (req, res) => {
      const path = req.url.split('?')[0];
      if (req.method === 'GET' && path.endsWith('/v1/models')) {
        const models = (options.models ?? ['gemini-fake']).map((id) => ({ name: `models/${id}`, supportedGenerationMethods: ['generateContent', 'countTokens'] }));
        models.push({ name: 'models/embedding-fake', supportedGenerationMethods: ['embedContent'] });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ models }));
        return;
      }
      const one = /\/v1\/models\/([^/:]+)$/.exec(path);
      if (req.method === 'GET' && one) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ name: `models/${one[1]}`, inputTokenLimit: options.inputTokenLimit ?? 1_048_576, outputTokenLimit: 65_536, supportedGenerationMethods: ['generateContent'] }));
        return;
      }
      const match = /\/v1\/models\/([^/:]+):streamGenerateContent$/.exec(path);
      if (req.method !== 'POST' || !match) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 404, message: `no route ${req.url}`, status: 'NOT_FOUND' } }));
        return;
      }
      const turn = await script(req, turns++);
      if ('kind' in turn) {
        return applyVendorFault(turn, res, (status, headers) => {
          const retryAfter = headers['retry-after'];
          const details = status === 429 && retryAfter ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryAfter}s` }] : undefined;
          return { error: { code: status, message: `fake error ${status}`, status: STATUS_NAMES[status] ?? 'UNKNOWN', ...(details ? { details } : {}) } };
        });
      }
      await streamTurn(res, turn, decodeURIComponent(match[1]));
    });
  }

  /** The generate requests only (not model listings). */
  get generateRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.url.includes(':streamGenerateContent'));
  }
}

type Part = Record<string, unknown>;

async function streamTurn(res: http.ServerResponse, turn: GeminiTurn, model: string): Promise<void> {
  if (turn.latencyMs) await delay(turn.latencyMs, res);
  const out = sse(res, { crlf: true });
  const chunks: Part[][] = [];
  let dropAt = turn.dropAfterChunks;
  let holdAt: number | undefined;
  if (turn.thought) chunks.push([{ text: turn.thought.text, thought: true, thoughtSignature: turn.thought.signature }]);
  for (const piece of textPieces(turn.text ?? '')) chunks.push([{ text: piece }]);
  const callParts = (turn.calls ?? []).map((c, i) => {
    const signature = turn.thoughtSignatures?.[i];
    const args = JSON.parse(argsText(c.arguments)) as unknown;
    return { functionCall: { ...(turn.callIds ? { id: c.id ?? randomId('fc_') } : {}), name: c.name, args }, ...(signature ? { thoughtSignature: signature } : {}) };
  });
  if (turn.singleChunk && callParts.length) {
    if (turn.dropInCall !== undefined) dropAt = chunks.length;
    chunks.push(callParts);
  } else {
    for (const [i, part] of callParts.entries()) {
      if (i === turn.dropInCall) dropAt = chunks.length;
      if (i === turn.holdInCall?.call) holdAt = chunks.length;
      chunks.push([part]);
    }
  }
  if (!chunks.length) chunks.push([{ text: '' }]);
  const usage = turn.usage ?? { prompt_tokens: 100, completion_tokens: 20 };
  const responseId = randomId('');
  for (const [i, parts] of chunks.entries()) {
    if (dropAt !== undefined && i >= dropAt) return out.drop();
    if (turn.stallAfterChunks !== undefined && i >= turn.stallAfterChunks) return forever();
    if (i > 0 && turn.chunkDelayMs) await delay(turn.chunkDelayMs, res);
    if (i === holdAt) await turn.holdInCall!.until;
    const last = i === chunks.length - 1;
    const candidate = { content: { parts, role: 'model' }, index: 0, ...(last ? { finishReason: turn.finishReason ?? 'STOP' } : {}) };
    const usageMetadata = {
      promptTokenCount: usage.prompt_tokens,
      candidatesTokenCount: last ? usage.completion_tokens : i + 1,
      totalTokenCount: usage.prompt_tokens + (last ? usage.completion_tokens : i + 1),
      ...(turn.cacheReadTokens ? { cachedContentTokenCount: turn.cacheReadTokens } : {}),
    };
    await out.send({ candidates: [candidate], usageMetadata, modelVersion: model, responseId });
  }
  out.end();
}

/** The contents of a generate request. */
export type GeminiContent = { role: string; parts: Record<string, any>[] };
export function geminiContents(req: RecordedRequest): GeminiContent[] {
  return req.body.contents as GeminiContent[];
}
