// One GET for fetch_url through Node's own fetch (undici): redirects followed by hand so every hop's scheme is checked
// (fetch's automatic mode would follow one to anywhere it supports), the body read as a stream and dropped at a byte
// cap. Nothing of the host goes out: no cookies, no credentials, no environment — only the URL the model gave.
import { ToolError } from '../toolError';

export interface HttpGetOptions {
  signal: AbortSignal;
  maxRedirects: number;
  /** Called before each request, the first and every redirect's (`from`: the URL that redirected); throws to refuse it. */
  checkHop?: (url: URL, from?: string) => Promise<void>;
}

export interface HttpResponse {
  /** The URL that answered, after redirects. */
  url: string;
  /** Every URL asked before it, in order (empty without redirects). */
  redirects: string[];
  response: Response;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const HEADERS = {
  'user-agent': 'Fanout/0.1 (coding agent; fetch_url)',
  accept: 'text/html,application/xhtml+xml,text/markdown,text/plain;q=0.9,application/json;q=0.9,*/*;q=0.5',
};

/** A URL the model gave, parsed and checked: only http(s) leaves the machine through this tool. */
export function checkedUrl(raw: string, what = 'url'): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ToolError('invalid_arguments', `${what} "${raw}" is not an absolute URL; give one like https://example.com/page.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ToolError('not_allowed', `${what} uses ${url.protocol} — fetch_url fetches http: and https: URLs only. Read workspace files with read_file.`);
  }
  return url;
}

/** Follows up to `maxRedirects` redirects; the answer's body is left unread for the caller (it must read or cancel it). */
export async function httpGet(start: URL, options: HttpGetOptions): Promise<HttpResponse> {
  const redirects: string[] = [];
  let url = start;
  for (;;) {
    await options.checkHop?.(url, redirects[redirects.length - 1]);
    const response = await fetch(url, { method: 'GET', redirect: 'manual', headers: HEADERS, credentials: 'omit', signal: options.signal });
    const location = response.headers.get('location');
    if (!REDIRECTS.has(response.status) || !location) return { url: url.href, redirects, response };
    await discard(response);
    redirects.push(url.href);
    if (redirects.length > options.maxRedirects) {
      throw new ToolError('failed', `More than ${options.maxRedirects} redirects, not followed further: ${[...redirects, location].join(' -> ')}`);
    }
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new ToolError('failed', `${url.href} redirected to "${location}", which is not a URL.`);
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new ToolError('not_allowed', `${url.href} redirected to a ${next.protocol} URL (${next.href}); fetch_url follows http: and https: only.`);
    }
    url = next;
  }
}

/** The body up to `maxBytes`; `cut` when there was more (the rest is never downloaded). */
export async function readCapped(response: Response, maxBytes: number): Promise<{ bytes: Uint8Array; cut: boolean }> {
  if (!response.body) return { bytes: new Uint8Array(0), cut: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let cut = false;
  let ended = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        ended = true;
        break;
      }
      if (size + value.byteLength > maxBytes) {
        chunks.push(value.subarray(0, maxBytes - size));
        size = maxBytes;
        cut = true;
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    // Stops the download (and frees the connection) when we leave early: at the cap, on abort or on an error.
    if (!ended) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { bytes, cut };
}

/** A response we will not read: cancel its body so the connection is not left half-read. */
export async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => {});
}
