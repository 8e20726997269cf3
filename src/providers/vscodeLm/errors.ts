// LanguageModelError (and the other failures of a VS Code language model request) as ProviderErrors.
import { contextOverflow } from '../contextOverflow';
import { ProviderError } from '../provider';

/** What the adapter knows about a failure: `code` is LanguageModelError's ('NoPermissions', 'Blocked', 'NotFound', 'Unknown'). */
export interface LmFailure {
  code?: string;
  name?: string;
  message?: string;
  cause?: unknown;
}

export interface LmErrorContext {
  /** The model as the user named it (or the one picked when the setting is empty). */
  model: string;
  /** Some part of the response had arrived. */
  started: boolean;
  aborted: boolean;
}

export function classifyLmError(error: unknown, ctx: LmErrorContext): ProviderError {
  if (ProviderError.is(error)) return error;
  const e = (error ?? {}) as LmFailure;
  const options = { provider: 'vscode-lm' as const, cause: error };
  if (ctx.aborted || e.name === 'Canceled' || e.name === 'AbortError') return new ProviderError('cancelled', 'The request was cancelled.', options);
  const detail = describe(e);
  const model = ctx.model ? `"${ctx.model}"` : 'the language model';
  switch (e.code) {
    case 'NoPermissions':
      return new ProviderError('auth', `Fanout is not allowed to use ${model}. Allow Fanout to use the model when VS Code asks (or under Accounts > Manage Language Model Access), then retry.${suffix(detail)}`, options);
    case 'Blocked':
      return new ProviderError('rate_limit', `${capitalise(model)} refused the request: its quota or rate limit is used up for now.${suffix(detail)}`, options);
    case 'NotFound':
      return new ProviderError('bad_request', `No such model: ${model} is not offered by VS Code's language model providers (any more). Run "Fanout: Select Model".${suffix(detail)}`, options);
  }
  // 'Unknown' (or a plain Error): the vendor's own failure, described only in words.
  const overflow = contextOverflow(detail);
  if (overflow) return new ProviderError('context_overflow', `${capitalise(model)}: the request is larger than its context window (${detail})`, { ...options, contextLimit: overflow.limit });
  if (/\b429\b|rate.?limit|quota/i.test(detail)) return new ProviderError('rate_limit', `${capitalise(model)}: ${detail}`, options);
  if (/\b50[0-4]\b|overloaded|server error|unavailable/i.test(detail)) return new ProviderError('overloaded', `${capitalise(model)}: ${detail}`, options);
  if (ctx.started) return new ProviderError('stream_dropped', `The response of ${model} broke off: ${detail}`, options);
  return new ProviderError('unknown', `${capitalise(model)} failed: ${detail}`, options);
}

/** The message, followed by the cause's when it adds something (LanguageModelError wraps the vendor's error). */
function describe(e: LmFailure): string {
  const own = (e.message ?? '').trim();
  const cause = e.cause instanceof Error ? e.cause.message.trim() : typeof e.cause === 'string' ? e.cause.trim() : '';
  const text = cause && !own.includes(cause) ? (own ? `${own} (${cause})` : cause) : own;
  return (text || 'no details given').slice(0, 500);
}

function suffix(detail: string): string {
  return detail === 'no details given' ? '' : ` (${detail})`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
