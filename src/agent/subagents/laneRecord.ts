import type { SubagentRecord, UiAgentEvent } from '../../shared/protocol';

/**
 * A result's text kept for a lane drawn again from history. The lane is for the user to look back at (the parent got
 * the subagent's answer in its delegate result), so a long read or test log is cut rather than stored twice.
 */
export const LANE_RESULT_CHARS = 4000;

/** Events that draw nothing in a finished lane: progress the end state replaces. */
const TRANSIENT = new Set<UiAgentEvent['type']>(['context', 'retry', 'notice', 'compact', 'done', 'run-start']);
const FINAL_STATES = new Set(['done', 'failed', 'cancelled', 'denied']);

/**
 * Adds one subagent event to the conversation's lane records, compacted: a turn's text as one event, a call's last
 * update only (its result cut to LANE_RESULT_CHARS), no transient progress. A `started` event opens a record; the
 * others join the latest record of their agent (labels start again at sub-1 in every run).
 */
export function recordLaneEvent(records: SubagentRecord[], event: UiAgentEvent & { agent?: string }): void {
  const agent = event.agent;
  if (!agent || TRANSIENT.has(event.type)) return;
  if (event.type === 'subagent' && event.status === 'started') {
    records.push({ callId: event.callId, agent, events: [event] });
    return;
  }
  const record = findLast(records, (r) => r.agent === agent);
  if (!record) return;
  const events = record.events;
  const last = events[events.length - 1];
  if (event.type === 'text-delta' && last?.type === 'text-delta' && last.turn === event.turn) {
    events[events.length - 1] = { ...last, text: last.text + event.text };
    return;
  }
  if (event.type === 'tool-update') {
    if (!FINAL_STATES.has(event.update.state)) return;
    const result = event.update.result;
    if (result && result.content.length > LANE_RESULT_CHARS) {
      const cut = result.content.length - LANE_RESULT_CHARS;
      events.push({ ...event, update: { ...event.update, result: { ...result, content: `${result.content.slice(0, LANE_RESULT_CHARS)}\n… (${cut} more characters not kept with the conversation)` } } });
      return;
    }
  }
  events.push(event);
}

/** The records whose delegate call is still in the transcript (a conversation cut back loses the rest). */
export function lanesOf(records: readonly SubagentRecord[] | undefined, callIds: ReadonlySet<string>): SubagentRecord[] | undefined {
  const kept = records?.filter((r) => callIds.has(r.callId));
  return kept?.length ? kept : undefined;
}

function findLast<T>(items: readonly T[], match: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (match(items[i]!)) return items[i];
  return undefined;
}
