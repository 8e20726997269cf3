// One model turn: its streamed text, its batch of tool calls, and what it cost; and the events that grow a turn, applied
// the same way for the main agent's turns and a subagent lane's.
import type { UiAgentEvent } from '../../shared/protocol';
import { addUsage, type Usage } from '../../shared/transcript';
import { formatCost, formatTokens, h } from '../dom';
import { StreamingMarkdown } from './markdown';
import { BatchView } from './batch';

export class TurnView {
  readonly el: HTMLElement;
  readonly text: StreamingMarkdown;
  private batchView?: BatchView;
  private spent?: Spend;
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
    this.spent = addSpend(this.spent, usage, costUsd);
    this.meta.hidden = false;
    this.meta.textContent = describeUsage(this.spent.usage, this.spent.costUsd);
  }

  /** The turn's stream failed and will be asked again: what was shown of it is gone. */
  reset(): void {
    this.text.set('');
    this.batchView?.dispose();
    this.batchView?.el.remove();
    this.batchView = undefined;
    this.spent = undefined;
    this.meta.hidden = true;
  }
}

export function describeUsage(usage: Usage, costUsd?: number): string {
  const parts = [`${formatTokens(usage.inputTokens)} in`, `${formatTokens(usage.outputTokens)} out`];
  if (usage.cacheReadTokens) parts.push(`${formatTokens(usage.cacheReadTokens)} cached`);
  if (costUsd !== undefined) parts.push(`≈ ${formatCost(costUsd)}`);
  return parts.join(' · ');
}

/** Tokens and cost added up; the cost stays unknown until some usage came with one. */
export interface Spend {
  readonly usage: Usage;
  readonly costUsd?: number;
}

export function addSpend(spent: Spend | undefined, usage: Usage, costUsd: number | undefined): Spend {
  const cost = costUsd === undefined ? spent?.costUsd : (spent?.costUsd ?? 0) + costUsd;
  return { usage: addUsage(spent?.usage, usage), costUsd: cost };
}

/** Where an agent's turns live: the main conversation's log, or a subagent's lane. */
export interface TurnOwner {
  /** The turn, created and shown if it is new. */
  turn(n: number): TurnView;
  /** The turn if it was shown already. */
  shown(n: number): TurnView | undefined;
  /** The usage of one of the owner's turns, to add to the owner's total. */
  spend(usage: Usage, costUsd: number | undefined): void;
}

/** Applies an event that belongs to one turn of an agent; false for any other kind of event, left to the caller. */
export function applyTurnEvent(event: UiAgentEvent, owner: TurnOwner): boolean {
  switch (event.type) {
    case 'turn-start':
      owner.turn(event.turn);
      return true;
    case 'text-delta':
      owner.turn(event.turn).appendText(event.text);
      return true;
    case 'tool-call':
      owner.turn(event.turn).ensureBatch().addCall(event.call, event.summary);
      return true;
    case 'tool-update':
      owner.turn(event.turn).ensureBatch().update(event.update);
      return true;
    case 'batch':
      owner.turn(event.log.turn).ensureBatch().finish(event.log);
      return true;
    case 'usage':
      owner.turn(event.turn).addUsage(event.usage, event.costUsd);
      owner.spend(event.usage, event.costUsd);
      return true;
    case 'turn-reset':
      owner.shown(event.turn)?.reset();
      return true;
    default:
      return false;
  }
}
