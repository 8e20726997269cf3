// What fetch_url makes of a response body: HTML as markdown (node-html-markdown: pure JS, no DOM, fast on big pages;
// see README), other text as it is, binary refused. Decoding follows the charset the server or the page declares.

export type BodyKind = 'html' | 'text' | 'binary' | 'unknown';

/** Text formats served under application/ that are worth reading as they are (JSON, XML, scripts, configs). */
const TEXT_APPLICATION = new Set([
  'json', 'xml', 'javascript', 'ecmascript', 'x-javascript', 'typescript', 'x-typescript', 'yaml', 'x-yaml', 'toml',
  'x-toml', 'x-sh', 'x-shellscript', 'sql', 'graphql', 'x-ndjson', 'jsonl', 'ld+json', 'csv', 'x-tex', 'x-httpd-php',
  'rtf', 'x-python', 'x-ruby', 'x-perl', 'x-diff', 'x-patch',
]);

/** Elements that are page furniture, not content (head, script and style are dropped by the library already). */
const NOISE = ['nav', 'footer', 'aside', 'noscript', 'svg', 'canvas', 'iframe', 'template', 'form', 'button', 'select', 'dialog'];

export function mimeOf(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** By the declared type; `unknown` (nothing declared, or octet-stream) is decided by looking at the bytes. */
export function bodyKind(contentType: string | null): BodyKind {
  const mime = mimeOf(contentType);
  if (mime === '' || mime === 'application/octet-stream' || mime === 'binary/octet-stream') return 'unknown';
  if (mime === 'text/html' || mime === 'application/xhtml+xml') return 'html';
  if (mime.startsWith('text/')) return 'text';
  const [top, sub = ''] = mime.split('/');
  if (top === 'application' && (TEXT_APPLICATION.has(sub) || sub.endsWith('+json') || sub.endsWith('+xml'))) return 'text';
  return 'binary';
}

/**
 * Bytes of an undeclared type: binary when they hold a NUL or are not UTF-8 (a cut at the byte cap may split the last
 * character; that alone does not count), else HTML when they look like a page, else text.
 */
export function sniff(bytes: Uint8Array): BodyKind {
  if (bytes.subarray(0, 8192).includes(0)) return 'binary';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
  } catch {
    return 'binary';
  }
  const start = new TextDecoder().decode(bytes.subarray(0, 512)).trimStart().toLowerCase();
  return start.startsWith('<!doctype html') || start.startsWith('<html') ? 'html' : 'text';
}

/** The charset the header names, else (for HTML) the page's own `<meta charset>`, else UTF-8. */
export function decodeBody(bytes: Uint8Array, contentType: string | null, html: boolean): string {
  let label = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  if (!label && html) {
    const head = new TextDecoder('latin1').decode(bytes.subarray(0, 2048));
    label = /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1];
  }
  try {
    return new TextDecoder(label ?? 'utf-8').decode(bytes);
  } catch {
    // A label TextDecoder does not know: UTF-8 is the best guess on today's web.
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** The page as markdown, with links and images made absolute so the model can fetch them in turn; and its title. */
export async function htmlToMarkdown(html: string, pageUrl: string): Promise<{ title?: string; markdown: string }> {
  // Evaluated on the first page fetched, not whenever the tools load.
  const { NodeHtmlMarkdown } = await import('node-html-markdown');
  const converter = new NodeHtmlMarkdown({ ignore: NOISE, maxConsecutiveNewlines: 2 });
  const rawTitle = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const title = rawTitle ? converter.translate(rawTitle).replace(/\s+/g, ' ').trim() : undefined;
  return { title: title || undefined, markdown: converter.translate(absoluteLinks(html, pageUrl)).trim() };
}

/** href/src values resolved against the page's URL (the converter keeps them as written). */
function absoluteLinks(html: string, pageUrl: string): string {
  return html.replace(/(\s(?:href|src)\s*=\s*)(?:"([^"]*)"|'([^']*)')/gi, (whole, lead: string, dq?: string, sq?: string) => {
    const value = (dq ?? sq ?? '').trim();
    if (!value || value.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(value)) return whole;
    try {
      return `${lead}"${new URL(value, pageUrl).href.replace(/"/g, '%22')}"`;
    } catch {
      return whole;
    }
  });
}
