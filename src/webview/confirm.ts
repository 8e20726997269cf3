import { button, h } from './dom';

export interface ConfirmOptions {
  message: string;
  confirmText: string;
  onConfirm: () => void;
  /** A second way to say yes ("Files and conversation"), offered next to the first. */
  alternative?: { text: string; onConfirm: () => void };
  /** Gets focus back when the question is dismissed. */
  returnFocus: HTMLElement;
}

/**
 * Asks an inline yes/no question inside `host`. VS Code webviews are sandboxed without modals, so window.confirm()
 * silently returns false there; the question has to be part of the page.
 */
export function confirmInline(host: HTMLElement, options: ConfirmOptions): void {
  host.querySelector(':scope > .confirm-bar')?.remove();
  const close = () => {
    bar.remove();
    options.returnFocus.focus();
  };
  const yes = button({ text: options.confirmText, variant: 'primary' }, () => {
    bar.remove();
    options.onConfirm();
  });
  const bar = h(
    'div',
    { class: 'confirm-bar', role: 'group', 'aria-label': options.message },
    h('span', { class: 'confirm-message' }, options.message),
    yes,
    options.alternative
      ? button({ text: options.alternative.text }, () => {
          bar.remove();
          options.alternative!.onConfirm();
        })
      : null,
    button({ text: 'Cancel' }, close),
  );
  bar.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      ev.stopPropagation();
      close();
    }
  });
  host.appendChild(bar);
  yes.focus();
}
