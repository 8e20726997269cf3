// Files and selections that go with the next prompt, shown as removable chips above the prompt box.
import type { Attachment } from '../shared/protocol';
import { button, h, icon } from './dom';

export function attachmentLabel(a: Attachment): string {
  const name = a.path.split(/[\\/]/).pop() || a.path;
  if (a.startLine === undefined) return name;
  return a.endLine !== undefined && a.endLine !== a.startLine ? `${name}:${a.startLine}-${a.endLine}` : `${name}:${a.startLine}`;
}

const key = (a: Attachment) => `${a.kind}\0${a.path}\0${a.startLine ?? ''}\0${a.endLine ?? ''}`;

export class AttachmentChips {
  readonly el = h('div', { class: 'chips', role: 'list', 'aria-label': 'Attachments', hidden: true });
  private items: Attachment[] = [];

  constructor(
    private readonly onChange: (items: readonly Attachment[]) => void,
    private readonly focusAfterRemove: () => void,
  ) {}

  get value(): readonly Attachment[] {
    return this.items;
  }

  set(items: readonly Attachment[]): void {
    this.items = [];
    this.add(items);
  }

  /** Adds without duplicates; attaching the same file or selection twice refreshes it. */
  add(items: readonly Attachment[]): void {
    for (const a of items) {
      const i = this.items.findIndex((x) => key(x) === key(a));
      if (i >= 0) this.items[i] = a;
      else this.items.push(a);
    }
    this.changed();
  }

  clear(): void {
    this.items = [];
    this.changed();
  }

  private remove(index: number): void {
    this.items.splice(index, 1);
    this.changed();
    const buttons = this.el.querySelectorAll<HTMLButtonElement>('.chip button');
    const next = buttons[Math.min(index, buttons.length - 1)];
    if (next) next.focus();
    else this.focusAfterRemove();
  }

  private changed(): void {
    this.el.hidden = this.items.length === 0;
    this.el.replaceChildren(
      ...this.items.map((a, i) => {
        const label = attachmentLabel(a);
        return h(
          'div',
          { class: `chip chip-${a.kind}`, role: 'listitem', title: a.path },
          icon(a.kind === 'selection' ? 'list-selection' : 'file'),
          h('span', { class: 'chip-label' }, label),
          button({ icon: 'close', label: `Remove attachment ${label}` }, () => this.remove(i)),
        );
      }),
    );
    this.onChange(this.items);
  }
}
