// MCP in the extension: one McpManager for the workspace, created on the first run (never at activation), with the
// servers of `.vscode/mcp.json` and the `fanout.mcpServers` setting. Rebuilt when either changes; the disabled lists
// (`fanout.mcp.disabledServers` / `disabledTools`) are applied in place. Restricted Mode: the workspace's own servers
// are listed but never started.
import * as vscode from 'vscode';
import type { ChildEnvPolicy } from '../host/childEnv';
import type { Logger } from '../host/logger';
import { McpManager, readMcpJsonFile, serversSetting, workspaceMcpJson, type McpServerState } from '../mcp';
import type { HostMessage, McpServerView } from '../shared/protocol';
import type { ToolDefinition } from '../tools/tool';
import { chooseMcpSources } from './mcpSources';

export type McpStateMessage = Extract<HostMessage, { type: 'mcp-state' }>;

export interface McpHostDeps {
  logger: Logger;
  childEnv: ChildEnvPolicy;
  /** Every change of a server's state, for the chat view. */
  onState(state: McpStateMessage): void;
}

const RESTRICTED_MESSAGE = 'Not started in Restricted Mode: declared by this workspace, which you have not trusted.';

export class McpHost {
  private manager: McpManager | undefined;
  /** Names of workspace-declared servers held back in Restricted Mode. */
  private restricted: string[] = [];
  /** Builds and rebuilds, one after another. */
  private queue: Promise<void> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed: Promise<void> | undefined;

  constructor(private readonly deps: McpHostDeps) {}

  /** The enabled MCP tools for a run; the first call creates the manager and starts watching the configuration. */
  async tools(): Promise<ToolDefinition[]> {
    if (!this.queue) {
      this.watch();
      this.rebuild();
    }
    // A configuration change while the servers connect replaces the manager under this call (its servers stop, so
    // it would answer with none of their tools): ask the new one. Bounded, in case changes keep coming.
    for (let attempt = 0; ; attempt++) {
      const queue = this.queue;
      await queue;
      const manager = this.manager;
      const tools = (await manager?.tools()) ?? [];
      if ((queue === this.queue && manager === this.manager) || attempt === 3) return tools;
    }
  }

  /** What the panel shows; undefined until the first run created the manager. */
  state(): McpStateMessage | undefined {
    if (!this.queue) return undefined;
    const restricted = this.restricted.map((name): McpServerView => ({ name, status: 'stopped', message: RESTRICTED_MESSAGE, enabled: false, restricted: true, tools: [] }));
    return { type: 'mcp-state', servers: [...(this.manager?.states().map(view) ?? []), ...restricted], problems: [...(this.manager?.problems ?? [])] };
  }

  /** Saves the choice in the workspace settings; the configuration change applies it. */
  async toggle(server: string, tool: string | undefined, enabled: boolean): Promise<void> {
    const { key, item } = tool === undefined ? { key: 'mcp.disabledServers', item: server } : { key: 'mcp.disabledTools', item: `${server}/${tool}` };
    const config = vscode.workspace.getConfiguration('fanout');
    const list = stringList(config.get(key)).filter((x) => x !== item);
    if (!enabled) list.push(item);
    // An empty list is written only to override a user-level one; otherwise the workspace entry goes away.
    const keep = list.length > 0 || config.inspect(key)?.globalValue !== undefined;
    await config.update(key, keep ? list : undefined, vscode.ConfigurationTarget.Workspace);
    // The change event follows; applying now as well keeps the panel in step with the click.
    await this.applyDisabled();
  }

  async restart(server: string): Promise<void> {
    await this.queue;
    await this.manager?.restart(server);
  }

  /** Ends every server; safe to call more than once (deactivate, then the subscriptions). */
  dispose(): Promise<void> {
    this.disposed ??= (async () => {
      for (const d of this.disposables.splice(0)) d.dispose();
      await this.queue;
      await this.manager?.dispose();
      this.manager = undefined;
    })();
    return this.disposed;
  }

  private watch(): void {
    const watcher = vscode.workspace.createFileSystemWatcher('**/.vscode/mcp.json');
    const onFile = (uri: vscode.Uri) => {
      const folder = vscode.workspace.workspaceFolders?.[0];
      if (folder && uri.fsPath === workspaceMcpJson(folder.uri.fsPath)) this.rebuild();
    };
    this.disposables.push(
      watcher,
      watcher.onDidCreate(onFile),
      watcher.onDidChange(onFile),
      watcher.onDidDelete(onFile),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('fanout.mcpServers')) this.rebuild();
        else if (e.affectsConfiguration('fanout.mcp')) void this.applyDisabled();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.rebuild()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.rebuild()),
    );
  }

  /** Configuration changes apply in order, and a run's tools() waits for the ones that came before it. */
  private enqueue(step: () => Promise<void>): Promise<void> {
    this.queue = (this.queue ?? Promise.resolve()).then(step).catch((e: unknown) => this.deps.logger.error(`MCP: ${(e as Error).stack ?? String(e)}`));
    return this.queue;
  }

  /**
   * Replaces the manager and shows the new list. The old servers stop before any run uses the new manager (whose
   * servers start on the next run): runs wait for the queue.
   */
  private rebuild(): void {
    void this.enqueue(async () => {
      if (this.disposed) return;
      const old = this.manager;
      this.manager = await this.create().catch((e: unknown) => {
        this.deps.logger.error(`MCP: could not read the server configuration: ${(e as Error).message}`);
        return undefined;
      });
      this.manager?.onDidChange(() => this.post());
      this.post();
      await old?.dispose();
    });
  }

  private async create(): Promise<McpManager | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return undefined;
    const root = folder.uri.fsPath;
    const config = vscode.workspace.getConfiguration('fanout');
    const { sources, restricted } = chooseMcpSources({
      trusted: vscode.workspace.isTrusted,
      file: await readMcpJsonFile(workspaceMcpJson(root)),
      // VS Code already leaves out the workspace's value of this restricted setting in Restricted Mode (package.json).
      setting: serversSetting(config.get('mcpServers'), 'fanout.mcpServers'),
      workspaceSettingNames: Object.keys(objectOrEmpty(config.inspect('mcpServers')?.workspaceValue)),
    });
    this.restricted = restricted;
    const manager = new McpManager({
      sources,
      workspaceFolder: root,
      disabledServers: stringList(config.get('mcp.disabledServers')),
      disabledTools: stringList(config.get('mcp.disabledTools')),
      logger: this.deps.logger,
      childEnv: this.deps.childEnv,
    });
    const names = manager.states().map((s) => s.name);
    this.deps.logger.info(`MCP servers: ${names.length ? names.join(', ') : 'none'}${this.restricted.length ? ` (held back in Restricted Mode: ${this.restricted.join(', ')})` : ''}`);
    return manager;
  }

  private applyDisabled(): Promise<void> {
    return this.enqueue(async () => {
      const config = vscode.workspace.getConfiguration('fanout');
      await this.manager?.setDisabled({ servers: stringList(config.get('mcp.disabledServers')), tools: stringList(config.get('mcp.disabledTools')) });
    });
  }

  private post(): void {
    const state = this.state();
    if (state) this.deps.onState(state);
  }
}

/** Cut to the protocol's limits: a server's long message or tool description must not cost the whole update. */
function view(s: McpServerState): McpServerView {
  return {
    name: s.name.slice(0, 200),
    status: s.status,
    message: clip(s.message, 2000),
    enabled: s.enabled,
    tools: s.tools.map((t) => ({ name: t.name.slice(0, 500), fanoutName: t.fanoutName, description: t.description ? clip(t.description, 1000) : undefined, access: t.access, enabled: t.enabled })),
  };
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A string-array setting; anything else in it is ignored. */
function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function objectOrEmpty(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
