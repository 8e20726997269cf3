// Subagents in the chat: each delegate card opens into a lane for the subagent it started, with the subagent's own
// live turns (text, batch, timeline), its status, turns and cost. Events arrive tagged with the agent ("sub-1").
import type { SubagentRecord, UiAgentEvent } from '../../shared/protocol';
import { addUsage } from '../../shared/transcript';
import { h, icon } from '../dom';
import { addSpend, applyTurnEvent, describeUsage, TurnView, type Spend, type TurnOwner } from './turn';

type SubagentEvent = Extract<UiAgentEvent, { type: 'subagent' }>;

const STATUS: Record<SubagentEvent['status'], { label: string; icon: string }> = {
  started: { label: 'Running', icon: 'loading' },
  done: { label: 'Done', icon: 'check' },
  failed: { label: 'Failed', icon: 'error' },
};

class Lane {
  readonly el: HTMLElement;
  private readonly turns = new Map<number, TurnView>();
  private readonly body = h('div', { class: 'subagent-turns' });
  private readonly badge = h('span', { class: 'badge subagent-status' });
  private readonly stats = h('span', { class: 'subagent-stats' });
  private readonly outcome = h('div', { class: 'subagent-outcome', hidden: true });
  private spent: Spend = { usage: addUsage(undefined, undefined) };
  private readonly owner: TurnOwner = {
    turn: (n) => this.turn(n),
    shown: (n) => this.turns.get(n),
    spend: (usage, costUsd) => {
      this.spent = addSpend(this.spent, usage, costUsd);
    },
  };
  private turnCount = 0;
  private status: SubagentEvent['status'] = 'started';

  constructor(
    readonly agent: string,
    description: string,
    private readonly onRendered: () => void,
  ) {
    this.el = h(
      'section',
      { class: 'subagent-lane', 'data-agent': agent, 'aria-label': `Subagent ${agent}: ${description}` },
      h('div', { class: 'subagent-header' }, icon('organization'), h('span', { class: 'subagent-name' }, agent), h('span', { class: 'subagent-description', title: description }, description), this.badge, this.stats),
      this.body,
      this.outcome,
    );
    this.refresh();
  }

  handle(event: UiAgentEvent): void {
    if (event.type === 'subagent') this.setStatus(event);
    else {
      if (event.type === 'turn-start') this.turnCount = Math.max(this.turnCount, event.turn);
      applyTurnEvent(event, this.owner);
    }
    this.refresh();
  }

  private setStatus(event: SubagentEvent): void {
    this.status = event.status;
    this.turnCount = Math.max(this.turnCount, event.turns);
    if (event.costUsd !== undefined) this.spent = { ...this.spent, costUsd: event.costUsd };
    if (event.status === 'started') return;
    for (const t of this.turns.values()) t.end();
    if (event.status === 'failed' && event.text) {
      this.outcome.hidden = false;
      this.outcome.textContent = event.text;
    }
  }

  dispose(): void {
    for (const t of this.turns.values()) t.batch?.dispose();
  }

  private turn(n: number): TurnView {
    let t = this.turns.get(n);
    if (!t) {
      t = new TurnView(n, this.onRendered);
      this.turns.set(n, t);
      this.body.appendChild(t.el);
    }
    return t;
  }

  private refresh(): void {
    const s = STATUS[this.status];
    this.el.dataset.status = this.status;
    this.badge.replaceChildren(icon(s.icon, ...(this.status === 'started' ? ['codicon-modifier-spin'] : [])), h('span', {}, s.label));
    const turns = `${this.turnCount} turn${this.turnCount === 1 ? '' : 's'}`;
    const { usage, costUsd } = this.spent;
    this.stats.textContent = usage.inputTokens || usage.outputTokens || costUsd !== undefined ? `${turns} · ${describeUsage(usage, costUsd)}` : turns;
  }
}

/**
 * The run's subagent lanes. A lane is created by the subagent's `started` event and placed inside the card of the
 * delegate call that started it (found by call id), which opens; without that card it goes at the end of the log.
 */
export class SubagentLanes {
  private lanes = new Map<string, Lane>();
  /** Lanes drawn from a conversation's records: finished, and out of the way of a new run's labels. */
  private restored: Lane[] = [];

  constructor(
    private readonly root: HTMLElement,
    private readonly onRendered: () => void,
  ) {}

  handle(event: UiAgentEvent & { agent?: string }): void {
    if (!event.agent) return;
    let lane = this.lanes.get(event.agent);
    if (event.type === 'subagent' && event.status === 'started') {
      lane?.dispose();
      lane?.el.remove();
      lane = new Lane(event.agent, event.description, this.onRendered);
      this.lanes.set(event.agent, lane);
      this.place(lane, event.callId);
    }
    lane?.handle(event);
    this.onRendered();
  }

  /**
   * A redrawn conversation's lanes, from what it kept of each subagent's events, each in the card of its delegate
   * call (drawn from the transcript just before); a record whose card is not in the log is left out.
   */
  restore(records: readonly SubagentRecord[]): void {
    for (const r of records) {
      if (!this.card(r.callId)) continue;
      // Labels start again at sub-1 in every run: each record gets a fresh map, and its lane is kept aside after.
      this.lanes = new Map();
      for (const e of r.events) this.handle(e);
      this.restored.push(...this.lanes.values());
    }
    this.lanes = new Map();
  }

  /** A new run or a redrawn conversation: labels start again at sub-1. */
  reset(): void {
    for (const l of this.lanes.values()) l.dispose();
    this.lanes = new Map();
  }

  /** The conversation is redrawn: every lane, restored ones included, goes with the old log. */
  clear(): void {
    this.reset();
    for (const l of this.restored) l.dispose();
    this.restored = [];
  }

  private card(callId: string): HTMLDetailsElement | undefined {
    return Array.from(this.root.querySelectorAll<HTMLDetailsElement>('details.tool-card')).reverse().find((c) => c.dataset.callId === callId);
  }

  private place(lane: Lane, callId: string): void {
    const card = this.card(callId);
    const body = card?.querySelector('.tool-body');
    if (!card || !body) return void this.root.appendChild(lane.el);
    card.classList.add('has-subagent');
    card.open = true;
    body.prepend(lane.el);
  }
}
