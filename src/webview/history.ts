// The list of past conversations: open one, or delete it after an inline confirmation.
import type { ConversationSummary, WebviewMessage } from '../shared/protocol';
import { confirmInline } from './confirm';
import { button, h, icon } from './dom';

export class HistoryPanel {
  readonly el = h('section', { class: 'history-panel', id: 'fanout-history', 'aria-label': 'Conversation history', hidden: true });
  private readonly list = h('ul', { class: 'history-list' });
  private items: readonly ConversationSummary[] = [];
  private currentId = '';

  constructor(
    private readonly post: (message: WebviewMessage) => void,
    private readonly opener: HTMLButtonElement,
  ) {
    this.el.append(h('div', { class: 'panel-header' }, h('h2', {}, 'History'), button({ icon: 'close', label: 'Close history' }, () => this.close())), this.list);
    this.el.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' && !ev.defaultPrevented) {
        ev.preventDefault();
        this.close();
      }
    });
  }

  get open(): boolean {
    return !this.el.hidden;
  }

  toggle(): void {
    if (this.open) this.close();
    else {
      this.el.hidden = false;
      this.opener.setAttribute('aria-expanded', 'true');
      (this.list.querySelector<HTMLElement>('.history-open') ?? this.el.querySelector<HTMLElement>('button'))?.focus();
    }
  }

  close(): void {
    if (!this.open) return;
    this.el.hidden = true;
    this.opener.setAttribute('aria-expanded', 'false');
    this.opener.focus();
  }

  setCurrent(id: string): void {
    this.currentId = id;
    this.render();
  }

  set(items: readonly ConversationSummary[]): void {
    this.items = [...items].sort((a, b) => b.updatedAt - a.updatedAt);
    this.render();
  }

  private render(): void {
    if (!this.items.length) {
      this.list.replaceChildren(h('li', { class: 'history-empty' }, 'No conversations yet.'));
      return;
    }
    this.list.replaceChildren(...this.items.map((c) => this.item(c)));
  }

  private item(c: ConversationSummary): HTMLElement {
    const title = c.title || 'Untitled';
    const open = h(
      'button',
      { type: 'button', class: 'history-open', 'aria-current': c.id === this.currentId ? 'true' : undefined },
      icon('comment-discussion'),
      h('span', { class: 'history-title' }, title),
      h('span', { class: 'history-meta' }, `${relativeTime(c.updatedAt)} · ${c.messageCount} message${c.messageCount === 1 ? '' : 's'}`),
    );
    open.addEventListener('click', () => {
      this.post({ type: 'open-conversation', id: c.id });
      this.close();
    });
    const li = h('li', { class: 'history-item', 'data-id': c.id });
    const del = button({ icon: 'trash', label: `Delete conversation ${title}`, className: 'history-delete' }, () =>
      confirmInline(li, { message: `Delete “${title}”?`, confirmText: 'Delete', returnFocus: del, onConfirm: () => this.post({ type: 'delete-conversation', id: c.id }) }),
    );
    li.append(open, del);
    return li;
  }
}

function relativeTime(at: number): string {
  const s = Math.max(0, (Date.now() - at) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  if (s < 7 * 86_400) return `${Math.floor(s / 86_400)} d ago`;
  return new Date(at).toLocaleDateString();
}
