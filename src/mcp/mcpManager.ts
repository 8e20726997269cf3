// Owns the configured MCP servers and offers their tools as Fanout tools, to the same scheduler as the built-in ones.
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ChildEnvPolicy } from '../host/childEnv';
import { silentLogger, type Logger } from '../host/logger';
import type { AccessClass, ToolDefinition } from '../tools/tool';
import { ToolError } from '../tools/toolError';
import { resolveServers, type McpConfigSource, type McpServerConfig } from './config';
import { mcpAccess, mcpToolDefinition } from './mcpTool';
import { defaultRestartPolicy, ServerHandle, type McpServerStatus, type RestartPolicy } from './serverHandle';
import { namespaceToolNames } from './toolNames';

export interface McpManagerOptions {
  /** Where servers are declared, lowest precedence first (e.g. .vscode/mcp.json, then the fanout.mcpServers setting). */
  sources: readonly McpConfigSource[];
  /** `${workspaceFolder}`, relative paths and the default cwd of stdio servers. */
  workspaceFolder: string;
  /** The environment for `${env:NAME}` and for stdio servers to inherit (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Which inherited variables stdio servers get (provider keys withheld; see host/childEnv). */
  childEnv?: ChildEnvPolicy;
  disabledServers?: readonly string[];
  /** "server/tool", with the server's own tool name. */
  disabledTools?: readonly string[];
  logger?: Logger;
  /** Limit for a server's start: spawn or connect, handshake and first tool listing. */
  startTimeoutMs?: number;
  restart?: Partial<RestartPolicy>;
}

export interface McpToolState {
  /** The server's name for it. */
  name: string;
  /** The name the model sees. */
  fanoutName: string;
  description: string;
  access: AccessClass;
  enabled: boolean;
}

export interface McpServerState {
  name: string;
  origin: string;
  transport?: McpServerConfig['transport'];
  enabled: boolean;
  status: McpServerStatus;
  message: string;
  /** Empty until the server has been listed once. */
  tools: McpToolState[];
}

interface Slot {
  name: string;
  origin: string;
  handle?: ServerHandle;
  /** Set for a server whose configuration is unusable. */
  error?: string;
}

export class McpManager {
  private readonly slots: Slot[];
  private readonly disabledServers: Set<string>;
  private readonly disabledTools: Set<string>;
  private readonly listeners = new Set<(states: McpServerState[]) => void>();
  /** Fanout name by "server\0tool", over every listed tool (enabled or not), so toggling one never renames another. */
  private names = new Map<string, string>();
  private readonly definitions = new Map<string, { tool: Tool; definition: ToolDefinition }>();
  private disposed = false;
  /** Sources that could not be read at all (bad JSON, wrong shape). Problems with one server are in its state. */
  readonly problems: readonly string[];

  constructor(options: McpManagerOptions) {
    const logger = options.logger ?? silentLogger;
    const env = options.env ?? process.env;
    this.disabledServers = new Set(options.disabledServers);
    this.disabledTools = new Set(options.disabledTools);
    const restart = { ...defaultRestartPolicy, ...options.restart };
    this.slots = resolveServers(options.sources, { workspaceFolder: options.workspaceFolder, env }).map((entry) => {
      if (!entry.ok) {
        logger.warn(`MCP server "${entry.name}" (${entry.origin}): ${entry.error}`);
        return { name: entry.name, origin: entry.origin, error: entry.error };
      }
      const { config } = entry;
      const handle = new ServerHandle({ config, env, childEnv: options.childEnv, startTimeoutMs: options.startTimeoutMs ?? 20_000, restart, logger, onChange: () => this.changed() });
      return { name: config.name, origin: config.origin, handle };
    });
    this.problems = options.sources.flatMap((s) => (s.problem ? [s.problem] : []));
    for (const p of this.problems) logger.warn(p);
  }

  /**
   * The enabled tools of the enabled servers. Starts servers that have not been listed yet (in parallel, each within
   * the start timeout); a server that cannot start is left out and its state says why.
   */
  async tools(): Promise<ToolDefinition[]> {
    if (this.disposed) return [];
    await Promise.all(this.enabledHandles().map((h) => (h.tools || h.backingOff ? undefined : h.connect().catch(() => undefined))));
    const out: ToolDefinition[] = [];
    for (const handle of this.enabledHandles()) {
      for (const tool of handle.tools ?? []) {
        if (!this.disabledTools.has(`${handle.name}/${tool.name}`)) out.push(this.definition(handle, tool));
      }
    }
    return out;
  }

  states(): McpServerState[] {
    return this.slots.map((slot) => {
      const enabled = !this.disabledServers.has(slot.name);
      if (!slot.handle) return { name: slot.name, origin: slot.origin, enabled, status: 'error', message: slot.error ?? '', tools: [] };
      const h = slot.handle;
      const tools = (h.tools ?? []).map((t) => ({
        name: t.name,
        fanoutName: this.names.get(key(h.name, t.name)) ?? '',
        description: t.description ?? '',
        access: mcpAccess(t),
        enabled: !this.disabledTools.has(`${h.name}/${t.name}`),
      }));
      return { name: slot.name, origin: slot.origin, transport: h.transport, enabled, status: h.status, message: h.message, tools };
    });
  }

  /** Called with every server's state whenever one changes; the returned object unsubscribes. */
  onDidChange(listener: (states: McpServerState[]) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /** Replaces the disabled lists: newly disabled servers are stopped; enabled ones start on their next use. */
  async setDisabled(disabled: { servers?: readonly string[]; tools?: readonly string[] }): Promise<void> {
    if (disabled.tools) this.replace(this.disabledTools, disabled.tools);
    if (disabled.servers) {
      const before = new Set(this.disabledServers);
      this.replace(this.disabledServers, disabled.servers);
      await Promise.all(this.slots.map(async ({ name, handle }) => {
        if (!handle) return;
        if (!before.has(name) && this.disabledServers.has(name)) await handle.stop('stopped', 'Disabled.');
        else if (before.has(name) && !this.disabledServers.has(name)) await handle.stop('stopped', 'Not started yet: starts on first use.');
      }));
    }
    this.changed();
  }

  /** Stops and starts a server again, forgetting its past crashes (the way out of a given-up state). */
  async restart(name: string): Promise<void> {
    const handle = this.slots.find((s) => s.name === name)?.handle;
    if (!handle || this.disposed || this.disabledServers.has(name)) return;
    handle.resetFailures();
    await handle.stop('stopped', 'Restarting…');
    await handle.connect().catch(() => undefined);
  }

  /** Closes every connection and ends every server process. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.all(this.slots.map((s) => s.handle?.stop('stopped', 'Shut down.')));
    this.listeners.clear();
  }

  private definition(handle: ServerHandle, tool: Tool): ToolDefinition {
    const name = this.names.get(key(handle.name, tool.name))!;
    const cached = this.definitions.get(name);
    if (cached?.tool === tool) return cached.definition;
    const definition = mcpToolDefinition(name, handle, tool, (args, signal) => {
      if (this.disposed) throw new ToolError('unavailable', 'MCP servers were shut down.');
      if (this.disabledServers.has(handle.name)) throw new ToolError('unavailable', `The MCP server "${handle.name}" is disabled.`);
      if (this.disabledTools.has(`${handle.name}/${tool.name}`)) throw new ToolError('unavailable', `The MCP tool ${tool.name} of "${handle.name}" is disabled.`);
      return handle.call(tool.name, args, signal);
    });
    this.definitions.set(name, { tool, definition });
    return definition;
  }

  private changed(): void {
    const pairs = this.slots.flatMap(({ handle }) => (handle?.tools ?? []).map((t) => ({ server: handle!.name, tool: t.name })));
    const names = namespaceToolNames(pairs);
    this.names = new Map(pairs.map((p, i) => [key(p.server, p.tool), names[i]]));
    if (!this.listeners.size) return;
    const states = this.states();
    for (const listener of this.listeners) listener(states);
  }

  private enabledHandles(): ServerHandle[] {
    return this.slots.flatMap(({ name, handle }) => (handle && !this.disabledServers.has(name) ? [handle] : []));
  }

  private replace(set: Set<string>, values: readonly string[]): void {
    set.clear();
    for (const v of values) set.add(v);
  }
}

function key(server: string, tool: string): string {
  return `${server}\0${tool}`;
}
