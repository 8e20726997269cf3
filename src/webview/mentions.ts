// The `@` file picker: a listbox under the prompt, driven from the textarea's keyboard (aria-activedescendant), so
// focus never leaves the prompt while choosing.
import { h, icon } from './dom';

/** The `@query` being typed right before the caret, if any. */
export function mentionAt(text: string, caret: number): { query: string; start: number } | undefined {
  const m = /(?:^|\s)@([^\s@]*)$/.exec(text.slice(0, caret));
  return m ? { query: m[1]!, start: caret - m[1]!.length - 1 } : undefined;
}

export class MentionPopup {
  readonly el = h('div', { class: 'mention-popup', role: 'listbox', id: 'fanout-mentions', 'aria-label': 'Files', hidden: true });
  private paths: string[] = [];
  private active = 0;

  constructor(
    private readonly input: HTMLTextAreaElement,
    private readonly onChoose: (path: string) => void,
  ) {
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', this.el.id);
    input.setAttribute('aria-expanded', 'false');
  }

  get open(): boolean {
    return !this.el.hidden;
  }

  show(paths: readonly string[]): void {
    this.paths = paths.slice(0, 50);
    this.active = 0;
    if (!this.paths.length) {
      this.el.replaceChildren(h('div', { class: 'mention-empty' }, 'No matching files'));
    } else {
      this.el.replaceChildren(
        ...this.paths.map((p, i) => {
          const slash = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
          const option = h(
            'div',
            { class: 'mention-option', role: 'option', id: `fanout-mention-${i}`, 'aria-selected': 'false', title: p },
            icon('file'),
            h('span', { class: 'mention-name' }, p.slice(slash + 1)),
            h('span', { class: 'mention-dir' }, slash > 0 ? p.slice(0, slash) : ''),
          );
          // mousedown, not click: the textarea must keep focus (and its caret) while a path is picked.
          option.addEventListener('mousedown', (ev) => {
            ev.preventDefault();
            this.onChoose(p);
          });
          return option;
        }),
      );
    }
    this.el.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    this.highlight();
  }

  close(): void {
    this.el.hidden = true;
    this.paths = [];
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }

  /** Keys the popup handles while open; returns true when the key was used. */
  handleKey(ev: KeyboardEvent): boolean {
    if (!this.open) return false;
    if (ev.key === 'Escape') {
      this.close();
      return true;
    }
    if (!this.paths.length) return false;
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      this.active = (this.active + (ev.key === 'ArrowDown' ? 1 : -1) + this.paths.length) % this.paths.length;
      this.highlight();
      return true;
    }
    if (ev.key === 'Enter' || ev.key === 'Tab') {
      this.onChoose(this.paths[this.active]!);
      return true;
    }
    return false;
  }

  private highlight(): void {
    const options = this.el.querySelectorAll<HTMLElement>('[role=option]');
    options.forEach((o, i) => o.setAttribute('aria-selected', String(i === this.active)));
    const current = options[this.active];
    if (current) {
      this.input.setAttribute('aria-activedescendant', current.id);
      current.scrollIntoView({ block: 'nearest' });
    } else this.input.removeAttribute('aria-activedescendant');
  }
}
