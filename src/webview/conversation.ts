// The conversation log: redrawn whole from a transcript (init / conversation), then grown by live agent events.
// Only the turn being streamed is ever re-rendered.
import { splitUserText } from '../shared/attachments';
import type { ConversationView, ErrorAction, UiAgentEvent, WebviewMessage } from '../shared/protocol';
import { addUsage, type Usage } from '../shared/transcript';
import { confirmInline } from './confirm';
import { button, h, icon, isNearBottom } from './dom';
import { BatchView } from './render/batch';
import { compactNotice, ErrorBlock, noticeLine, retryLine, statusLine } from './render/notices';
import { SubagentLanes } from './render/subagents';
import { addSpend, applyTurnEvent, describeUsage, TurnView, type Spend, type TurnOwner } from './render/turn';
import type { ViewState } from './state';

export interface ConversationHooks {
  post(message: WebviewMessage): void;
  onRunning(running: boolean): void;
  onTotals(usage: Usage, costUsd: number | undefined): void;
  /** Tokens in use against the model's window (the header meter). */
  onContext(tokens: number, window: number): void;
}

export class Conversation {
  readonly el = h('main', { class: 'conversation', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation', tabindex: 0 });
  /** The log plus its "Jump to latest" button, which floats over the log's lower edge. */
  readonly root: HTMLElement;
  private readonly jump: HTMLButtonElement;
  private id = '';
  private turns = new Map<number, TurnView>();
  private retry?: HTMLElement;
  private lastError?: ErrorBlock;
  private total: Spend = { usage: addUsage(undefined, undefined) };
  private readonly owner: TurnOwner = {
    turn: (n) => this.turn(n),
    shown: (n) => this.turns.get(n),
    spend: (usage, costUsd) => this.addTotal(usage, costUsd),
  };
  /** Follow new content unless the user scrolled up to read; kept by scroll events, which content growth does not fire. */
  private follow = true;
  /** Where the view last scrolled itself to; a scroll position above it was the user's doing. */
  private autoTop = 0;
  private scrollSave = 0;
  /** Subagents' lanes, inside the cards of the delegate calls that started them. */
  private readonly lanes = new SubagentLanes(this.el, () => this.stick());

  constructor(
    private readonly hooks: ConversationHooks,
    private readonly state: ViewState,
  ) {
    this.jump = button({ icon: 'arrow-down', text: 'Jump to latest', label: 'Jump to latest', variant: 'primary', className: 'jump-latest fold' }, () => {
      this.follow = true;
      this.scrollToEnd();
      this.el.focus();
    });
    this.jump.hidden = true;
    this.root = h('div', { class: 'conversation-wrap' }, this.el, this.jump);
    // Content grows without scroll events (markdown rendered in a frame, cards expanding, the dock taking room):
    // whenever the log or its content changes size, a follower is kept at the end.
    const keep = () => {
      if (this.follow) this.scrollToEnd();
      this.jump.hidden = this.follow || isNearBottom(this.el);
    };
    new ResizeObserver(keep).observe(this.el);
    new MutationObserver(keep).observe(this.el, { childList: true, subtree: true, characterData: true });
    this.el.addEventListener('scroll', () => {
      // Only a move up (the user reading back) stops following; content growing below the view does not.
      if (isNearBottom(this.el)) this.follow = true;
      else if (this.el.scrollTop < this.autoTop - 2) this.follow = false;
      else if (this.follow) this.scrollToEnd();
      this.jump.hidden = this.follow;
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
    this.lanes.clear();
    for (const t of this.turns.values()) t.batch?.dispose();
    this.id = view.id;
    this.turns = new Map();
    this.retry = undefined;
    this.lastError = undefined;
    this.el.replaceChildren();
    this.el.setAttribute('aria-label', `Conversation: ${view.title}`);
    let turn = 0;
    const compactions = view.compactions ?? [];
    view.messages.forEach((m, i) => {
      for (const c of compactions) if (c.messageIndex === i) this.el.appendChild(compactNotice(c));
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
    for (const c of compactions) if (c.messageIndex >= view.messages.length) this.el.appendChild(compactNotice(c));
    // Its totals already hold the subagents' usage: their lanes are drawn, not added up again.
    this.lanes.restore(view.subagents ?? []);
    if (!view.messages.length) this.el.appendChild(emptyState());
    if (view.context) this.hooks.onContext(view.context.tokens, view.context.window);
    this.total = { usage: view.usage, costUsd: view.costUsd };
    this.hooks.onTotals(this.total.usage, this.total.costUsd);
    this.hooks.onRunning(view.running);
    const saved = this.state.value.scroll;
    if (saved?.conversationId === view.id) this.el.scrollTop = saved.top;
    else this.scrollToEnd();
    this.autoTop = this.el.scrollTop;
    this.follow = isNearBottom(this.el);
  }

  handle(event: UiAgentEvent): void {
    if ('agent' in event && event.agent) {
      this.lanes.handle(event);
      // A subagent's tokens and cost are the conversation's too.
      if (event.type === 'usage') this.addTotal(event.usage, event.costUsd);
      return;
    }
    if (event.type === 'turn-start' || event.type === 'text-delta') this.clearRetry();
    if (applyTurnEvent(event, this.owner)) {
      if (event.type === 'tool-call') this.stick();
      return;
    }
    switch (event.type) {
      case 'run-start':
        this.el.querySelector(':scope > .empty-state')?.remove();
        this.turns = new Map();
        this.lanes.reset();
        this.append(this.userMessage(event.userText, event.messageIndex));
        this.hooks.onRunning(true);
        break;
      case 'retry':
        this.clearRetry();
        this.retry = this.append(retryLine(event.attempt, event.delayMs, event.reason));
        break;
      case 'notice':
        this.append(noticeLine(event.message));
        break;
      case 'context':
        this.hooks.onContext(event.tokens, event.window);
        break;
      case 'compact':
        this.el.querySelector(':scope > .empty-state')?.remove();
        this.append(compactNotice(event));
        break;
      case 'done':
        this.finishRun(event);
        break;
    }
  }

  /**
   * The conversation total is the view's total plus every usage since: exact after a reload mid-run too, where `done`
   * (the whole run's usage) would count the turns before the reload twice.
   */
  private addTotal(usage: Usage, costUsd: number | undefined): void {
    this.total = addSpend(this.total, usage, costUsd);
    this.hooks.onTotals(this.total.usage, this.total.costUsd);
  }

  /** An `error` from the host. When it explains the run that just failed, its actions join that error in place. */
  showError(message: string, actions: readonly ErrorAction[], kind?: string): void {
    this.el.querySelector(':scope > .empty-state')?.remove();
    if (this.lastError?.message === message && !this.lastError.hasActions) {
      this.lastError.setActions(actions);
      if (kind) this.lastError.el.dataset.kind = kind;
      this.stick();
      return;
    }
    this.lastError = this.errorBlock(message, actions, kind);
    this.append(this.lastError.el);
  }

  /** The problem behind these errors is fixed (a key was stored, the settings changed): their cards go. */
  clearErrors(kinds: readonly string[]): void {
    for (const block of Array.from(this.el.querySelectorAll<HTMLElement>(':scope > .error-block[data-kind]'))) {
      if (kinds.includes(block.dataset.kind!)) block.remove();
    }
    if (this.lastError && !this.lastError.el.isConnected) this.lastError = undefined;
  }

  /** A new chat while another one still has changes to review: say so, with a way back to them. */
  showUnreviewed(info: { conversationId: string; title: string; count: number }): void {
    const open = button({ text: 'Open that chat', icon: 'go-to-file', variant: 'link' }, () => this.hooks.post({ type: 'open-conversation', id: info.conversationId }));
    const files = `${info.count} changed file${info.count === 1 ? '' : 's'}`;
    this.append(h('div', { class: 'notice notice-warning unreviewed', role: 'status' }, icon('warning'), h('span', {}, `${files} from “${info.title}” still wait for Keep or Undo.`), open));
  }

  private finishRun(event: Extract<UiAgentEvent, { type: 'done' }>): void {
    this.clearRetry();
    for (const t of this.turns.values()) t.end();
    const summary = `${event.turns} turn${event.turns === 1 ? '' : 's'} · ${describeUsage(event.usage, event.costUsd)}`;
    if (event.status === 'error') {
      this.lastError = this.errorBlock(event.text, [], event.errorKind);
      this.append(this.lastError.el);
    } else if (event.status === 'stopped') this.append(statusLine('circle-slash', 'Stopped.', summary));
    else if (event.status === 'max_turns') this.append(noticeLine(event.text, 'warning'));
    else this.append(statusLine('check', 'Done', summary));
    this.hooks.onRunning(false);
    this.revealAnswer();
  }

  /**
   * A run ended: its answer is shown whatever the scroll position was (an approval click or a scroll up to read
   * must not leave the user mid-conversation). An answer taller than the view is shown from its start.
   */
  private revealAnswer(): void {
    const texts = this.el.querySelectorAll<HTMLElement>('.turn .assistant-text:not([hidden])');
    const answer = texts[texts.length - 1];
    const end = this.el.scrollHeight - this.el.clientHeight;
    const top = answer ? answer.getBoundingClientRect().top - this.el.getBoundingClientRect().top + this.el.scrollTop - 8 : end;
    this.el.scrollTop = Math.min(end, top);
    this.autoTop = this.el.scrollTop;
    this.follow = isNearBottom(this.el);
    this.jump.hidden = this.follow;
  }

  private errorBlock(message: string, actions: readonly ErrorAction[], kind?: string): ErrorBlock {
    const block = new ErrorBlock(message, (action) => this.hooks.post({ type: 'action', action }));
    if (kind) block.el.dataset.kind = kind;
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
        message: 'Restore the files the agent changed after this message, or the files and the conversation (the chat goes back to before this message)?',
        confirmText: 'Restore files',
        returnFocus: restore,
        onConfirm: () => this.hooks.post({ type: 'restore-checkpoint', messageIndex, conversation: false }),
        alternative: { text: 'Files and conversation', onConfirm: () => this.hooks.post({ type: 'restore-checkpoint', messageIndex, conversation: true }) },
      }),
    );
    actions.appendChild(restore);
    const el = h(
      'article',
      { class: 'message user-message', 'data-message-index': messageIndex, 'aria-label': 'You' },
      h('div', { class: 'message-header' }, icon('account'), h('span', { class: 'message-author' }, 'You'), actions),
      ...userContent(text),
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
    this.autoTop = this.el.scrollTop;
    this.jump.hidden = true;
  }
}

/** The typed words, and each attachment as a chip rather than its pasted text (the model still gets the text). */
function userContent(userText: string): HTMLElement[] {
  const { text, attachments } = splitUserText(userText);
  const chips = attachments.map((a) => h('span', { class: `chip chip-${a.kind}`, title: a.label }, icon(a.kind === 'selection' ? 'list-selection' : 'file'), h('span', { class: 'chip-label' }, a.label)));
  const out: HTMLElement[] = [h('div', { class: 'user-text' }, text)];
  if (chips.length) out.push(h('div', { class: 'chips user-chips', 'aria-label': 'Attachments' }, ...chips));
  return out;
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
