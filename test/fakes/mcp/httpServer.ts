// A real MCP server over Streamable HTTP (the SDK's StreamableHTTPServerTransport on a node http server, 127.0.0.1).
// One McpServer per session, as the SDK's own examples do; requests and their headers are recorded.
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createFakeServer } from './fakeTools';

export class FakeMcpHttpServer {
  readonly requests: { method: string; headers: http.IncomingHttpHeaders }[] = [];
  private readonly transports = new Map<string, StreamableHTTPServerTransport>();
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  private gate: { open: Promise<void>; reached: () => void } | undefined;

  /**
   * Holds every new session's first request (the handshake) until `release()`: a server slow to answer it. Requests
   * of existing sessions (a client closing its session, say) still go through. `reached` resolves once one waits.
   */
  hold(): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const open = new Promise<void>((r) => (release = r));
    const first = new Promise<void>((r) => (reached = r));
    this.gate = { open, reached };
    return { reached: first, release: () => ((this.gate = undefined), release()) };
  }
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/mcp`;
    return this;
  }

  async close(): Promise<void> {
    await Promise.all([...this.transports.values()].map((t) => t.close()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Forgets every session, as a restarted server would: the next request with an old session id gets 404. */
  async expireSessions(): Promise<void> {
    const transports = [...this.transports.values()];
    this.transports.clear();
    await Promise.all(transports.map((t) => t.close()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.requests.push({ method: req.method ?? '', headers: req.headers });
    if (this.gate && req.headers['mcp-session-id'] === undefined) {
      this.gate.reached();
      await this.gate.open;
    }
    try {
      const sessionId = req.headers['mcp-session-id'];
      let transport = typeof sessionId === 'string' ? this.transports.get(sessionId) : undefined;
      if (!transport) {
        if (sessionId) {
          res.writeHead(404).end();
          return;
        }
        const created = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id) => void this.transports.set(id, created),
        });
        created.onclose = () => created.sessionId && this.transports.delete(created.sessionId);
        await createFakeServer({ name: 'fake-http' }).connect(created);
        transport = created;
      }
      await transport.handleRequest(req, res);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(e));
    }
  }
}
