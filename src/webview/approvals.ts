// One card per approval request: every call of a batch that needs the user's yes. Allow or Deny is one click per
// call (the answer goes as soon as every call has one); "Allow all" / "Deny all" decide the rest at once; a reason
// for a denial and "Always allow <class> in this workspace" are secondary actions. The card says why it asks and
// shows what the call would do: an edit as a diff, a command as its command line, a fetch as its URL.
import type { ApprovalCall, WebviewMessage } from '../shared/protocol';
import { button, h, icon } from './dom';
import { diffBlock } from './render/diffView';
import { prettyArguments, toolIcon } from './render/toolCards';

export class Approvals {
  readonly el = h('div', { class: 'approvals', 'aria-live': 'polite' });
  private readonly cards = new Map<string, HTMLElement>();

  constructor(
    private readonly post: (message: WebviewMessage) => void,
    /** Where focus goes when a card it was in goes away. */
    private readonly returnFocus: () => void,
    private readonly onChange: () => void = () => {},
  ) {}

  get count(): number {
    return this.cards.size;
  }

  request(requestId: string, calls: readonly ApprovalCall[]): void {
    this.close(requestId);
    const card = new ApprovalCard(requestId, calls, (m) => this.post(m), this.returnFocus).el;
    this.cards.set(requestId, card);
    this.el.appendChild(card);
    this.onChange();
  }

  close(requestId: string): void {
    const card = this.cards.get(requestId);
    if (!card) return;
    const hadFocus = card.contains(document.activeElement);
    card.remove();
    this.cards.delete(requestId);
    if (hadFocus) this.returnFocus();
    this.onChange();
  }
}

/** Words for `fanout.approval.<setting>` in "Always allow …". */
const CLASS_WORDS: Record<string, string> = { read: 'reads', edit: 'edits', runTests: 'test runs', command: 'commands', network: 'network requests' };
const classWords = (setting: string) => CLASS_WORDS[setting] ?? `${setting} calls`;

type Decision = { allowed: boolean; reason?: string };

class ApprovalCard {
  readonly el: HTMLElement;
  private readonly decisions = new Map<string, Decision>();
  private readonly status = h('div', { class: 'approval-status', role: 'status' });
  private sent = false;

  constructor(
    private readonly requestId: string,
    private readonly calls: readonly ApprovalCall[],
    private readonly post: (message: WebviewMessage) => void,
    private readonly returnFocus: () => void,
  ) {
    const titleId = `approval-${requestId}`;
    const body = h('ul', { class: 'approval-calls' }, ...calls.map((c) => this.callRow(c)));
    const collapse = button({ icon: 'chevron-up', label: 'Hide details', className: 'approval-collapse' }, () => {
      const collapsed = this.el.classList.toggle('is-collapsed');
      collapse.setAttribute('aria-expanded', String(!collapsed));
      collapse.title = collapsed ? 'Show details' : 'Hide details';
      collapse.setAttribute('aria-label', collapse.title);
    });
    collapse.setAttribute('aria-expanded', 'true');
    const many = calls.length > 1;
    this.el = h(
      'section',
      { class: 'approval-card', role: 'group', 'aria-labelledby': titleId, 'data-request-id': requestId },
      h('div', { class: 'approval-header' }, icon('shield'), h('h2', { id: titleId }, many ? `Allow ${calls.length} tool calls?` : 'Allow this tool call?'), collapse),
      ...whyLines(calls).map((text) => h('p', { class: 'approval-why' }, icon('info'), h('span', {}, text))),
      body,
      many
        ? h(
            'div',
            { class: 'approval-actions' },
            button({ text: 'Allow all', icon: 'check-all', variant: 'primary', label: 'Allow all', className: 'approval-allow-all fold' }, () => this.decideRest(true)),
            button({ text: 'Deny all', icon: 'circle-slash', label: 'Deny all', className: 'approval-deny-all fold' }, () => this.decideRest(false)),
          )
        : null,
      this.status,
    );
  }

  private callRow(c: ApprovalCall): HTMLElement {
    const label = `${c.name} ${c.summary}`.trim();
    const row = h('li', { class: 'approval-call', 'data-call-id': c.id });
    const allow = button({ text: 'Allow', icon: 'check', label: `Allow ${label}`, variant: 'primary', className: 'decision-allow' }, () => this.decide(c.id, { allowed: true }));
    const deny = button({ text: 'Deny', icon: 'close', label: `Deny ${label}`, className: 'decision-deny' }, () => this.decide(c.id, { allowed: false }));
    const more: HTMLElement[] = [
      button({ icon: 'comment', label: 'Deny with a reason…', className: 'decision-reason' }, () => this.askReason(row, c, label)),
    ];
    if (c.alwaysAllow && c.setting) {
      const setting = c.setting;
      more.push(
        button({ icon: 'workspace-trusted', label: `Always allow ${classWords(setting)} in this workspace`, className: 'decision-always' }, () => {
          this.post({ type: 'approval-always', setting });
          for (const other of this.calls) if (other.setting === setting && !this.decisions.has(other.id)) this.decisions.set(other.id, { allowed: true });
          this.refresh();
        }),
      );
    }
    row.append(
      h(
        'div',
        { class: 'approval-call-main' },
        icon(toolIcon(c.name)),
        h('span', { class: 'tool-name' }, c.name),
        h('span', { class: 'tool-summary', title: c.summary }, c.summary),
        h('span', { class: `access-badge access-${c.access}`, title: `Access class: ${c.access}` }, c.access),
        c.agent ? h('span', { class: 'agent-badge', title: `Asked by ${c.agent}` }, icon('person'), h('span', {}, c.agent)) : null,
      ),
      preview(c, () => this.post({ type: 'approval-diff', requestId: this.requestId, callId: c.id })),
      h('div', { class: 'decision', role: 'group', 'aria-label': `Decision for ${label}` }, allow, deny, ...more, h('span', { class: 'decision-state' })),
    );
    return row;
  }

  private askReason(row: HTMLElement, c: ApprovalCall, label: string): void {
    row.querySelector('.reason-bar')?.remove();
    const input = h('textarea', { class: 'approval-reason', rows: 2, maxlength: 2000, placeholder: 'Told to the model with the denial', 'aria-label': `Reason for denying ${label}` });
    const bar = h(
      'div',
      { class: 'reason-bar' },
      input,
      h(
        'div',
        { class: 'reason-actions' },
        button({ text: 'Deny', icon: 'close', variant: 'primary', className: 'reason-send' }, () => this.decide(c.id, { allowed: false, reason: input.value.trim().slice(0, 2000) || undefined })),
        button({ text: 'Cancel', className: 'reason-cancel' }, () => bar.remove()),
      ),
    );
    input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && !ev.shiftKey) {
        ev.preventDefault();
        this.decide(c.id, { allowed: false, reason: input.value.trim().slice(0, 2000) || undefined });
      } else if (ev.key === 'Escape') bar.remove();
    });
    row.appendChild(bar);
    input.focus();
  }

  private decide(id: string, d: Decision): void {
    if (this.sent) return;
    this.decisions.set(id, d);
    this.refresh();
  }

  private decideRest(allowed: boolean): void {
    for (const c of this.calls) if (!this.decisions.has(c.id)) this.decisions.set(c.id, { allowed });
    this.refresh();
  }

  private refresh(): void {
    this.el.querySelectorAll<HTMLElement>('.approval-call').forEach((row) => {
      const d = this.decisions.get(row.dataset.callId!);
      row.dataset.decision = d === undefined ? '' : d.allowed ? 'allow' : 'deny';
      row.querySelector('.decision-state')!.textContent = d === undefined ? '' : d.allowed ? 'Allowed' : d.reason ? `Denied: ${d.reason}` : 'Denied';
      if (d) row.querySelector('.reason-bar')?.remove();
    });
    const left = this.calls.length - this.decisions.size;
    if (left === 0) this.send();
    else if (this.decisions.size) this.status.textContent = `${left} more to decide.`;
  }

  private send(): void {
    this.sent = true;
    this.post({
      type: 'approval-response',
      requestId: this.requestId,
      decisions: this.calls.map((c) => {
        const d = this.decisions.get(c.id) ?? { allowed: false };
        return d.reason && !d.allowed ? { id: c.id, allowed: false, reason: d.reason } : { id: c.id, allowed: d.allowed };
      }),
    });
    const hadFocus = this.el.contains(document.activeElement);
    this.el.querySelectorAll<HTMLButtonElement | HTMLTextAreaElement>('.decision button, .approval-actions button, textarea').forEach((control) => (control.disabled = true));
    this.el.classList.add('is-sent');
    this.status.textContent = 'Sent.';
    // A disabled control drops focus to <body>; put the keyboard user back in the prompt instead.
    if (hadFocus) this.returnFocus();
  }
}

/** One line per distinct reason the card asks: a setting set to "ask", Restricted Mode, or the call itself. */
function whyLines(calls: readonly ApprovalCall[]): string[] {
  const lines = new Set<string>();
  for (const c of calls) {
    if (c.why === 'restricted') lines.add(`Restricted Mode: this folder is not trusted, so ${c.setting ? classWords(c.setting) : 'such calls'} always ask first.`);
    else if (c.why === 'setting' && c.setting) lines.add(`Asks because fanout.approval.${c.setting} is "ask".`);
    else if (c.why === 'private-network') lines.add(`Asks because ${c.note ?? 'the URL leads to a private network address'}: such fetches always ask, whatever fanout.approval.network says.`);
  }
  return [...lines];
}

/** What the call would do: the change as a diff for an edit, the command line for a command, the URL for a fetch, else the arguments. */
function preview(c: ApprovalCall, openDiff: () => void): HTMLElement {
  let args: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(c.arguments || '{}');
    if (parsed && typeof parsed === 'object') args = parsed as Record<string, unknown>;
  } catch {
    // Shown raw below.
  }
  const path = typeof args.path === 'string' ? args.path : undefined;
  const edits = typeof args.oldText === 'string' && typeof args.newText === 'string' ? [{ oldText: args.oldText, newText: args.newText }] : Array.isArray(args.edits) ? args.edits.filter(isEdit) : [];
  if (edits.length) {
    return h(
      'div',
      { class: 'approval-body approval-edit' },
      ...edits.map((e, i) => diffBlock(e.oldText, e.newText, `Change ${i + 1} to ${path ?? c.summary}`)),
      path ? button({ text: 'Open diff', icon: 'diff', label: `Open the change to ${path} in the diff editor`, variant: 'link', className: 'approval-open-diff' }, openDiff) : null,
    );
  }
  if (typeof args.command === 'string') {
    const cwd = typeof args.cwd === 'string' ? args.cwd : undefined;
    return h('div', { class: 'approval-body approval-command' }, h('pre', { class: 'mono command-line', 'aria-label': 'Command line', tabindex: 0 }, `$ ${args.command}`), cwd ? h('div', { class: 'command-cwd' }, `in ${cwd}`) : null);
  }
  if (typeof args.url === 'string') {
    return h('div', { class: 'approval-body approval-url' }, h('pre', { class: 'mono command-line', 'aria-label': 'URL to fetch', tabindex: 0 }, `GET ${args.url}`));
  }
  return h('details', { class: 'approval-body approval-args' }, h('summary', {}, 'Arguments'), h('pre', { class: 'mono' }, prettyArguments(c.arguments)));
}

function isEdit(e: unknown): e is { oldText: string; newText: string } {
  return !!e && typeof e === 'object' && typeof (e as { oldText?: unknown }).oldText === 'string' && typeof (e as { newText?: unknown }).newText === 'string';
}
