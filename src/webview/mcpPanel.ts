// The MCP servers the agent may use: each server's state (a status dot), its tools with a checkbox each, and a restart
// button. Toggles are saved by the extension (fanout.mcp.* workspace settings), which then sends the new state.
import type { HostMessage, McpServerView, WebviewMessage } from '../shared/protocol';
import { button, h, icon } from './dom';

type McpState = Extract<HostMessage, { type: 'mcp-state' }>;

const STATUS_LABEL: Record<McpServerView['status'], string> = { starting: 'Starting', running: 'Running', stopped: 'Stopped', error: 'Error' };

export class McpPanel {
  readonly el = h('section', { class: 'mcp-panel', 'aria-label': 'MCP servers', hidden: true });
  private readonly body = h('div', { class: 'mcp-body', id: 'fanout-mcp-body', hidden: true });
  private readonly count = h('span', { class: 'badge count-badge' });
  private readonly toggle: HTMLButtonElement;
  /** Servers whose tool list is open; kept across updates. */
  private readonly expanded = new Set<string>();

  constructor(private readonly post: (message: WebviewMessage) => void) {
    this.toggle = h('button', { type: 'button', class: 'panel-toggle', 'aria-expanded': 'false', 'aria-controls': this.body.id }, icon('chevron-down'), h('span', {}, 'MCP servers'), this.count);
    this.toggle.addEventListener('click', () => {
      const open = this.toggle.getAttribute('aria-expanded') !== 'true';
      this.toggle.setAttribute('aria-expanded', String(open));
      this.body.hidden = !open;
    });
    this.el.append(h('div', { class: 'panel-header' }, this.toggle), this.body);
  }

  set(state: McpState): void {
    // Each update redraws the list: the control that had focus gets it back.
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.focusKey;
    this.el.hidden = state.servers.length === 0 && state.problems.length === 0;
    const running = state.servers.filter((s) => s.status === 'running').length;
    const failing = state.servers.filter((s) => s.status === 'error').length;
    this.count.replaceChildren(...(failing ? [icon('error')] : []), `${running}/${state.servers.length}`);
    this.count.classList.toggle('has-error', failing > 0);
    this.count.title = `${running} of ${state.servers.length} running${failing ? `, ${failing} failed` : ''}`;
    this.body.replaceChildren(
      ...state.problems.map((p) => h('p', { class: 'mcp-problem', role: 'alert' }, icon('warning'), h('span', {}, p))),
      h('ul', { class: 'mcp-servers' }, ...state.servers.map((s, i) => this.server(s, i))),
    );
    if (focused) this.body.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(focused)}"]`)?.focus();
  }

  private server(s: McpServerView, index: number): HTMLElement {
    const toolsId = `fanout-mcp-tools-${index}`;
    const open = this.expanded.has(s.name);
    const usable = s.enabled && !s.restricted;
    const expand = h(
      'button',
      { type: 'button', class: 'mcp-expand', 'aria-expanded': String(open), 'aria-controls': toolsId, 'aria-label': `Tools of ${s.name}`, title: `Tools of ${s.name}`, 'data-focus-key': `expand:${s.name}`, disabled: s.tools.length === 0 },
      icon('chevron-down'),
    );
    const tools = h('ul', { class: 'mcp-tools', id: toolsId, hidden: !open }, ...s.tools.map((t) => this.tool(s, t, usable)));
    expand.addEventListener('click', () => {
      const now = !this.expanded.delete(s.name);
      if (now) this.expanded.add(s.name);
      expand.setAttribute('aria-expanded', String(now));
      tools.hidden = !now;
    });
    const enabledTools = s.tools.filter((t) => t.enabled).length;
    const row = h(
      'div',
      { class: 'mcp-server-row' },
      expand,
      h('span', { class: 'status-dot', role: 'img', 'aria-label': STATUS_LABEL[s.status], title: STATUS_LABEL[s.status] }),
      this.checkbox(`Use the MCP server ${s.name}`, s.enabled, !!s.restricted, `server:${s.name}`, (enabled) => this.post({ type: 'mcp-toggle', server: s.name, enabled }), h('span', { class: 'mcp-name' }, s.name)),
      h('span', { class: 'mcp-summary' }, s.tools.length ? `${enabledTools}/${s.tools.length} tools` : ''),
      restart(s, () => this.post({ type: 'mcp-restart', server: s.name })),
    );
    // A running server's message only repeats its status; anything else (why it stopped or failed) is shown.
    const message = s.status !== 'running' && s.message ? h('p', { class: 'mcp-message' }, s.message) : null;
    return h('li', { class: 'mcp-server', 'data-server': s.name, 'data-status': s.status, 'data-enabled': String(s.enabled) }, row, message, tools);
  }

  private tool(s: McpServerView, t: McpServerView['tools'][number], usable: boolean): HTMLElement {
    const box = this.checkbox(`Offer the tool ${t.name} of ${s.name}`, t.enabled, !usable, `tool:${s.name}/${t.name}`, (enabled) => this.post({ type: 'mcp-toggle', server: s.name, tool: t.name, enabled }), h('span', { class: 'mcp-tool-name' }, t.name));
    box.title = [t.description, `The model calls it ${t.fanoutName}.`].filter(Boolean).join('\n\n');
    return h('li', { class: 'mcp-tool', 'data-tool': t.name }, box, h('span', { class: `access-badge access-${t.access}`, title: t.access === 'read' ? 'Declares itself read-only: runs like a read' : 'May change things: follows the approval setting for edits' }, t.access));
  }

  private checkbox(label: string, checked: boolean, disabled: boolean, focusKey: string, onChange: (checked: boolean) => void, text: HTMLElement): HTMLLabelElement {
    const input = h('input', { type: 'checkbox', 'aria-label': label, 'data-focus-key': focusKey, disabled });
    input.checked = checked;
    input.addEventListener('change', () => onChange(input.checked));
    return h('label', { class: 'mcp-check' }, input, text);
  }
}

function restart(s: McpServerView, onClick: () => void): HTMLButtonElement {
  const b = button({ icon: 'debug-restart', label: `Restart ${s.name}`, className: 'mcp-restart' }, onClick);
  b.dataset.focusKey = `restart:${s.name}`;
  b.disabled = !s.enabled || !!s.restricted;
  return b;
}
