// The prompt box: Enter sends, Shift+Enter is a new line, Up/Down recall earlier prompts from the first/last line,
// `@` picks a file to attach. The draft and attachments survive the view being hidden.
import type { Attachment, WebviewMessage } from '../shared/protocol';
import { AttachmentChips } from './attachments';
import { button, h } from './dom';
import { mentionAt, MentionPopup } from './mentions';
import type { ViewState } from './state';

const MAX_INPUT_HEIGHT = 240;

export class Composer {
  readonly el: HTMLElement;
  readonly input = h('textarea', { class: 'prompt-input', rows: 1, placeholder: 'Ask Fanout… (@ to attach a file)', 'aria-label': 'Message Fanout' });
  readonly totals = h('span', { class: 'totals', 'aria-live': 'off' });
  private readonly send: HTMLButtonElement;
  private readonly chips: AttachmentChips;
  private readonly mentions: MentionPopup;
  private running = false;
  /** Position in the prompt history while recalling; -1 = editing the draft (kept in `stash`). */
  private recall = -1;
  private stash = '';
  private mentionQuery?: string;

  constructor(
    private readonly post: (message: WebviewMessage) => void,
    private readonly state: ViewState,
  ) {
    this.chips = new AttachmentChips(
      (items) => this.state.update({ attachments: [...items] }),
      () => this.input.focus(),
    );
    this.mentions = new MentionPopup(this.input, (path) => this.chooseMention(path));
    this.send = button({ icon: 'send', label: 'Send (Enter)', variant: 'primary', className: 'send-button' }, () => this.submit());
    const mention = button({ icon: 'mention', label: 'Attach a file (@)' }, () => this.insertAt());
    this.el = h(
      'footer',
      { class: 'composer' },
      this.mentions.el,
      h('div', { class: 'composer-box' }, this.chips.el, this.input, h('div', { class: 'composer-bar' }, mention, this.totals, this.send)),
    );
    this.input.value = state.value.draft;
    this.chips.set(state.value.attachments);
    this.input.addEventListener('input', () => this.onInput());
    this.input.addEventListener('keydown', (ev) => this.onKey(ev));
    this.input.addEventListener('blur', () => this.mentions.close());
    this.resize();
  }

  setRunning(running: boolean): void {
    this.running = running;
    this.send.disabled = running;
    this.send.title = running ? 'Wait for the current request to finish, or stop it' : 'Send (Enter)';
  }

  attach(items: readonly Attachment[]): void {
    this.chips.add(items);
  }

  /** Results for a query the user has since typed past are dropped. */
  showMentions(query: string, paths: readonly string[]): void {
    if (query === this.mentionQuery && document.activeElement === this.input) this.mentions.show(paths);
  }

  focus(): void {
    this.input.focus();
  }

  private onInput(): void {
    this.recall = -1;
    this.state.update({ draft: this.input.value });
    this.resize();
    const mention = mentionAt(this.input.value, this.input.selectionStart);
    if (!mention) {
      this.mentionQuery = undefined;
      this.mentions.close();
    } else if (mention.query !== this.mentionQuery) {
      this.mentionQuery = mention.query;
      this.post({ type: 'mention-query', query: mention.query.slice(0, 500) });
    }
  }

  private onKey(ev: KeyboardEvent): void {
    if (ev.isComposing) return;
    if (this.mentions.handleKey(ev)) {
      ev.preventDefault();
      ev.stopPropagation();
      return;
    }
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.altKey) {
      ev.preventDefault();
      this.submit();
    } else if ((ev.key === 'ArrowUp' || ev.key === 'ArrowDown') && !ev.shiftKey && !ev.altKey && !ev.metaKey && !ev.ctrlKey) {
      if (this.recallPrompt(ev.key === 'ArrowUp' ? -1 : 1)) ev.preventDefault();
    }
  }

  private submit(): void {
    const text = this.input.value.trim();
    if (!text || this.running) return;
    this.post({ type: 'send', text, attachments: [...this.chips.value] });
    this.state.rememberPrompt(text);
    this.input.value = '';
    this.recall = -1;
    this.chips.clear();
    this.state.update({ draft: '' });
    this.mentions.close();
    this.resize();
  }

  /** Only from the first line (up) or the last line (down), so the arrows still move the caret inside a long prompt. */
  private recallPrompt(direction: -1 | 1): boolean {
    const { value, selectionStart, selectionEnd } = this.input;
    if (selectionStart !== selectionEnd) return false;
    const onEdge = direction < 0 ? !value.slice(0, selectionStart).includes('\n') : !value.slice(selectionEnd).includes('\n');
    const history = this.state.value.promptHistory;
    if (!onEdge || !history.length) return false;
    if (this.recall === -1) {
      if (direction > 0) return false;
      this.stash = value;
      this.recall = history.length - 1;
    } else {
      this.recall += direction;
      if (this.recall < 0) this.recall = 0;
    }
    const text = this.recall >= history.length ? this.stash : history[this.recall]!;
    if (this.recall >= history.length) this.recall = -1;
    this.input.value = text;
    this.input.setSelectionRange(text.length, text.length);
    this.resize();
    return true;
  }

  private chooseMention(path: string): void {
    const caret = this.input.selectionStart;
    const mention = mentionAt(this.input.value, caret);
    if (mention) {
      const before = this.input.value.slice(0, mention.start);
      const after = this.input.value.slice(caret);
      const inserted = `@${path} `;
      this.input.value = before + inserted + after;
      const at = before.length + inserted.length;
      this.input.setSelectionRange(at, at);
    }
    this.mentionQuery = undefined;
    this.mentions.close();
    this.chips.add([{ kind: 'file', path }]);
    this.state.update({ draft: this.input.value });
    this.resize();
  }

  private insertAt(): void {
    const { selectionStart: s, selectionEnd: e, value } = this.input;
    const prefix = s > 0 && !/\s/.test(value[s - 1]!) ? ' @' : '@';
    this.input.setRangeText(prefix, s, e, 'end');
    this.input.focus();
    this.onInput();
  }

  private resize(): void {
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight, MAX_INPUT_HEIGHT)}px`;
  }
}
