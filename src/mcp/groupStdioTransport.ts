// A stdio transport for MCP servers that owns the server's whole process tree. The SDK's StdioClientTransport kills
// only the process it started (a server launched through `npx`, `uvx` or a shell script leaves the real server
// running) and does not wait for the kill. Here the server leads its own process group, and close() ends the group
// (stdin closed, TERM, then KILL, awaited), so no server outlives the host that started it.
import { spawn, type ChildProcess } from 'node:child_process';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { stopGroup } from '../node/processGroup';

/** A server that exits by itself once its stdin closes is given this long before TERM. */
const EXIT_ON_EOF_MS = 500;

export interface GroupStdioOptions {
  command: string;
  args: readonly string[];
  env: Record<string, string>;
  cwd?: string;
  onStderr(chunk: string): void;
}

export class GroupStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly buffer = new ReadBuffer();

  constructor(private readonly options: GroupStdioOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): Promise<void> {
    const { command, args, env, cwd, onStderr } = this.options;
    return new Promise((resolve, reject) => {
      const child = spawn(command, [...args], { env, cwd, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
      this.child = child;
      this.exited = new Promise((r) => child.once('close', () => r()));
      child.once('error', (e) => {
        reject(e);
        this.onerror?.(e);
      });
      child.once('spawn', () => resolve());
      child.once('close', () => {
        this.child = undefined;
        this.onclose?.();
      });
      child.stdin!.on('error', (e) => this.onerror?.(e));
      child.stderr!.on('data', (d: Buffer) => onStderr(d.toString('utf8')));
      child.stdout!.on('data', (chunk: Buffer) => {
        this.buffer.append(chunk);
        for (;;) {
          let message: JSONRPCMessage | null;
          try {
            message = this.buffer.readMessage();
          } catch (e) {
            this.onerror?.(e as Error);
            continue;
          }
          if (!message) break;
          this.onmessage?.(message);
        }
      });
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin) return Promise.reject(new Error('Not connected'));
    return new Promise((resolve) => (stdin.write(serializeMessage(message)) ? resolve() : stdin.once('drain', () => resolve())));
  }

  async close(): Promise<void> {
    const child = this.child;
    if (child?.pid) {
      child.stdin?.end();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.exited, new Promise((r) => (timer = setTimeout(r, EXIT_ON_EOF_MS)))]);
      clearTimeout(timer);
      // Even when the server itself exited, what it started may still run in its group.
      await stopGroup(child.pid);
    }
    this.buffer.clear();
  }
}
