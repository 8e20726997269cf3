// A real MCP server over stdio, for tests: `node --import tsx test/fakes/mcp/stdioServer.ts`.
// FAKE_MCP_EXIT_AT_START=1 makes it die before the handshake (a server that cannot start); FAKE_MCP_ENV_TOOL=1 adds
// the `environment` tool.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createFakeServer } from './fakeTools';

if (process.env.FAKE_MCP_EXIT_AT_START) {
  process.stderr.write('fake server: refusing to start\n');
  process.exit(1);
}
const server = createFakeServer({ name: process.env.FAKE_MCP_NAME ?? 'fake-stdio', crash: true, environment: !!process.env.FAKE_MCP_ENV_TOOL });
server.connect(new StdioServerTransport()).catch((e: unknown) => {
  process.stderr.write(`fake server: ${String(e)}\n`);
  process.exit(1);
});
