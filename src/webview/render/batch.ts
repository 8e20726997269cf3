// A turn's tool calls as one group: a header with the batch totals, the live timeline, and a card per call.
import type { UiAgentEvent } from '../../shared/protocol';
import type { ToolCall, ToolResult } from '../../shared/transcript';
import { formatMs, h, icon } from '../dom';
import { Timeline } from './timeline';
import { isFinal, shownState, summarizeArguments, ToolCard, type CallData } from './toolCards';

export type BatchLog = Extract<UiAgentEvent, { type: 'batch' }>['log'];
export type CallUpdate = Extract<UiAgentEvent, { type: 'tool-update' }>['update'];

export class BatchView {
  readonly el: HTMLElement;
  private readonly calls: CallData[] = [];
  private readonly cards = new Map<string, ToolCard>();
  private readonly cardList = h('div', { class: 'tool-cards' });
  private readonly stats = h('span', { class: 'batch-stats' });
  private readonly timeline = new Timeline();
  private log?: BatchLog;

  constructor() {
    this.el = h(
      'section',
      { class: 'batch', 'aria-label': 'Tool calls' },
      h('div', { class: 'batch-header' }, icon('run-all'), h('span', { class: 'batch-title' }, 'Tool calls'), this.stats),
      this.timeline.el,
      this.cardList,
    );
  }

  /** Rebuilds a finished batch from the transcript: the calls, their results, and the batch log when there is one. */
  static fromTranscript(calls: readonly ToolCall[], results: readonly ToolResult[], log: BatchLog | undefined): BatchView {
    const view = new BatchView();
    for (const call of calls) {
      const result = results.find((r) => r.callId === call.id);
      view.upsert(call.id, { name: call.name, arguments: call.arguments, summary: summarizeArguments(call.arguments), state: result ? (result.ok ? 'done' : 'failed') : 'cancelled', result });
    }
    if (log) view.finish(log);
    else view.refresh();
    return view;
  }

  addCall(call: ToolCall, summary: string): void {
    this.upsert(call.id, { name: call.name, arguments: call.arguments, summary });
    this.refresh();
  }

  update(u: CallUpdate): void {
    this.timeline.observe(u.atMs);
    const current = this.calls.find((c) => c.id === u.callId);
    const patch: Partial<CallData> = { name: u.name, state: u.state };
    if (u.summary) patch.summary = u.summary;
    if (u.state === 'awaiting_approval') patch.approvalFrom ??= current?.approvalFrom ?? u.atMs;
    else if (current?.approvalFrom !== undefined && current.approvalTo === undefined) patch.approvalTo = u.atMs;
    if (u.state === 'running') patch.startAt = u.atMs;
    else if (isFinal(u.state)) patch.endAt = u.atMs;
    else if (current?.queuedAt === undefined) patch.queuedAt = u.atMs;
    if (u.durationMs !== undefined && (u.durationMs > 0 || current?.startAt !== undefined)) patch.durationMs = u.durationMs;
    if (u.result) patch.result = u.result;
    if (u.sharedWith) patch.sharedWith = u.sharedWith;
    this.upsert(u.callId, patch);
    this.refresh();
  }

  /** The final log is authoritative: exact start/end times, states, and when the model stream ended. */
  finish(log: BatchLog): void {
    this.log = log;
    for (const c of log.calls) {
      const known = this.calls.find((x) => x.id === c.id);
      const ran = known?.startAt !== undefined || c.ms > 0 || c.state === 'done';
      const approval = c.approvalStartMs !== undefined ? { approvalFrom: c.approvalStartMs, approvalTo: c.approvalEndMs ?? c.endMs } : {};
      this.upsert(c.id, { name: c.name, summary: c.summary || known?.summary || '', state: c.state, startAt: ran ? c.startMs : undefined, endAt: c.endMs, durationMs: ran ? c.ms : undefined, sharedWith: c.sharedWith, ...approval });
    }
    this.refresh();
  }

  has(callId: string): boolean {
    return this.cards.has(callId);
  }

  dispose(): void {
    this.timeline.dispose();
  }

  private upsert(id: string, patch: Partial<CallData>): void {
    if (patch.approvalFrom === undefined) delete patch.approvalFrom;
    let data = this.calls.find((c) => c.id === id);
    if (!data) {
      data = { id, name: '', summary: '', arguments: '', state: 'queued', ...patch };
      this.calls.push(data);
      const card = new ToolCard(data);
      this.cards.set(id, card);
      this.cardList.appendChild(card.el);
      return;
    }
    Object.assign(data, patch);
    this.cards.get(id)!.update(data);
  }

  private refresh(): void {
    const n = this.calls.length;
    const parts = [`${n} call${n === 1 ? '' : 's'}`];
    if (this.log) {
      // Tool time is running time only (a shared call did not run: its leader's time is counted once); the wall
      // clock leaves out the time the batch waited for the user.
      const work = this.log.calls.reduce((sum, c) => sum + (c.sharedWith ? 0 : c.ms), 0);
      const user = userWaitMs(this.calls);
      const wall = Math.max(0, this.log.wallMs - user);
      parts.push(`${formatMs(wall)} wall`);
      if (work > wall * 1.05) parts.push(`${formatMs(work)} of tool time`);
      if (user > 0) parts.push(`${formatMs(user)} waiting for you`);
      const failed = this.calls.filter((c) => shownState(c) !== 'done').length;
      if (failed) parts.push(`${failed} not ok`);
      const shared = this.log.calls.filter((c) => c.sharedWith).length;
      if (shared) parts.push(`${shared} shared`);
    } else {
      const running = this.calls.filter((c) => c.state === 'running').length;
      if (running) parts.push(`${running} running`);
    }
    this.stats.textContent = parts.join(' · ');
    this.timeline.render({ calls: this.calls, wallMs: this.log?.wallMs, streamEndMs: this.log?.streamEndMs });
  }
}

/** How long the batch waited for the user: the span from the first approval asked to the last one answered. */
function userWaitMs(calls: readonly CallData[]): number {
  const asked = calls.filter((c) => c.approvalFrom !== undefined && c.approvalTo !== undefined);
  if (!asked.length) return 0;
  return Math.max(0, Math.max(...asked.map((c) => c.approvalTo!)) - Math.min(...asked.map((c) => c.approvalFrom!)));
}
