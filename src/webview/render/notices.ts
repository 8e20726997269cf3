// Inline lines in the conversation: notices, errors with their actions, transient retry lines, run endings.
import type { ErrorAction } from '../../shared/protocol';
import { button, formatMs, h, icon } from '../dom';

const ACTION_LABELS: Record<ErrorAction, { text: string; icon: string }> = {
  setApiKey: { text: 'Set API Key', icon: 'key' },
  selectModel: { text: 'Select Model', icon: 'sparkle' },
  retry: { text: 'Retry', icon: 'refresh' },
  openSettings: { text: 'Open Settings', icon: 'settings-gear' },
  showLog: { text: 'Show Log', icon: 'output' },
};

export function noticeLine(message: string, kind: 'info' | 'warning' = 'info'): HTMLElement {
  return h('div', { class: `notice notice-${kind}` }, icon(kind), h('span', {}, message));
}

export class ErrorBlock {
  readonly el: HTMLElement;
  private readonly actions = h('div', { class: 'error-actions' });

  constructor(
    readonly message: string,
    private readonly onAction: (action: ErrorAction) => void,
  ) {
    this.el = h('div', { class: 'error-block', role: 'alert' }, h('div', { class: 'error-message' }, icon('error'), h('span', {}, message)), this.actions);
  }

  get hasActions(): boolean {
    return this.actions.childElementCount > 0;
  }

  setActions(actions: readonly ErrorAction[]): void {
    this.actions.replaceChildren(
      ...actions.map((action, i) =>
        button({ text: ACTION_LABELS[action].text, icon: ACTION_LABELS[action].icon, variant: i === 0 ? 'primary' : 'secondary' }, () => this.onAction(action)),
      ),
    );
  }
}

/** "Rate limited, retrying in 3.2 s (attempt 2)"; the provider's full reason is in the tooltip. */
export function retryLine(attempt: number, delayMs: number, reason: string): HTMLElement {
  const head = (reason.split(':')[0] ?? '').replace(/^rate limit\b/, 'rate limited').trim() || 'Request failed';
  const text = `${head[0]!.toUpperCase()}${head.slice(1)}, retrying in ${formatMs(delayMs)} (attempt ${attempt})`;
  return h('div', { class: 'notice notice-retry', role: 'status', title: reason }, icon('sync', 'codicon-modifier-spin'), h('span', {}, text));
}

export function statusLine(iconName: string, text: string, detail?: string): HTMLElement {
  return h('div', { class: 'run-status' }, icon(iconName), h('span', {}, text), detail ? h('span', { class: 'run-status-detail' }, detail) : null);
}
