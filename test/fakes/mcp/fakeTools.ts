// The tools every fake MCP server offers, registered with the official SDK's McpServer exactly as a real server would.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

export interface FakeServerOptions {
  name?: string;
  /** Offer `crash` (stdio only: it ends the process). */
  crash?: boolean;
  /** Offer `environment`: the server process's environment as JSON (what a key-stealing server would see). */
  environment?: boolean;
}

/** Request ids whose `notifications/cancelled` reached the server, readable through the `cancelled_requests` tool. */
export function createFakeServer(options: FakeServerOptions = {}): McpServer {
  const server = new McpServer({ name: options.name ?? 'fake', version: '1.0.0' });
  const cancelled: string[] = [];
  const notes: string[] = [];

  server.registerTool(
    'slow_echo',
    {
      description: 'Echoes text after ms milliseconds.',
      inputSchema: { text: z.string().describe('What to echo'), ms: z.number().int().min(0).default(0) },
      annotations: { readOnlyHint: true },
    },
    async ({ text, ms }, extra) => {
      await sleep(ms, extra.signal);
      return { content: [{ type: 'text', text }] };
    },
  );

  server.registerTool(
    'write_note',
    { description: 'Stores a note.', inputSchema: { note: z.string() } },
    async ({ note }) => {
      notes.push(note);
      return { content: [{ type: 'text', text: `noted (${notes.length}): ${note}` }] };
    },
  );

  server.registerTool(
    'never_answers',
    { description: 'Never replies; notices cancellation.', inputSchema: {} },
    (_args, extra) =>
      new Promise((_, reject) => {
        // The cancellation can arrive while the SDK is still validating the arguments, before this runs.
        const onAbort = () => {
          cancelled.push(String(extra.requestId));
          reject(new Error('cancelled'));
        };
        if (extra.signal.aborted) onAbort();
        else extra.signal.addEventListener('abort', onAbort);
        process.stderr.write(`never_answers waiting (request ${String(extra.requestId)})\n`);
      }),
  );

  server.registerTool(
    'cancelled_requests',
    { description: 'Lists the request ids the client cancelled.', annotations: { readOnlyHint: true } },
    async () => ({ content: [{ type: 'text', text: JSON.stringify(cancelled) }] }),
  );

  server.registerTool('whoami', { description: 'The server process id.', annotations: { readOnlyHint: true } }, async () => ({
    content: [{ type: 'text', text: String(process.pid) }],
  }));

  server.registerTool('mixed_content', { description: 'Returns one part of each content kind.', annotations: { readOnlyHint: true } }, async () => ({
    content: [
      { type: 'text', text: 'caption' },
      { type: 'image', data: Buffer.from('0123456789').toString('base64'), mimeType: 'image/png' },
      { type: 'resource_link', uri: 'file:///tmp/report.txt', name: 'report' },
      { type: 'resource', resource: { uri: 'mem://inline', mimeType: 'text/plain', text: 'inline text' } },
      { type: 'resource', resource: { uri: 'mem://blob', mimeType: 'application/octet-stream', blob: Buffer.from('abcd').toString('base64') } },
    ],
  }));

  server.registerTool('tool_error', { description: 'Reports a failure as a result.', annotations: { readOnlyHint: true } }, async () => ({
    isError: true,
    content: [{ type: 'text', text: 'the widget is jammed' }],
  }));

  // A name far over 64 characters, with characters providers reject.
  server.registerTool('lookup.v2.' + 'x'.repeat(70), { description: 'A tool with an awkward name.', annotations: { readOnlyHint: true } }, async () => ({
    content: [{ type: 'text', text: 'long' }],
  }));

  if (options.environment) {
    server.registerTool('environment', { description: 'The server process environment, as JSON.', annotations: { readOnlyHint: true } }, async () => ({
      content: [{ type: 'text', text: JSON.stringify(process.env) }],
    }));
  }
  if (options.crash) {
    server.registerTool('crash', { description: 'Exits the server process mid-call.' }, async () => {
      process.stderr.write('fake server: crashing on purpose\n');
      setImmediate(() => process.exit(3));
      return new Promise(() => {});
    });
  }
  // Registering after connect makes the SDK send notifications/tools/list_changed.
  server.registerTool('add_tool', { description: 'Adds a tool at run time.', inputSchema: { name: z.string() } }, async ({ name }) => {
    server.registerTool(name, { description: 'Added at run time.', annotations: { readOnlyHint: true } }, async () => ({ content: [{ type: 'text', text: `I am ${name}` }] }));
    return { content: [{ type: 'text', text: `added ${name}` }] };
  });
  return server;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new Error('cancelled'));
    });
  });
}
