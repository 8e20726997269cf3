// One model turn: its streamed text, its batch of tool calls, and what it cost.
import { addUsage, type Usage } from '../../shared/transcript';
import { formatCost, formatTokens, h } from '../dom';
import { StreamingMarkdown } from './markdown';
import { BatchView } from './batch';

export class TurnView {
  readonly el: HTMLElement;
  readonly text: StreamingMarkdown;
  private batchView?: BatchView;
  private usage?: Usage;
  private costUsd?: number;
  private readonly meta = h('div', { class: 'turn-meta', hidden: true });

  constructor(
    readonly turn: number,
    onRendered: () => void,
  ) {
    const textEl = h('div', { class: 'assistant-text markdown', hidden: true });
    this.text = new StreamingMarkdown(textEl, onRendered);
    this.el = h('article', { class: 'turn', 'data-turn': turn, 'aria-label': `Assistant, turn ${turn}` }, textEl, this.meta);
  }

  get batch(): BatchView | undefined {
    return this.batchView;
  }

  appendText(delta: string): void {
    this.text.el.setAttribute('aria-busy', 'true');
    this.text.append(delta);
  }

  /** The turn is over: render any pending text now and let screen readers read the finished block. */
  end(): void {
    this.text.flush();
    this.text.el.removeAttribute('aria-busy');
  }

  ensureBatch(): BatchView {
    if (!this.batchView) this.setBatch(new BatchView());
    return this.batchView!;
  }

  setBatch(view: BatchView): void {
    this.batchView?.dispose();
    this.batchView?.el.remove();
    this.batchView = view;
    this.el.insertBefore(view.el, this.meta);
  }

  addUsage(usage: Usage, costUsd: number | undefined): void {
    this.usage = addUsage(this.usage, usage);
    if (costUsd !== undefined) this.costUsd = (this.costUsd ?? 0) + costUsd;
    this.meta.hidden = false;
    this.meta.textContent = describeUsage(this.usage, this.costUsd);
  }

  /** The turn's stream failed and will be asked again: what was shown of it is gone. */
  reset(): void {
    this.text.set('');
    this.batchView?.dispose();
    this.batchView?.el.remove();
    this.batchView = undefined;
    this.usage = undefined;
    this.costUsd = undefined;
    this.meta.hidden = true;
  }
}

export function describeUsage(usage: Usage, costUsd?: number): string {
  const parts = [`${formatTokens(usage.inputTokens)} in`, `${formatTokens(usage.outputTokens)} out`];
  if (usage.cacheReadTokens) parts.push(`${formatTokens(usage.cacheReadTokens)} cached`);
  if (costUsd !== undefined) parts.push(`≈ ${formatCost(costUsd)}`);
  return parts.join(' · ');
}
