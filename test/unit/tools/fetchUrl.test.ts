import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApprovalBroker, type ApprovalPrompt } from '../../../src/agent/approvalBroker';
import { defaultApprovalPolicy } from '../../../src/agent/approvals';
import { Scheduler } from '../../../src/agent/scheduler';
import { toolRegistry } from '../../../src/tools/tool';
import { FETCH_MAX_CHARS, fetchUrl, fetchUrlTool } from '../../../src/tools/web/fetchUrl';
import { call, runBatch, testContext } from '../../fakes/fakeTools';

/** A local web server: each path is one case. Requests are recorded; `held` are requests left unanswered on purpose. */
class WebServer {
  readonly requests: http.IncomingMessage[] = [];
  readonly held: http.ServerResponse[] = [];
  /** Resolved with each request as it arrives (for tests that act on "the server has it"). */
  private arrivals: ((req: http.IncomingMessage) => void)[] = [];
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  url = '';

  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  nextRequest(): Promise<http.IncomingMessage> {
    return new Promise((resolve) => this.arrivals.push(resolve));
  }

  async close(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests.push(req);
    for (const resolve of this.arrivals.splice(0)) resolve(req);
    const path = new URL(req.url ?? '/', this.url).pathname;
    const send = (status: number, type: string | undefined, body: string | Buffer, headers: Record<string, string> = {}) => {
      res.writeHead(status, { ...(type && { 'content-type': type }), ...headers });
      res.end(body);
    };
    let m: RegExpExecArray | null;
    if (path === '/page') {
      return send(200, 'text/html; charset=utf-8', PAGE);
    } else if (path === '/latin1') {
      return send(200, 'text/html', Buffer.concat([Buffer.from('<html><head><meta charset="iso-8859-1"></head><body><p>caf'), Buffer.from([0xe9]), Buffer.from('</p></body></html>')]));
    } else if (path === '/data.json') {
      return send(200, 'application/json', '{"name":"fanout","tools":["fetch_url"]}');
    } else if (path === '/plain') {
      return send(200, 'application/octet-stream', 'just text, no type worth the name\n');
    } else if ((m = /^\/hop\/(\d+)$/.exec(path))) {
      const n = Number(m[1]);
      return n === 0 ? send(200, 'text/plain', 'arrived') : send(302, undefined, '', { location: `/hop/${n - 1}` });
    } else if (path === '/to-file') {
      return send(301, undefined, '', { location: 'file:///etc/passwd' });
    } else if (path === '/endless') {
      // Never ends by itself: only a reader that stops at its cap gets an answer.
      res.writeHead(200, { 'content-type': 'text/plain' });
      const line = `${'x'.repeat(1023)}\n`;
      const pump = () => {
        while (!res.destroyed && res.write(line));
        if (!res.destroyed) res.once('drain', pump);
      };
      return pump();
    } else if (path === '/image.png') {
      return send(200, 'image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));
    } else if (path === '/blob') {
      return send(200, 'application/octet-stream', Buffer.from([1, 2, 0, 3, 0xff, 0]));
    } else if (path === '/missing') {
      return send(404, 'text/html', '<html><body><h1>No such page</h1></body></html>');
    } else if (path === '/long') {
      return send(200, 'text/plain', Array.from({ length: 4000 }, (_, i) => `line ${i}`).join('\n'));
    } else if (path === '/headers') {
      return send(200, 'application/json', JSON.stringify({ headers: req.headers }));
    }
    // /hang and /together/*: answered by the test, or never.
    this.held.push(res);
  }
}

const PAGE = `<!doctype html><html><head><title>Fanout &amp; friends</title><style>body { color: red }</style>
<script>window.secret = "script text"</script></head>
<body><nav><a href="/">Home</a> <a href="/menu">Menu item</a></nav>
<main><h1>Parallel tools</h1><p>Reads <b>fan out</b>; see <a href="docs/guide.html">the guide</a> and <a href="https://example.com/x">elsewhere</a>.</p>
<ul><li>one</li><li>two</li></ul><pre><code>npm run demo</code></pre></main>
<footer>Copyright footer</footer><script>console.log("tail script")</script></body></html>`;

// The server is on 127.0.0.1, a private address: these tests allow that explicitly (as `--allow network-private`
// does); fetchUrlPrivate.test.ts covers what happens without the allowance.
describe('fetch_url', () => {
  let web: WebServer;
  let scheduler: Scheduler;
  const limits = { timeoutMs: 60_000, maxBytes: 64 * 1024, maxRedirects: 5 };
  const fetchOne = async (args: unknown, signal?: AbortSignal) => (await runBatch(scheduler, [call('f1', 'fetch_url', args)], signal)).results[0]!;

  beforeEach(async () => {
    web = await new WebServer().start();
    scheduler = new Scheduler({ tools: toolRegistry([fetchUrlTool(limits, { allowPrivate: true })]), context: testContext() });
  });
  afterEach(() => web.close());

  it('turns HTML into markdown: title, headings, lists, code, absolute links; scripts, styles, nav and footer dropped', async () => {
    const r = await fetchOne({ url: `${web.url}/page` });
    assert.equal(r.ok, true, r.content);
    assert.match(r.content, new RegExp(`^${web.url}/page \\(HTTP 200, text/html, [\\d.]+ K?B\\)\\nTitle: Fanout & friends\\n\\n# Parallel tools\\n`));
    assert.match(r.content, /Reads \*\*fan out\*\*; see \[the guide\]\(http:\/\/127\.0\.0\.1:\d+\/docs\/guide\.html\) and \[elsewhere\]\(https:\/\/example\.com\/x\)\./);
    assert.match(r.content, /\* one\n\* two/);
    assert.match(r.content, /```\nnpm run demo\n```/);
    for (const noise of ['script text', 'tail script', 'color: red', 'Menu item', 'Copyright footer']) assert.ok(!r.content.includes(noise), `${noise} dropped`);
  });

  it('returns JSON and other text as it is, decoding the charset the page declares', async () => {
    const json = await fetchOne({ url: `${web.url}/data.json` });
    assert.equal(json.content, `${web.url}/data.json (HTTP 200, application/json, 39 B)\n\n{"name":"fanout","tools":["fetch_url"]}`);
    assert.match((await fetchOne({ url: `${web.url}/latin1` })).content, /\n\ncafé$/);
    assert.match((await fetchOne({ url: `${web.url}/plain` })).content, /\n\njust text, no type worth the name\n$/, 'octet-stream that is text is read');
  });

  it('follows redirects (reporting the final URL) up to 5, and refuses a longer chain', async () => {
    const ok = await fetchOne({ url: `${web.url}/hop/5` });
    assert.equal(ok.content, `${web.url}/hop/0 (HTTP 200, text/plain, 7 B)\nRedirected from ${web.url}/hop/5 (5 redirects)\n\narrived`);
    const before = web.requests.length;
    const tooLong = await fetchOne({ url: `${web.url}/hop/6` });
    assert.match(tooLong.content, new RegExp(`^Error \\(failed\\): More than 5 redirects, not followed further: ${web.url}/hop/6 -> .* -> /hop/0$`));
    assert.equal(web.requests.length - before, 6, 'the sixth redirect is not followed');
  });

  it('fetches http(s) only: other schemes are refused, given or redirected to', async () => {
    for (const url of ['file:///etc/passwd', 'data:text/plain,hi', 'ftp://example.com/x', 'javascript:alert(1)']) {
      assert.match((await fetchOne({ url })).content, /^Error \(not_allowed\): url uses [a-z]+: — fetch_url fetches http: and https: URLs only/, url);
    }
    assert.match((await fetchOne({ url: 'not a url' })).content, /^Error \(invalid_arguments\): url "not a url" is not an absolute URL/);
    assert.equal(web.requests.length, 0, 'nothing was requested');
    const redirected = await fetchOne({ url: `${web.url}/to-file` });
    assert.equal(redirected.content, `Error (not_allowed): ${web.url}/to-file redirected to a file: URL (file:///etc/passwd); fetch_url follows http: and https: only.`);
  });

  it('reads a huge body only up to its byte cap, and says so', async () => {
    const r = await fetchOne({ url: `${web.url}/endless` });
    assert.equal(r.ok, true, r.content);
    assert.match(r.content, /^http:\/\/127\.0\.0\.1:\d+\/endless \(HTTP 200, text\/plain, 64\.0 KB read\)\nOnly the first 64\.0 KB of the response were read; the rest was not downloaded\.\n/);
    assert.match(r.content, /characters \(\d+ lines\) cut from the middle\. Call fetch_url again with a larger maxChars \(up to 28000\) to see more/);
  });

  it('refuses binary content with a clear note', async () => {
    assert.equal((await fetchOne({ url: `${web.url}/image.png` })).content, `Error (binary_file): ${web.url}/image.png is image/png, not text; fetch_url returns web pages and text only.`);
    assert.match((await fetchOne({ url: `${web.url}/blob` })).content, /^Error \(binary_file\): .*\/blob sent binary content \(application\/octet-stream\)/);
  });

  it('cuts a long text to maxChars with guidance; at the largest maxChars it says to look for a narrower page', async () => {
    const short = await fetchOne({ url: `${web.url}/long`, maxChars: 1000 });
    assert.ok(short.content.length < 1300, String(short.content.length));
    assert.match(short.content, /^.*\n\nline 0\nline 1\n/);
    assert.match(short.content, /Call fetch_url again with a larger maxChars \(up to 28000\) to see more/);
    assert.match(short.content, /line 3999$/);
    const whole = await fetchOne({ url: `${web.url}/long`, maxChars: FETCH_MAX_CHARS });
    assert.match(whole.content, /line 3999$/);
    assert.match(whole.content, /cut from the middle\. This is as much as fetch_url returns; look for a more specific page/);
    assert.match((await fetchOne({ url: `${web.url}/long`, maxChars: FETCH_MAX_CHARS + 1 })).content, /^Error \(invalid_arguments\)/);
  });

  it('reports an error status with what the server said', async () => {
    const r = await fetchOne({ url: `${web.url}/missing` });
    assert.equal(r.content, `Error (failed): ${web.url}/missing answered HTTP 404 Not Found.\n# No such page`);
  });

  it('gives up on a server that never answers, with a timeout error', async () => {
    scheduler = new Scheduler({ tools: toolRegistry([fetchUrlTool({ ...limits, timeoutMs: 100 }, { allowPrivate: true })]), context: testContext() });
    const r = await fetchOne({ url: `${web.url}/hang` });
    assert.equal(r.content, `Error (timeout): ${web.url}/hang did not answer in full within 0.1 s.`);
  });

  it('stops the request when the call is cancelled', async () => {
    const stop = new AbortController();
    const arrived = web.nextRequest();
    const pending = fetchOne({ url: `${web.url}/hang` }, stop.signal);
    const req = await arrived;
    const closed = once(req.socket, 'close');
    stop.abort();
    const r = await pending;
    assert.match(r.content, /^Error \(cancelled\)/);
    await closed; // the connection went with the call
  });

  it('runs several fetches of one turn together', async () => {
    // Each answer waits until all three requests have arrived: fetches run one at a time would never get one.
    const calls = [1, 2, 3].map((i) => call(`f${i}`, 'fetch_url', { url: `${web.url}/together/${i}` }));
    const answered = (async () => {
      while (web.held.length < 3) await web.nextRequest();
      for (const res of web.held.splice(0)) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`answer ${new URL(res.req.url!, web.url).pathname}`);
      }
    })();
    const { results } = await runBatch(scheduler, calls);
    await answered;
    assert.deepEqual(results.map((r) => r.content.split('\n').pop()), ['answer /together/1', 'answer /together/2', 'answer /together/3']);
  });

  it('sends only the URL: no credentials, cookies or environment', async () => {
    const saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = 'sk-SENTINEL-fetch';
    try {
      const r = await fetchOne({ url: `${web.url}/headers` });
      const { headers } = JSON.parse(r.content.slice(r.content.indexOf('\n\n') + 2)) as { headers: Record<string, string> };
      assert.ok(!JSON.stringify(headers).includes('SENTINEL'));
      for (const h of ['authorization', 'cookie', 'proxy-authorization']) assert.equal(headers[h], undefined, h);
      assert.match(headers['user-agent']!, /^Fanout\//);
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
    }
  });

  it('asks first by default (fanout.approval.network), with the URL on the card, and fetches after Allow', async () => {
    const prompts: ApprovalPrompt[] = [];
    const broker = new ApprovalBroker({ policy: () => defaultApprovalPolicy, show: (p) => prompts.push(p), close() {} });
    scheduler = new Scheduler({ tools: toolRegistry([fetchUrl]), context: testContext(), approvals: broker });
    const url = `${web.url}/data.json`;
    const sealed = runBatch(scheduler, [call('f1', 'fetch_url', { url })]);
    while (prompts.length === 0) await new Promise((r) => setImmediate(r));
    assert.deepEqual(prompts[0]!.calls.map(({ name, summary, access, kind }) => ({ name, summary, access, kind })), [{ name: 'fetch_url', summary: url, access: 'read', kind: 'network' }]);
    assert.equal(web.requests.length, 0, 'nothing was fetched before the answer');
    broker.respond(prompts[0]!.requestId, [{ id: 'f1', allowed: true }]);
    const { results } = await sealed;
    assert.match(results[0]!.content, /"tools":\["fetch_url"\]/);
  });
});
