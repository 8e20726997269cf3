// Inline lines in the conversation: notices, errors with their actions, transient retry lines, run endings.
import type { CompactionRecord, ErrorAction } from '../../shared/protocol';
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

const REASONS: Record<CompactionRecord['reason'], string> = { threshold: 'nearly full', overflow: 'the model said it was too long', manual: 'on request' };

/** "Context compacted: 41,200 → 12,300 tokens", the summary the model wrote expandable below it. */
export function compactNotice(c: Pick<CompactionRecord, 'beforeTokens' | 'afterTokens' | 'reason' | 'summary'>): HTMLElement {
  const n = (x: number) => x.toLocaleString('en-US');
  const head = h('summary', {}, icon('fold'), h('span', {}, `Context compacted: ${n(c.beforeTokens)} → ${n(c.afterTokens)} tokens`), h('span', { class: 'run-status-detail' }, REASONS[c.reason]));
  const body = c.summary ? h('div', { class: 'compact-summary' }, c.summary) : h('div', { class: 'compact-summary' }, 'Older tool results were replaced by a note; the model can read them again.');
  return h('details', { class: 'compact-notice', role: 'note' }, head, body);
}
