import Anthropic, { APIError } from '@anthropic-ai/sdk';
import { contextOverflow } from '../contextOverflow';
import { classifyError } from '../httpErrors';
import { ProviderError, type ModelEvent, type ModelProvider, type ModelRequest, type ProviderConfig, type ProviderErrorKind } from '../provider';
import { toAnthropicMessages, toAnthropicSystem, toAnthropicTools } from './convert';
import { AnthropicStreamParser } from './streamParser';
import { sdkClientOptions } from '../sdkOptions';

/** Anthropic Messages API, streaming. Retries are the agent loop's job (it shows the user why it waits). */
export class AnthropicProvider implements ModelProvider {
  readonly id = 'anthropic' as const;
  private readonly client: Anthropic;
  private readonly apiKey: string | undefined;

  constructor(config: ProviderConfig) {
    this.apiKey = config.apiKey;
    // Only the key Fanout was given: the SDK would otherwise fall back to env vars and credential files.
    this.client = new Anthropic(sdkClientOptions(config, config.apiKey ?? ''));
  }

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent> {
    const parser = new AnthropicStreamParser();
    let started = false;
    try {
      const tools = request.tools.length ? toAnthropicTools(request.tools) : undefined;
      const stream = await this.client.messages.create(
        {
          model: request.model,
          max_tokens: request.maxOutputTokens ?? defaultMaxTokens(request.model),
          system: toAnthropicSystem(request.system),
          messages: toAnthropicMessages(request.messages, { cacheLastMessage: true }),
          ...(tools ? { tools } : {}),
          ...(tools && !request.parallelToolCalls ? { tool_choice: { type: 'auto' as const, disable_parallel_tool_use: true } } : {}),
          stream: true,
        },
        { signal },
      );
      // The SDK ends the iteration quietly when the signal aborts; the loop sees the abort on its own signal.
      for await (const event of stream) {
        started = true;
        yield* parser.push(event);
      }
      yield* parser.end();
    } catch (e) {
      throw classifyAnthropicError(e, { started, signal, apiKey: this.apiKey });
    }
  }

  async listModels(signal: AbortSignal): Promise<string[]> {
    const ids: string[] = [];
    try {
      for await (const m of this.client.models.list({ limit: 100 }, { signal })) ids.push(m.id);
    } catch (e) {
      throw classifyAnthropicError(e, { started: false, signal, apiKey: this.apiKey });
    }
    return ids.sort();
  }
}

/** Claude 3.x models stop at 8192 output tokens; later ones allow far more, and edits can be long. */
function defaultMaxTokens(model: string): number {
  return /claude-3/.test(model) ? 8192 : 16384;
}

/** `event: error` inside a 200 stream carries no HTTP status, only the error type. */
const STREAM_ERROR_KINDS: Record<string, ProviderErrorKind> = {
  overloaded_error: 'overloaded',
  api_error: 'overloaded',
  timeout_error: 'overloaded',
  rate_limit_error: 'rate_limit',
  invalid_request_error: 'bad_request',
};

function classifyAnthropicError(error: unknown, options: { started: boolean; signal: AbortSignal; apiKey?: string }): ProviderError {
  if (error instanceof APIError && error.status === undefined && error.type && !options.signal.aborted) {
    const text = error.apiMessage ?? error.message;
    const overflow = error.type === 'invalid_request_error' ? contextOverflow(text) : undefined;
    if (overflow) return new ProviderError('context_overflow', `Anthropic: ${text}`, { provider: 'anthropic', cause: error, contextLimit: overflow.limit });
    const kind = STREAM_ERROR_KINDS[error.type];
    if (kind) return new ProviderError(kind, `Anthropic: ${error.apiMessage ?? error.message}`, { provider: 'anthropic', cause: error });
  }
  return classifyError('anthropic', error, options);
}
