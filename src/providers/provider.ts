// The contract every model adapter implements: one streaming call per turn, provider-neutral events out.
import type { Message, ToolCall, Usage } from '../shared/transcript';

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema (draft 2020-12 subset) of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface ModelRequest {
  model: string;
  system: string;
  messages: readonly Message[];
  tools: readonly ToolSpec[];
  /** When false the provider is told to return at most one tool call per turn. */
  parallelToolCalls: boolean;
  maxOutputTokens?: number;
}

export type FinishReason = 'stop' | 'tool_calls' | 'length' | 'content_filter' | 'other';

export type ModelEvent =
  | { type: 'text-delta'; text: string }
  /** Emitted once per call, as soon as its arguments are complete (possibly before the stream ends). */
  | { type: 'tool-call'; call: ToolCall }
  | { type: 'usage'; usage: Usage }
  | { type: 'finish'; reason: FinishReason; providerData?: Record<string, unknown> }
  /** A one-time notice for the user (e.g. an endpoint fell back to one call per turn). */
  | { type: 'notice'; message: string };

export interface ModelProvider {
  readonly id: ExtensionProviderId;
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent>;
  listModels?(signal: AbortSignal): Promise<string[]>;
  /**
   * The model's limits as the provider reports them at run time (Gemini models.get, vLLM max_model_len, Ollama's
   * context length, vscode-lm maxInputTokens); they win over the catalog. Undefined when it does not say.
   */
  modelLimits?(model: string, signal: AbortSignal): Promise<ModelLimits | undefined>;
}

export interface ModelLimits {
  contextWindow?: number;
  maxOutputTokens?: number;
}

/** The providers reached over HTTP through their SDKs: they work anywhere, the CLI included. */
export type ProviderId = 'openai' | 'anthropic' | 'gemini' | 'openai-compatible';
export const PROVIDER_IDS: readonly ProviderId[] = ['openai', 'anthropic', 'gemini', 'openai-compatible'];
/** Plus `vscode-lm`, VS Code's Language Model API, which exists only inside the extension (src/vscode/lmProvider.ts). */
export type ExtensionProviderId = ProviderId | 'vscode-lm';
export const EXTENSION_PROVIDER_IDS: readonly ExtensionProviderId[] = [...PROVIDER_IDS, 'vscode-lm'];

export interface ProviderConfig {
  provider: ProviderId;
  apiKey?: string;
  baseUrl?: string;
  /** Extra request headers (e.g. OpenRouter attribution). */
  headers?: Record<string, string>;
}

/** Why a model call failed, classified so the loop can decide to retry, stop, or explain. */
export type ProviderErrorKind =
  | 'auth' // 401/403: never retried
  | 'rate_limit' // 429
  | 'overloaded' // 5xx, 529, "overloaded"
  | 'network' // connection reset or timed out before any byte
  | 'unreachable' // connection refused, host not found: not retried
  | 'stream_dropped' // the response started, then ended without a finish
  | 'bad_request' // 400/404/422: our request or the model name is wrong
  | 'context_overflow' // the prompt does not fit the model's window: the loop compacts and retries once
  | 'cancelled'
  | 'unknown';

/** Symbol.for: one key across bundles (see is()). */
const PROVIDER_ERROR = Symbol.for('fanout.ProviderError');

export class ProviderError extends Error {
  /**
   * Whether `e` is a ProviderError from any bundle. The provider SDK adapters are bundles of their own (dist/lazy/*,
   * loaded on first use), each with its own copy of this class, so `instanceof` would miss their errors.
   */
  static is(e: unknown): e is ProviderError {
    return typeof e === 'object' && e !== null && (e as { [PROVIDER_ERROR]?: unknown })[PROVIDER_ERROR] === true;
  }
  readonly [PROVIDER_ERROR] = true;
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly options: {
      status?: number;
      retryAfterMs?: number;
      provider?: ExtensionProviderId;
      cause?: unknown;
      /** For context_overflow: the window the provider stated, when it did. */
      contextLimit?: number;
    } = {},
  ) {
    super(message);
    this.name = 'ProviderError';
  }
  get retryable(): boolean {
    return this.kind === 'rate_limit' || this.kind === 'overloaded' || this.kind === 'network' || this.kind === 'stream_dropped';
  }
}
