// The prompt box: Enter sends, Shift+Enter is a new line, Up/Down recall earlier prompts from the first/last line,
// `@` picks a file to attach. The draft and attachments survive the view being hidden. A message sent while a run is
// going (or before setup is done) is queued, shown above the box, and sent when the run ends.
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
  /** Which project rule files are in the system prompt ("AGENTS.md"), or why none are. */
  readonly rules = h('span', { class: 'rules-in-use', hidden: true });
  private readonly send: HTMLButtonElement;
  private readonly chips: AttachmentChips;
  private readonly mentions: MentionPopup;
  private running = false;
  /** Set while the setup screen is shown: messages wait for a usable provider. */
  private blocked = false;
  private readonly queue: { text: string; attachments: Attachment[] }[] = [];
  /** A queued message was sent and its run has not started yet: the next one waits (or the chat would be busy). */
  private awaitingStart = false;
  private readonly queued = h('ul', { class: 'queued-list', 'aria-label': 'Queued messages', hidden: true });
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
      this.queued,
      h('div', { class: 'composer-box' }, this.chips.el, this.input, h('div', { class: 'composer-bar' }, mention, this.rules, this.totals, this.send)),
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
    if (running) this.awaitingStart = false;
    this.refreshSend();
    this.flush();
  }

  setBlocked(blocked: boolean): void {
    this.blocked = blocked;
    this.refreshSend();
    this.flush();
  }

  /** Replaces the prompt box's text (a message taken back by "Restore checkpoint"). */
  setDraft(text: string): void {
    this.input.value = text;
    this.state.update({ draft: text });
    this.resize();
    this.focus();
  }

  private refreshSend(): void {
    const waiting = this.running || this.blocked;
    const label = this.blocked ? 'Queue (sent once setup is done)' : this.running ? 'Queue (sent when the current run ends)' : 'Send (Enter)';
    this.send.title = label;
    this.send.setAttribute('aria-label', label);
    this.send.classList.toggle('is-queue', waiting);
  }

  /** The first queued message goes as soon as nothing runs (its run then holds the rest back). */
  private flush(): void {
    if (this.running || this.blocked || this.awaitingStart) return;
    const next = this.queue.shift();
    this.renderQueue();
    if (!next) return;
    this.awaitingStart = true;
    this.post({ type: 'send', text: next.text, attachments: next.attachments });
  }

  /** The host reported an error: a queued message that was on its way did not start a run. */
  startFailed(): void {
    this.awaitingStart = false;
  }

  private renderQueue(): void {
    this.queued.hidden = this.queue.length === 0;
    this.queued.replaceChildren(
      ...this.queue.map((q, i) =>
        h(
          'li',
          { class: 'queued-item' },
          h('span', { class: 'queued-label' }, this.blocked ? 'After setup:' : 'Queued:'),
          h('span', { class: 'queued-text', title: q.text }, q.text),
          button({ icon: 'close', label: `Remove queued message ${q.text.slice(0, 40)}` }, () => {
            this.queue.splice(i, 1);
            this.renderQueue();
          }),
        ),
      ),
    );
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

  setRules(files: readonly string[], note: string | undefined): void {
    this.rules.hidden = !files.length && !note;
    this.rules.textContent = files.length ? `Rules: ${files.join(', ')}` : note ? 'No rule files' : '';
    this.rules.title = [files.length ? `In the system prompt: ${files.join(', ')}` : '', note ?? ''].filter(Boolean).join('\n');
  }

  private submit(): void {
    const text = this.input.value.trim();
    if (!text) return;
    if (text === '/compact' && !this.running && !this.blocked) {
      this.post({ type: 'compact' });
      this.input.value = '';
      return;
    }
    if (this.running || this.blocked) {
      this.queue.push({ text, attachments: [...this.chips.value] });
      this.renderQueue();
    } else this.post({ type: 'send', text, attachments: [...this.chips.value] });
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
