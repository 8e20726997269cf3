import { parseRetryAfter } from '../agent/backoff';
import { contextOverflow } from './contextOverflow';
import { API_KEY_ENV, COMPATIBLE_KEY_ENV_CLI } from './index';
import { ProviderError, type ExtensionProviderId, type ProviderErrorKind, type ProviderId } from './provider';

/** Duck-typed view of the error objects the three SDKs throw for HTTP failures. */
interface HttpishError {
  status?: number;
  headers?: { get(name: string): string | null } | Record<string, string>;
  message?: string;
  name?: string;
  code?: string;
}

/**
 * Classifies an SDK error into a ProviderError. `started` says whether any part of the response had arrived: a
 * failure after that is a dropped stream (retry the turn), before it a network error.
 */
export function classifyError(provider: ProviderId, error: unknown, options: { started: boolean; signal?: AbortSignal; apiKey?: string }): ProviderError {
  if (ProviderError.is(error)) return error;
  const classified = classify(provider, error, options);
  // Some servers echo the key they rejected; it must not reach the user's screen, a log or the transcript.
  const key = options.apiKey;
  if (!key || key.length < 8 || !classified.message.includes(key)) return classified;
  return new ProviderError(classified.kind, classified.message.split(key).join('[redacted]'), classified.options);
}

function classify(provider: ProviderId, error: unknown, options: { started: boolean; signal?: AbortSignal; apiKey?: string }): ProviderError {
  const e = (error ?? {}) as HttpishError;
  if (options.signal?.aborted || e.name === 'AbortError' || /abort/i.test(e.name ?? '')) {
    return new ProviderError('cancelled', 'The request was cancelled.', { provider, cause: error });
  }
  const status = typeof e.status === 'number' ? e.status : undefined;
  const retryAfterMs = parseRetryAfter(headersOf(e.headers));
  const detail = (e.message ?? String(error)).slice(0, 500);
  let kind: ProviderErrorKind;
  let message = detail;
  // Gemini answers a wrong key with 400 INVALID_ARGUMENT (reason API_KEY_INVALID), not 401.
  if (status === 401 || status === 403 || (status === 400 && /API_KEY_INVALID|API key not valid/i.test(detail))) {
    kind = 'auth';
    message = `${authMessage(provider, status, options.apiKey)} (${detail})`;
  } else if (status === 429) kind = 'rate_limit';
  else if (status !== undefined && (status >= 500 || status === 408 || status === 409)) kind = 'overloaded';
  else if (status !== undefined && status >= 400) {
    const overflow = contextOverflow(detail, status, e.code);
    if (overflow) {
      const stated = overflow.limit ? ` (${overflow.limit.toLocaleString('en-US')} tokens)` : '';
      return new ProviderError('context_overflow', `The request is larger than the model's context window${stated}: ${detail}`, { status, provider, cause: error, contextLimit: overflow.limit });
    }
    kind = 'bad_request';
  }
  else if (/overloaded/i.test(detail)) kind = 'overloaded';
  else kind = options.started ? 'stream_dropped' : 'network';
  if (kind === 'network') {
    const code = causeCode(error);
    message = `Could not reach ${label(provider)}: ${detail}${code ? ` (${code})` : ''}`;
    // Nothing listens there or the name does not resolve: retrying will not help, say so at once.
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') kind = 'unreachable';
  }
  return new ProviderError(kind, message, { status, retryAfterMs, provider, cause: error });
}

/** What was refused and what the user sets to fix it, named as each host really reads the key. */
function authMessage(provider: ProviderId, status: number, apiKey: string | undefined): string {
  if (provider !== 'openai-compatible') {
    return `${label(provider)} rejected the API key (HTTP ${status}). Run "Fanout: Set API Key" or set ${API_KEY_ENV[provider]}.`;
  }
  // The extension takes this key from its key store only (no variable); the CLI from one variable.
  const fix = `Store the key it expects with "Fanout: Set API Key" (provider openai-compatible); the headless CLI reads ${COMPATIBLE_KEY_ENV_CLI}.`;
  return apiKey
    ? `The OpenAI-compatible server refused the API key (HTTP ${status}). ${fix}`
    : `The OpenAI-compatible server refused the request: no API key was set and this endpoint needs one (HTTP ${status}). ${fix}`;
}

/** The errno-style code somewhere down the cause chain (fetch wraps it twice). */
function causeCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /^E[A-Z_]+$/.test(e.code)) return e.code;
  }
  return undefined;
}

function headersOf(h: HttpishError['headers']): { get(name: string): string | null } | undefined {
  if (!h) return undefined;
  if (typeof (h as { get?: unknown }).get === 'function') return h as { get(name: string): string | null };
  const rec = h as Record<string, string>;
  return { get: (name) => rec[name] ?? rec[name.toLowerCase()] ?? null };
}

export function label(provider: ExtensionProviderId): string {
  return { openai: 'OpenAI', anthropic: 'Anthropic', gemini: 'Gemini', 'openai-compatible': 'The OpenAI-compatible server', 'vscode-lm': 'VS Code language models' }[provider];
}
