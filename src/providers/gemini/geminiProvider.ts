import { ApiError, GoogleGenAI } from '@google/genai';
import { CallIdAllocator } from '../callIds';
import { classifyError } from '../httpErrors';
import type { ModelEvent, ModelLimits, ModelProvider, ModelRequest, ProviderConfig, ProviderError } from '../provider';
import { toGeminiContents, toGeminiSystem, toGeminiTools } from './convert';
import { GeminiStreamParser } from './streamParser';

/**
 * Gemini API (generativelanguage), streaming via POST {base}/v1/models/{model}:streamGenerateContent?alt=sse.
 * The stable v1 (the SDK's default since 3.0) has function calling, thinking and system instructions; it is pinned
 * here so that GOOGLE_GENAI_API_VERSION in the environment cannot move the wire under us.
 * The SDK's own retries are off by default (no httpOptions.retryOptions); its automatic continuation (re-requests
 * within one call) is turned off here: retries are the agent loop's job.
 */
export class GeminiProvider implements ModelProvider {
  readonly id = 'gemini' as const;
  private readonly client: GoogleGenAI;
  private readonly apiKey: string | undefined;

  constructor(config: ProviderConfig) {
    this.apiKey = config.apiKey;
    this.client = new GoogleGenAI({
      vertexai: false,
      apiKey: config.apiKey,
      apiVersion: 'v1',
      httpOptions: { ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}), ...(config.headers ? { headers: config.headers } : {}) },
    });
  }

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent> {
    const parser = new GeminiStreamParser(new CallIdAllocator(request.messages, 'gemini'));
    let started = false;
    try {
      const systemInstruction = toGeminiSystem(request.system, request.parallelToolCalls);
      const stream = await this.client.models.generateContentStream({
        model: request.model,
        contents: toGeminiContents(request.messages),
        config: {
          ...(systemInstruction ? { systemInstruction } : {}),
          ...(request.tools.length ? { tools: toGeminiTools(request.tools) } : {}),
          ...(request.maxOutputTokens ? { maxOutputTokens: request.maxOutputTokens } : {}),
          automaticFunctionCalling: { disable: true },
          automaticContinuation: false,
          // The SDK takes cancellation in the config; fetch then rejects with an AbortError, also mid-stream.
          abortSignal: signal,
        },
      });
      started = true;
      for await (const chunk of stream) yield* parser.push(chunk);
      yield* parser.end();
    } catch (e) {
      // Like the OpenAI and Anthropic SDKs, end quietly when cancelled: the loop keeps what streamed so far.
      if (signal.aborted) return;
      throw classifyGeminiError(e, { started, signal, apiKey: this.apiKey });
    }
  }

  async listModels(signal: AbortSignal): Promise<string[]> {
    const ids: string[] = [];
    try {
      for await (const m of await this.client.models.list({ config: { abortSignal: signal, pageSize: 100 } })) {
        if (m.name && (!m.supportedActions || m.supportedActions.includes('generateContent'))) ids.push(m.name.replace(/^models\//, ''));
      }
    } catch (e) {
      throw classifyGeminiError(e, { started: false, signal, apiKey: this.apiKey });
    }
    return ids.sort();
  }

  async modelLimits(model: string, signal: AbortSignal): Promise<ModelLimits | undefined> {
    try {
      const m = await this.client.models.get({ model, config: { abortSignal: signal } });
      return m.inputTokenLimit ? { contextWindow: m.inputTokenLimit, maxOutputTokens: m.outputTokenLimit } : undefined;
    } catch (e) {
      throw classifyGeminiError(e, { started: false, signal, apiKey: this.apiKey });
    }
  }
}

interface GoogleErrorBody {
  error?: { message?: string; status?: string; details?: { retryDelay?: unknown }[] };
}

/**
 * The SDK's ApiError carries the status and the JSON body as its message, but no headers: Gemini's wait hint is
 * google.rpc.RetryInfo.retryDelay ("2s") in the body, so it is handed on as retry-after-ms.
 */
function classifyGeminiError(error: unknown, options: { started: boolean; signal: AbortSignal; apiKey?: string }): ProviderError {
  if (!(error instanceof ApiError)) return classifyError('gemini', error, options);
  const body = parseBody(error.message);
  const delay = body?.error?.details?.map((d) => d.retryDelay).find((d): d is string => typeof d === 'string');
  const seconds = delay ? /^(\d+(?:\.\d+)?)s$/.exec(delay.trim())?.[1] : undefined;
  const message = body?.error?.message ? `${body.error.message}${body.error.status ? ` (${body.error.status})` : ''}` : error.message;
  return classifyError(
    'gemini',
    { status: error.status, name: error.name, message, headers: seconds !== undefined ? { 'retry-after-ms': String(Math.round(Number(seconds) * 1000)) } : undefined },
    options,
  );
}

/** The body is the whole message for HTTP errors, and follows "got status: ..." for errors inside a stream. */
function parseBody(message: string): GoogleErrorBody | undefined {
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  try {
    return JSON.parse(message.slice(start)) as GoogleErrorBody;
  } catch {
    return undefined;
  }
}
