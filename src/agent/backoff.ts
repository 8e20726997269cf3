/**
 * Exponential backoff with full jitter (half fixed, half random), honouring a server's retry-after when it gives one.
 * A retry-after longer than 5 minutes is capped: the user would rather see an error than a silent wait.
 */
export function backoffDelay(attempt: number, o: { baseMs: number; maxMs: number; retryAfterMs?: number }, random = Math.random): number {
  if (o.retryAfterMs !== undefined && o.retryAfterMs >= 0) return Math.min(o.retryAfterMs, 300_000);
  const exp = Math.min(o.maxMs, o.baseMs * 2 ** (attempt - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}

/** Resolves after `ms`, or rejects at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Parses `retry-after` (seconds or an HTTP date) and `retry-after-ms` headers. */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
