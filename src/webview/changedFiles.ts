// Files the agent changed in this conversation: review each as a diff, keep it or undo it (or all at once).
import type { ChangedFile, WebviewMessage } from '../shared/protocol';
import { button, h, icon } from './dom';

export class ChangedFiles {
  readonly el = h('section', { class: 'changed-files', 'aria-label': 'Changed files', hidden: true });
  private readonly list = h('ul', { class: 'changed-list', id: 'fanout-changed-list' });
  private readonly count = h('span', { class: 'badge count-badge' });
  private readonly bulk = h('div', { class: 'changed-bulk' });
  private readonly toggle: HTMLButtonElement;

  constructor(private readonly post: (message: WebviewMessage) => void) {
    this.toggle = h('button', { type: 'button', class: 'panel-toggle', 'aria-expanded': 'true', 'aria-controls': this.list.id }, icon('chevron-down'), h('span', {}, 'Changed files'), this.count);
    this.toggle.addEventListener('click', () => {
      const expanded = this.toggle.getAttribute('aria-expanded') !== 'true';
      this.toggle.setAttribute('aria-expanded', String(expanded));
      this.list.hidden = !expanded;
    });
    this.bulk.append(
      button({ text: 'Keep all', icon: 'check-all', variant: 'primary', className: 'keep-all fold' }, () => this.post({ type: 'keep' })),
      button({ text: 'Undo all', icon: 'discard', className: 'undo-all fold' }, () => this.post({ type: 'undo' })),
    );
    this.el.append(h('div', { class: 'panel-header' }, this.toggle, this.bulk), this.list);
  }

  set(files: readonly ChangedFile[]): void {
    const pending = files.filter((f) => f.state === 'pending').length;
    this.el.hidden = files.length === 0;
    this.count.textContent = pending ? String(pending) : String(files.length);
    this.count.title = `${pending} of ${files.length} waiting for review`;
    this.bulk.hidden = pending === 0;
    this.list.replaceChildren(...files.map((f) => this.row(f)));
  }

  private row(f: ChangedFile): HTMLElement {
    const slash = f.path.lastIndexOf('/');
    const name = f.path.slice(slash + 1);
    const open = h('button', { type: 'button', class: 'changed-open', title: `Open ${f.path}` }, icon('file'), h('span', { class: 'changed-name' }, name), h('span', { class: 'changed-dir' }, slash > 0 ? f.path.slice(0, slash) : ''));
    open.addEventListener('click', () => this.post({ type: 'open-file', path: f.path }));
    const stat = h(
      'span',
      { class: 'diffstat', 'aria-label': `${f.additions} added, ${f.deletions} removed lines` },
      h('span', { class: 'added' }, `+${f.additions}`),
      h('span', { class: 'deleted' }, `−${f.deletions}`),
    );
    const actions =
      f.state === 'pending'
        ? h(
            'span',
            { class: 'changed-actions' },
            button({ icon: 'diff', label: `Open diff of ${name}`, className: 'changed-diff' }, () => this.post({ type: 'open-diff', path: f.path })),
            button({ icon: 'check', label: `Keep changes to ${name}`, className: 'changed-keep' }, () => this.post({ type: 'keep', path: f.path })),
            button({ icon: 'discard', label: `Undo changes to ${name}`, className: 'changed-undo' }, () => this.post({ type: 'undo', path: f.path })),
          )
        : h('span', { class: 'changed-state' }, f.state === 'kept' ? 'kept' : 'undone');
    return h('li', { class: 'changed-file', 'data-path': f.path, 'data-state': f.state }, open, stat, actions);
  }
}
