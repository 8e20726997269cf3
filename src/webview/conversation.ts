// The conversation log: redrawn whole from a transcript (init / conversation), then grown by live agent events.
// Only the turn being streamed is ever re-rendered.
import type { ConversationView, ErrorAction, UiAgentEvent, WebviewMessage } from '../shared/protocol';
import { addUsage, type Usage } from '../shared/transcript';
import { confirmInline } from './confirm';
import { button, h, icon, isNearBottom } from './dom';
import { BatchView } from './render/batch';
import { ErrorBlock, noticeLine, retryLine, statusLine } from './render/notices';
import { describeUsage, TurnView } from './render/turn';
import type { ViewState } from './state';

export interface ConversationHooks {
  post(message: WebviewMessage): void;
  onRunning(running: boolean): void;
  onTotals(usage: Usage, costUsd: number | undefined): void;
}

export class Conversation {
  readonly el = h('main', { class: 'conversation', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation', tabindex: 0 });
  private id = '';
  private turns = new Map<number, TurnView>();
  private retry?: HTMLElement;
  private lastError?: ErrorBlock;
  private total: { usage: Usage; costUsd?: number } = { usage: addUsage(undefined, undefined) };
  /** Follow new content unless the user scrolled up to read; kept by scroll events, which content growth does not fire. */
  private follow = true;
  private scrollSave = 0;

  constructor(
    private readonly hooks: ConversationHooks,
    private readonly state: ViewState,
  ) {
    this.el.addEventListener('scroll', () => {
      this.follow = isNearBottom(this.el);
      if (!this.scrollSave) {
        this.scrollSave = requestAnimationFrame(() => {
          this.scrollSave = 0;
          this.state.update({ scroll: { conversationId: this.id, top: this.el.scrollTop } });
        });
      }
    });
  }

  get conversationId(): string {
    return this.id;
  }

  show(view: ConversationView): void {
    for (const t of this.turns.values()) t.batch?.dispose();
    this.id = view.id;
    this.turns = new Map();
    this.retry = undefined;
    this.lastError = undefined;
    this.el.replaceChildren();
    this.el.setAttribute('aria-label', `Conversation: ${view.title}`);
    let turn = 0;
    view.messages.forEach((m, i) => {
      if (m.role === 'user') {
        this.turns = new Map();
        turn = 0;
        this.el.appendChild(this.userMessage(m.text, i));
      } else if (m.role === 'assistant') {
        const t = this.addTurn(++turn);
        t.text.set(m.text);
        if (m.usage) t.addUsage(m.usage, undefined);
        if (m.toolCalls.length) {
          const next = view.messages[i + 1];
          const results = next?.role === 'tool' ? next.results : [];
          const ids = new Set(m.toolCalls.map((c) => c.id));
          const log = view.batches.find((b) => b.calls.some((c) => ids.has(c.id)));
          t.setBatch(BatchView.fromTranscript(m.toolCalls, results, log));
        }
      }
    });
    if (!view.messages.length) this.el.appendChild(emptyState());
    this.total = { usage: view.usage, costUsd: view.costUsd };
    this.hooks.onTotals(this.total.usage, this.total.costUsd);
    this.hooks.onRunning(view.running);
    const saved = this.state.value.scroll;
    if (saved?.conversationId === view.id) this.el.scrollTop = saved.top;
    else this.scrollToEnd();
    this.follow = isNearBottom(this.el);
  }

  handle(event: UiAgentEvent): void {
    switch (event.type) {
      case 'run-start':
        this.el.querySelector(':scope > .empty-state')?.remove();
        this.turns = new Map();
        this.append(this.userMessage(event.userText, event.messageIndex));
        this.hooks.onRunning(true);
        break;
      case 'turn-start':
        this.clearRetry();
        this.turn(event.turn);
        break;
      case 'text-delta':
        this.clearRetry();
        this.turn(event.turn).appendText(event.text);
        break;
      case 'tool-call':
        this.turn(event.turn).ensureBatch().addCall(event.call, event.summary);
        this.stick();
        break;
      case 'tool-update':
        this.turn(event.turn).ensureBatch().update(event.update);
        break;
      case 'batch':
        this.turn(event.log.turn).ensureBatch().finish(event.log);
        break;
      case 'usage':
        this.turn(event.turn).addUsage(event.usage, event.costUsd);
        // The conversation total is the view's total plus every usage since: exact after a reload mid-run too,
        // where `done` (the whole run's usage) would count the turns before the reload twice.
        this.total = {
          usage: addUsage(this.total.usage, event.usage),
          costUsd: event.costUsd === undefined ? this.total.costUsd : (this.total.costUsd ?? 0) + event.costUsd,
        };
        this.hooks.onTotals(this.total.usage, this.total.costUsd);
        break;
      case 'retry':
        this.clearRetry();
        this.retry = this.append(retryLine(event.attempt, event.delayMs, event.reason));
        break;
      case 'turn-reset':
        this.turns.get(event.turn)?.reset();
        break;
      case 'notice':
        this.append(noticeLine(event.message));
        break;
      case 'done':
        this.finishRun(event);
        break;
    }
  }

  /** An `error` from the host. When it explains the run that just failed, its actions join that error in place. */
  showError(message: string, actions: readonly ErrorAction[]): void {
    this.el.querySelector(':scope > .empty-state')?.remove();
    if (this.lastError?.message === message && !this.lastError.hasActions) {
      this.lastError.setActions(actions);
      this.stick();
      return;
    }
    this.lastError = this.errorBlock(message, actions);
    this.append(this.lastError.el);
  }

  private finishRun(event: Extract<UiAgentEvent, { type: 'done' }>): void {
    this.clearRetry();
    for (const t of this.turns.values()) t.end();
    const summary = `${event.turns} turn${event.turns === 1 ? '' : 's'} · ${describeUsage(event.usage, event.costUsd)}`;
    if (event.status === 'error') {
      this.lastError = this.errorBlock(event.text, []);
      this.append(this.lastError.el);
    } else if (event.status === 'stopped') this.append(statusLine('circle-slash', 'Stopped.', summary));
    else if (event.status === 'max_turns') this.append(noticeLine(event.text, 'warning'));
    else this.append(statusLine('check', 'Done', summary));
    this.hooks.onRunning(false);
  }

  private errorBlock(message: string, actions: readonly ErrorAction[]): ErrorBlock {
    const block = new ErrorBlock(message, (action) => this.hooks.post({ type: 'action', action }));
    block.setActions(actions);
    return block;
  }

  private turn(n: number): TurnView {
    return this.turns.get(n) ?? this.addTurn(n, true);
  }

  private addTurn(n: number, live = false): TurnView {
    const t = new TurnView(n, () => this.stick());
    this.turns.set(n, t);
    if (live) this.append(t.el);
    else this.el.appendChild(t.el);
    return t;
  }

  private userMessage(text: string, messageIndex: number): HTMLElement {
    const actions = h('div', { class: 'message-actions' });
    const restore = button({ icon: 'discard', label: 'Restore checkpoint (undo file changes made after this message)', className: 'restore-checkpoint' }, () =>
      confirmInline(el, {
        message: 'Undo every file change the agent made after this message?',
        confirmText: 'Restore',
        returnFocus: restore,
        onConfirm: () => this.hooks.post({ type: 'restore-checkpoint', messageIndex }),
      }),
    );
    actions.appendChild(restore);
    const el = h(
      'article',
      { class: 'message user-message', 'data-message-index': messageIndex, 'aria-label': 'You' },
      h('div', { class: 'message-header' }, icon('account'), h('span', { class: 'message-author' }, 'You'), actions),
      h('div', { class: 'user-text' }, text),
    );
    return el;
  }

  private clearRetry(): void {
    this.retry?.remove();
    this.retry = undefined;
  }

  private append<T extends HTMLElement>(el: T): T {
    this.el.appendChild(el);
    this.stick();
    return el;
  }

  private stick(): void {
    if (this.follow) this.scrollToEnd();
  }

  private scrollToEnd(): void {
    this.el.scrollTop = this.el.scrollHeight;
  }
}

function emptyState(): HTMLElement {
  return h(
    'div',
    { class: 'empty-state' },
    icon('comment-discussion'),
    h('p', { class: 'empty-title' }, 'Ask Fanout about your code'),
    h('p', {}, 'Reads and searches run in parallel; edits queue behind a per-file lock and you can keep or undo each one.'),
    h('p', { class: 'empty-hint' }, 'Type @ to attach a file · Enter to send · Shift+Enter for a new line'),
  );
}
