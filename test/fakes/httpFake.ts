// A tiny HTTP server base for the fake model servers: records every request and lets a script decide each reply.
// The fakes speak each provider's real wire format so the official SDKs can be pointed at them with a base URL.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/** What a script can tell the server to do with one request (besides writing a normal reply itself). */
export type Fault =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  /** Never answer (until the client gives up or the server closes). */
  | { kind: 'hang' }
  /** Reset the connection before any response byte. */
  | { kind: 'reset' };

export class FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  private server: http.Server;
  private readonly sockets = new Set<import('node:net').Socket>();
  url = '';

  constructor(private readonly handle: (req: RecordedRequest, res: http.ServerResponse, index: number) => Promise<void> | void) {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (d) => (raw += d));
      req.on('end', () => {
        let body: unknown = raw;
        try {
          body = raw ? JSON.parse(raw) : undefined;
        } catch {
          // keep the raw text
        }
        const rec: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
        this.requests.push(rec);
        Promise.resolve(this.handle(rec, res, this.requests.length - 1)).catch((e) => {
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: String(e) } }));
        });
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Answers a request with the given fault instead of a normal reply. */
export function applyFault(fault: Fault, res: http.ServerResponse): void {
  switch (fault.kind) {
    case 'status':
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(JSON.stringify(fault.body ?? { error: { message: `fake error ${fault.status}`, type: 'fake_error' } }));
      return;
    case 'hang':
      return;
    case 'reset':
      res.socket?.destroy();
      return;
  }
}

export interface SseWriter {
  /** Writes one `data:` event (objects are JSON-encoded) with an optional `event:` name. */
  send(data: unknown, event?: string): Promise<void>;
  /** Cuts the connection mid-stream, as a dropped proxy would. */
  drop(): void;
  end(): void;
}

export function sse(res: http.ServerResponse, options: { delayMs?: number; crlf?: boolean } = {}): SseWriter {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const nl = options.crlf ? '\r\n' : '\n';
  return {
    async send(data, event) {
      if (options.delayMs) await delay(options.delayMs, res);
      const payload = typeof data === 'string' ? data : JSON.stringify(data);
      res.write(`${event ? `event: ${event}${nl}` : ''}data: ${payload}${nl}${nl}`);
    },
    drop() {
      res.socket?.destroy();
    },
    end() {
      res.end();
    },
  };
}

/**
 * Resolves after `ms`, or as soon as the client of `res` has gone: a stream the client stopped reading must not keep
 * its timers running past the test (the unit run fails on a timer left after the last test).
 */
export function delay(ms: number, res?: http.ServerResponse): Promise<void> {
  if (!res) return new Promise((r) => setTimeout(r, ms));
  if (res.closed) return Promise.resolve();
  return new Promise((r) => {
    const done = () => {
      clearTimeout(t);
      res.off('close', done);
      r();
    };
    const t = setTimeout(done, ms);
    res.on('close', done);
  });
}
