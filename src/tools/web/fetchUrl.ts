import { z } from 'zod';
import { formatBytes } from '../readFile';
import { defineTool, type ToolDefinition } from '../tool';
import { ToolError } from '../toolError';
import { truncateMiddle } from '../truncate';
import { checkedUrl, discard, httpGet, readCapped } from './httpGet';
import { bodyKind, decodeBody, htmlToMarkdown, mimeOf, sniff } from './pageText';
import { privateAddressOf, privateWhat } from './privateAddress';

export const FETCH_DEFAULT_CHARS = 20_000;
/** Below the scheduler's result cap (30,000), so the tool's own note (not read_file's) explains a cut. */
export const FETCH_MAX_CHARS = 28_000;

export interface FetchLimits {
  /** The whole request, redirects and body included. */
  timeoutMs: number;
  /** Bytes of body read at most; the rest is never downloaded. */
  maxBytes: number;
  maxRedirects: number;
}

export const defaultFetchLimits: FetchLimits = { timeoutMs: 20_000, maxBytes: 2 * 1024 * 1024, maxRedirects: 5 };

/** Private network addresses (loopback, LAN, link-local, cloud metadata): reached only with a person's yes, or these. */
export interface PrivateNetworkOptions {
  /** Fetch them without asking (the CLI's `--allow network-private`; tests against a local server). */
  allowPrivate?: boolean;
  /** Added to a refusal, to say how the user can allow them (the CLI names its flag). */
  privateHint?: string;
  /** Which address of a URL's host is private (tests stand in for DNS). */
  privateAddress?: (url: URL) => Promise<string | undefined>;
}

const schema = z.strictObject({
  url: z.string().min(1).max(8_000).describe('The http(s) URL to fetch, e.g. https://nodejs.org/api/fs.html'),
  maxChars: z.number().int().min(1_000).max(FETCH_MAX_CHARS).optional().describe(`Longest text to return (default ${FETCH_DEFAULT_CHARS}, at most ${FETCH_MAX_CHARS})`),
});

/** The tool with its limits; `fetchUrl` below is the one every host offers (tests make one with short limits). */
export function fetchUrlTool(limits: FetchLimits = defaultFetchLimits, network: PrivateNetworkOptions = {}): ToolDefinition<typeof schema> {
  const privateAddress = network.privateAddress ?? ((url: URL) => privateAddressOf(url));
  return defineTool({
    name: 'fetch_url',
    description:
      'Fetch a web page or file over http(s) and return it as text: HTML turned into markdown (links made absolute), ' +
      'JSON and other text as is; images and other binary content are refused. Use it for documentation, changelogs, ' +
      'issues and API references the workspace does not have. Several URLs in one turn are fetched in parallel. Only ' +
      'GET, no cookies or credentials: never put secrets or workspace content in the URL. The user may be asked first, ' +
      'and always is for a private network address (localhost, the LAN); a redirect to one from elsewhere is not followed.',
    access: 'read',
    approval: 'network',
    schema,
    summary: (input) => input.url.slice(0, 200),
    async askFirst(input) {
      if (network.allowPrivate) return undefined;
      const url = checkedUrl(input.url);
      const address = await privateAddress(url);
      return address ? privateWhat(url, address) : undefined;
    },
    execute: (input, ctx) => fetchText(input, ctx.signal, limits, (url, from) => checkPrivate({ url, from, approved: ctx.approved === true, start: input.url })),
  });

  /**
   * Every hop is checked, redirects included: a public page may redirect to 169.254.169.254. A person's yes covers
   * the host they were asked about (and its own redirects), never a different host reached by a redirect.
   */
  async function checkPrivate(hop: { url: URL; from?: string; approved: boolean; start: string }): Promise<void> {
    if (network.allowPrivate) return;
    const address = await privateAddress(hop.url);
    if (!address || (hop.approved && hop.url.host === checkedUrl(hop.start).host)) return;
    const what = `${privateWhat(hop.url, address)} (loopback, LAN, link-local or cloud metadata)`;
    if (hop.from) {
      throw new ToolError('not_allowed', `${hop.from} redirected to ${hop.url.href}, but ${what}: the redirect was not followed. If that page is really wanted, fetch it directly (the user is asked first).${network.privateHint ?? ''}`);
    }
    throw new ToolError('not_allowed', `${what}: fetch_url fetches those only with the user's approval, and this call had none.${network.privateHint ?? ''}`);
  }
}

export const fetchUrl = fetchUrlTool();

async function fetchText(input: z.infer<typeof schema>, callSignal: AbortSignal, limits: FetchLimits, checkHop: (url: URL, from?: string) => Promise<void>): Promise<string> {
  const start = checkedUrl(input.url);
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(new ToolError('timeout', `${start.href} did not answer in full within ${limits.timeoutMs / 1000} s.`)), limits.timeoutMs);
  const signal = AbortSignal.any([callSignal, timer.signal]);
  try {
    const { url, redirects, response } = await httpGet(start, { signal, maxRedirects: limits.maxRedirects, checkHop });
    const contentType = response.headers.get('content-type');
    let kind = bodyKind(contentType);
    if (kind === 'binary') {
      await discard(response);
      if (!response.ok) throw httpError(url, response, '');
      throw new ToolError('binary_file', `${url} is ${mimeOf(contentType)}, not text; fetch_url returns web pages and text only.`);
    }
    const { bytes, cut } = await readCapped(response, limits.maxBytes);
    if (kind === 'unknown') kind = sniff(bytes);
    if (kind === 'binary') throw new ToolError('binary_file', `${url} sent binary content (${mimeOf(contentType) || 'no content type'}); fetch_url returns web pages and text only.`);
    const text = decodeBody(bytes, contentType, kind === 'html');
    const page = kind === 'html' ? await htmlToMarkdown(text, url) : { markdown: text };
    if (!response.ok) throw httpError(url, response, page.markdown);
    const maxChars = input.maxChars ?? FETCH_DEFAULT_CHARS;
    const hint =
      maxChars < FETCH_MAX_CHARS
        ? `Call fetch_url again with a larger maxChars (up to ${FETCH_MAX_CHARS}) to see more`
        : 'This is as much as fetch_url returns; look for a more specific page (a section of its own, a raw file) for the rest';
    const header = [
      `${url} (HTTP ${response.status}, ${mimeOf(contentType) || 'no content type'}, ${formatBytes(bytes.byteLength)}${cut ? ' read' : ''})`,
      redirects.length ? `Redirected from ${redirects[0]}${redirects.length > 1 ? ` (${redirects.length} redirects)` : ''}` : '',
      cut ? `Only the first ${formatBytes(limits.maxBytes)} of the response were read; the rest was not downloaded.` : '',
      'title' in page && page.title ? `Title: ${page.title}` : '',
    ].filter(Boolean);
    return `${header.join('\n')}\n\n${truncateMiddle(page.markdown, maxChars, hint)}`;
  } catch (e) {
    // The call's own stop (cancel, the scheduler's timeout) wins; then ours; fetch reports both as a bare AbortError.
    if (callSignal.aborted) throw callSignal.reason;
    if (timer.signal.aborted) throw timer.signal.reason;
    if (ToolError.is(e)) throw e;
    throw new ToolError('failed', `Could not fetch ${start.href}: ${describeFetchError(e)}`);
  } finally {
    clearTimeout(timeout);
  }
}

/** An error status, with the start of what the server said (often the reason). */
function httpError(url: string, response: Response, body: string): ToolError {
  const excerpt = body.trim().slice(0, 1_500);
  return new ToolError('failed', `${url} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.${excerpt ? `\n${excerpt}` : ''}`);
}

/** undici hides the reason (refused, DNS, TLS) in `cause`; the model needs it to decide whether to retry. */
function describeFetchError(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  const cause = err.cause?.code ?? err.cause?.message;
  return cause ? `${err.message ?? 'fetch failed'} (${cause})` : (err.message ?? String(e));
}
