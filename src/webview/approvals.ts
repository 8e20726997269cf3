// One card per approval request: every call that needs the user's consent, allow or deny each (or all at once), and
// an optional reason that the model is told for the denials. The answer always covers every call of the request.
import type { HostMessage, WebviewMessage } from '../shared/protocol';
import { button, h, icon } from './dom';
import { prettyArguments, toolIcon } from './render/toolCards';

type ApprovalCall = Extract<HostMessage, { type: 'approval-request' }>['calls'][number];

export class Approvals {
  readonly el = h('div', { class: 'approvals', 'aria-live': 'polite' });
  private readonly cards = new Map<string, HTMLElement>();

  constructor(
    private readonly post: (message: WebviewMessage) => void,
    /** Where focus goes when a card it was in goes away. */
    private readonly returnFocus: () => void,
  ) {}

  request(requestId: string, calls: readonly ApprovalCall[]): void {
    this.close(requestId);
    const card = new ApprovalCard(requestId, calls, (m) => this.post(m), this.returnFocus).el;
    this.cards.set(requestId, card);
    this.el.appendChild(card);
  }

  close(requestId: string): void {
    const card = this.cards.get(requestId);
    if (!card) return;
    const hadFocus = card.contains(document.activeElement);
    card.remove();
    this.cards.delete(requestId);
    if (hadFocus) this.returnFocus();
  }
}

class ApprovalCard {
  readonly el: HTMLElement;
  private readonly decisions = new Map<string, boolean>();
  private readonly reason = h('textarea', { class: 'approval-reason', rows: 1, maxlength: 2000, placeholder: 'Told to the model with each denial' });
  private readonly submit: HTMLButtonElement;
  private readonly status = h('div', { class: 'approval-status', role: 'status' });

  constructor(
    private readonly requestId: string,
    private readonly calls: readonly ApprovalCall[],
    private readonly post: (message: WebviewMessage) => void,
    private readonly returnFocus: () => void,
  ) {
    const titleId = `approval-${requestId}`;
    this.submit = button({ text: 'Submit', icon: 'check-all', variant: 'primary', className: 'approval-submit' }, () => this.send());
    const reasonId = `${titleId}-reason`;
    this.reason.id = reasonId;
    this.el = h(
      'section',
      { class: 'approval-card', role: 'group', 'aria-labelledby': titleId, 'data-request-id': requestId },
      h('div', { class: 'approval-header' }, icon('shield'), h('h2', { id: titleId }, `Allow ${calls.length === 1 ? 'this tool call' : `these ${calls.length} tool calls`}?`)),
      h('ul', { class: 'approval-calls' }, ...calls.map((c) => this.callRow(c))),
      h('label', { class: 'approval-reason-label', for: reasonId }, 'Reason for denying (optional)'),
      this.reason,
      h(
        'div',
        { class: 'approval-actions' },
        this.submit,
        button({ text: 'Allow all', icon: 'pass', className: 'approval-allow-all' }, () => this.decideAll(true)),
        button({ text: 'Deny all', icon: 'circle-slash', className: 'approval-deny-all' }, () => this.decideAll(false)),
      ),
      this.status,
    );
    this.refresh();
  }

  private callRow(c: ApprovalCall): HTMLElement {
    const label = `${c.name} ${c.summary}`.trim();
    const allow = h('button', { type: 'button', class: 'btn btn-secondary decision-allow', 'aria-pressed': 'false' }, icon('check'), h('span', {}, 'Allow'));
    const deny = h('button', { type: 'button', class: 'btn btn-secondary decision-deny', 'aria-pressed': 'false' }, icon('close'), h('span', {}, 'Deny'));
    allow.addEventListener('click', () => this.decide(c.id, true));
    deny.addEventListener('click', () => this.decide(c.id, false));
    return h(
      'li',
      { class: 'approval-call', 'data-call-id': c.id },
      h(
        'div',
        { class: 'approval-call-main' },
        icon(toolIcon(c.name)),
        h('span', { class: 'tool-name' }, c.name),
        h('span', { class: 'tool-summary', title: c.summary }, c.summary),
        h('span', { class: `access-badge access-${c.access}` }, c.access),
      ),
      h('div', { class: 'decision', role: 'group', 'aria-label': `Decision for ${label}` }, allow, deny),
      h('details', { class: 'approval-args' }, h('summary', {}, 'Arguments'), h('pre', { class: 'mono' }, prettyArguments(c.arguments))),
    );
  }

  private decide(id: string, allowed: boolean): void {
    this.decisions.set(id, allowed);
    this.refresh();
  }

  private decideAll(allowed: boolean): void {
    for (const c of this.calls) this.decisions.set(c.id, allowed);
    this.send();
  }

  private refresh(): void {
    this.el.querySelectorAll<HTMLElement>('.approval-call').forEach((row) => {
      const d = this.decisions.get(row.dataset.callId!);
      row.dataset.decision = d === undefined ? '' : d ? 'allow' : 'deny';
      row.querySelector('.decision-allow')!.setAttribute('aria-pressed', String(d === true));
      row.querySelector('.decision-deny')!.setAttribute('aria-pressed', String(d === false));
    });
    const left = this.calls.length - this.decisions.size;
    this.submit.disabled = left > 0;
    this.submit.title = left > 0 ? `Choose Allow or Deny for ${left} more call${left === 1 ? '' : 's'}` : 'Send these decisions';
  }

  private send(): void {
    const reason = this.reason.value.trim().slice(0, 2000) || undefined;
    this.post({
      type: 'approval-response',
      requestId: this.requestId,
      decisions: this.calls.map((c) => {
        const allowed = this.decisions.get(c.id) === true;
        return allowed || !reason ? { id: c.id, allowed } : { id: c.id, allowed, reason };
      }),
    });
    const hadFocus = this.el.contains(document.activeElement);
    this.el.querySelectorAll<HTMLButtonElement | HTMLTextAreaElement>('button, textarea').forEach((control) => (control.disabled = true));
    this.el.classList.add('is-sent');
    this.status.textContent = 'Sent.';
    // A disabled control drops focus to <body>; put the keyboard user back in the prompt instead.
    if (hadFocus) this.returnFocus();
  }
}
