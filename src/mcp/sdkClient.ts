// The only module that loads the MCP SDK at run time; the manager imports it on first use, so activating the extension
// (or running the CLI without MCP servers) never evaluates the SDK.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig } from './config';
import { GroupStdioTransport } from './groupStdioTransport';

/**
 * The scheduler owns each call's deadline (per-tool timeouts, the user's stop) through the AbortSignal; the SDK's own
 * 60 s default would cut long tools short, so calls get a ceiling far above any timeout a user would set.
 */
const CALL_CEILING_MS = 24 * 60 * 60 * 1000;
const CLIENT_INFO = { name: 'fanout', version: '0.1.0' };

export interface McpConnection {
  /** The server's process id (stdio only). */
  readonly pid: number | undefined;
  listTools(signal?: AbortSignal): Promise<Tool[]>;
  callTool(name: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** The complete environment of a stdio server. */
  env: Record<string, string>;
  timeoutMs: number;
  /** The connection ended without `close()`: the process exited or the stream broke. */
  onLost(): void;
  onStderr(chunk: string): void;
  onToolsChanged(): void;
}

export async function connect(config: McpServerConfig, options: ConnectOptions): Promise<McpConnection> {
  let closing = false;
  const client = new Client(CLIENT_INFO, {
    capabilities: {},
    listChanged: { tools: { autoRefresh: false, debounceMs: 50, onChanged: () => options.onToolsChanged() } },
  });
  client.onclose = () => {
    if (!closing) options.onLost();
  };
  // Errors also surface through the failing request or onclose; swallowing here keeps the SDK from logging to console.
  client.onerror = () => {};
  let transport: StdioClientTransport | GroupStdioTransport | StreamableHTTPClientTransport;
  if (config.transport === 'stdio' && process.platform !== 'win32') {
    transport = new GroupStdioTransport({ command: config.command, args: config.args, env: options.env, cwd: config.cwd, onStderr: options.onStderr });
  } else if (config.transport === 'stdio') {
    // Windows has no process groups: the SDK's transport (cross-spawn resolves .cmd shims) kills the process itself.
    const stdio = new StdioClientTransport({ command: config.command, args: config.args, env: options.env, cwd: config.cwd, stderr: 'pipe' });
    stdio.stderr?.on('data', (chunk: Buffer) => options.onStderr(chunk.toString('utf8')));
    transport = stdio;
  } else {
    transport = new StreamableHTTPClientTransport(new URL(config.url), { requestInit: { headers: config.headers } });
  }
  try {
    await client.connect(transport, { timeout: options.timeoutMs });
  } catch (e) {
    closing = true;
    await client.close().catch(() => {});
    throw e;
  }
  return {
    pid: transport instanceof StreamableHTTPClientTransport ? undefined : (transport.pid ?? undefined),
    async listTools(signal) {
      const tools: Tool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : {}, { signal, timeout: options.timeoutMs });
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor);
      return tools;
    },
    async callTool(name, args, signal) {
      return (await client.callTool({ name, arguments: args }, undefined, { signal, timeout: CALL_CEILING_MS })) as CallToolResult;
    },
    async close() {
      closing = true;
      await client.close();
    },
  };
}

/** Whether a failed request means the connection is gone (restart the server) rather than that this one call failed. */
export function isConnectionLost(error: unknown): boolean {
  if (error instanceof McpError) return error.code === ErrorCode.ConnectionClosed;
  if (error instanceof StreamableHTTPError) return true;
  // fetch() reports network failures (refused, reset) as TypeError; a send to an exited process as "Not connected".
  return error instanceof TypeError || (error instanceof Error && error.message === 'Not connected');
}
