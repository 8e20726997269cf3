// One configured MCP server: started on first use, restarted after a crash (with backoff), given up on after too many.
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ChildEnvPolicy } from '../host/childEnv';
import type { Logger } from '../host/logger';
import { ToolError } from '../tools/toolError';
import type { McpServerConfig } from './config';
import type { McpConnection } from './sdkClient';
import { stdioEnv } from './serverEnv';

export type McpServerStatus = 'starting' | 'running' | 'stopped' | 'error';

export interface RestartPolicy {
  /** Failures (crashes or failed starts) within `windowMs` after which the server is not restarted again. */
  maxCrashes: number;
  windowMs: number;
  /** Wait before the first restart; doubles with each further failure in the window, up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
}

export const defaultRestartPolicy: RestartPolicy = { maxCrashes: 3, windowMs: 5 * 60_000, backoffMs: 1_000, maxBackoffMs: 30_000 };

export interface ServerHandleOptions {
  config: McpServerConfig;
  env: Readonly<Record<string, string | undefined>>;
  childEnv?: ChildEnvPolicy;
  startTimeoutMs: number;
  restart: RestartPolicy;
  logger: Logger;
  onChange(): void;
}

const STDERR_TAIL_CHARS = 400;
let sdk: Promise<typeof import('./sdkClient')> | undefined;
const loadSdk = () => (sdk ??= import('./sdkClient'));

export class ServerHandle {
  status: McpServerStatus = 'stopped';
  message = 'Not started yet: starts on first use.';
  /** The tools of the last listing; undefined until the server has been listed once. */
  tools: Tool[] | undefined;
  private connection: McpConnection | undefined;
  private starting: Promise<McpConnection> | undefined;
  /** Bumped whenever a connection is dropped, so late events from an old connection are ignored. */
  private generation = 0;
  private failures: number[] = [];
  private gaveUp = false;
  private notBefore = 0;
  private stderrTail = '';
  /** Ends a restart backoff early when the server is stopped, so dispose() never waits it out. */
  private wake: (() => void) | undefined;

  constructor(private readonly options: ServerHandleOptions) {}

  get name(): string {
    return this.options.config.name;
  }

  /** Calls this server's tools may have running at once (the entry's `maxConcurrent`). */
  get maxConcurrent(): number {
    return this.options.config.maxConcurrent;
  }

  get transport(): McpServerConfig['transport'] {
    return this.options.config.transport;
  }

  /** Connects (once; concurrent callers share the start). Throws a ToolError('unavailable') when it cannot. */
  connect(signal?: AbortSignal): Promise<McpConnection> {
    if (this.connection) return Promise.resolve(this.connection);
    if (this.gaveUp) return Promise.reject(new ToolError('unavailable', `MCP server "${this.name}": ${this.message}`));
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return signal ? raceAbort(this.starting, signal) : this.starting;
  }

  /** Whether a start now would wait for a restart backoff. */
  get backingOff(): boolean {
    return !this.connection && this.notBefore > Date.now();
  }

  async call(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult> {
    const connection = await this.connect(signal);
    const generation = this.generation;
    try {
      return await connection.callTool(tool, args, signal);
    } catch (e) {
      if (signal.aborted) throw signal.reason ?? e;
      if (!(await loadSdk()).isConnectionLost(e)) throw e;
      const reason = `stopped while running ${tool}${this.stderrTail ? ` (its last output: ${this.stderrTail.trim()})` : ''}`;
      this.failed(generation, reason);
      throw new ToolError('failed', `The MCP server "${this.name}" ${reason}. ${this.gaveUp ? 'It will not be restarted.' : 'It is restarted on the next call.'}`);
    }
  }

  /** Closes the connection (disable, restart, dispose); a start under way is abandoned. */
  async stop(status: McpServerStatus, message: string): Promise<void> {
    this.generation++;
    const connection = this.connection;
    const pending = this.starting;
    this.connection = undefined;
    this.wake?.();
    this.set(status, message);
    await connection?.close().catch(() => {});
    await pending?.catch(() => {});
  }

  /** Forgets past failures, so a server that was given up on may start again. */
  resetFailures(): void {
    this.failures = [];
    this.gaveUp = false;
    this.notBefore = 0;
  }

  private async start(): Promise<McpConnection> {
    const generation = this.generation;
    const wait = this.notBefore - Date.now();
    if (wait > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.wake = () => (clearTimeout(timer), resolve());
      });
      this.wake = undefined;
      if (generation !== this.generation) throw new ToolError('unavailable', `MCP server "${this.name}": ${this.message}`);
    }
    const { config, startTimeoutMs } = this.options;
    this.stderrTail = '';
    this.set('starting', `Starting ${config.transport === 'stdio' ? config.command : config.url}…`);
    let connection: McpConnection | undefined;
    try {
      const env = config.transport === 'stdio' ? await stdioEnv(config, this.options.env, this.options.childEnv) : {};
      connection = await (await loadSdk()).connect(config, {
        env,
        timeoutMs: startTimeoutMs,
        onLost: () => this.failed(generation, `exited unexpectedly${this.stderrTail ? ` (its last output: ${this.stderrTail.trim()})` : ''}`),
        onStderr: (text) => this.stderr(text),
        onToolsChanged: () => void this.relist(generation),
      });
      if (generation !== this.generation) throw new ToolError('unavailable', `MCP server "${this.name}": ${this.message}`);
      this.connection = connection;
      const tools = await connection.listTools(AbortSignal.timeout(startTimeoutMs));
      if (generation !== this.generation) throw new ToolError('unavailable', `MCP server "${this.name}": ${this.message}`);
      this.listed(tools, connection);
      return connection;
    } catch (e) {
      if (generation === this.generation) this.failed(generation, `could not start: ${errorText(e)}${this.stderrTail ? ` (its output: ${this.stderrTail.trim()})` : ''}`);
      else await connection?.close().catch(() => {});
      throw ToolError.is(e) ? e : new ToolError('unavailable', `MCP server "${this.name}" ${this.message}`);
    }
  }

  /** The connection of `generation` is gone: count it, and decide whether and when the next use may restart. */
  private failed(generation: number, reason: string): void {
    if (generation !== this.generation) return;
    this.generation++;
    const connection = this.connection;
    this.connection = undefined;
    void connection?.close().catch(() => {});
    const { maxCrashes, windowMs, backoffMs, maxBackoffMs } = this.options.restart;
    const now = Date.now();
    this.failures = [...this.failures.filter((t) => now - t < windowMs), now];
    this.options.logger.warn(`MCP server "${this.name}" ${reason}`);
    if (this.failures.length >= maxCrashes) {
      this.gaveUp = true;
      this.set('error', `${reason}. Gave up after ${this.failures.length} failures within ${Math.round(windowMs / 1000)} s: fix the server, then restart it.`);
      return;
    }
    const delay = Math.min(backoffMs * 2 ** (this.failures.length - 1), maxBackoffMs);
    this.notBefore = now + delay;
    this.set(this.status === 'starting' ? 'error' : 'stopped', `${reason}. Restarts on next use.`);
  }

  private async relist(generation: number): Promise<void> {
    const connection = this.connection;
    if (!connection || generation !== this.generation) return;
    try {
      const tools = await connection.listTools(AbortSignal.timeout(this.options.startTimeoutMs));
      if (generation === this.generation) this.listed(tools, connection);
    } catch (e) {
      this.options.logger.warn(`MCP server "${this.name}": could not refresh its tool list: ${errorText(e)}`);
    }
  }

  private listed(tools: Tool[], connection: McpConnection): void {
    this.tools = tools;
    this.set('running', `${tools.length} tool${tools.length === 1 ? '' : 's'}${connection.pid ? `, pid ${connection.pid}` : ''}.`);
  }

  private stderr(text: string): void {
    for (const line of text.split('\n')) if (line.trim()) this.options.logger.debug(`[mcp ${this.name}] ${line}`);
    this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_CHARS);
  }

  private set(status: McpServerStatus, message: string): void {
    this.status = status;
    this.message = message;
    this.options.onChange();
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
