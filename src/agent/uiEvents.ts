import type { ErrorAction, UiAgentEvent } from '../shared/protocol';
import type { ToolRegistry } from '../tools/tool';
import type { AgentEvent } from './loop';
import { prepareCall } from './prepareCall';

export interface UiEventContext {
  tools: ToolRegistry;
  /** For a `usage` event, that request's estimated cost; for `done`, the whole run's; for `subagent`, that subagent's so far. Absent: price unknown. */
  costUsd?: number;
}

/** The loop's event as the webview receives it: plain data, with the summary a tool card shows from the first moment. */
export function toUiEvent(event: AgentEvent, ctx: UiEventContext): UiAgentEvent {
  // A subagent's events keep its label: the chat draws them in its lane.
  const from = event.agent ? { agent: event.agent } : {};
  switch (event.type) {
    case 'tool-call':
      // An invalid call has no summary: its card shows the tool name until the error result arrives.
      return { type: 'tool-call', turn: event.turn, call: event.call, summary: prepareCall(event.call, ctx.tools).summary, atMs: event.atMs, ...from };
    case 'tool-update': {
      const { callId, name, summary, state, atMs, durationMs, result, sharedWith } = event.update;
      return { type: 'tool-update', turn: event.turn, update: { callId, name, summary, state, atMs, durationMs, result, sharedWith }, ...from };
    }
    case 'usage':
      return { type: 'usage', turn: event.turn, usage: event.usage, costUsd: ctx.costUsd, ...from };
    case 'subagent': {
      const { agent, callId, description, status, turns, model, usage, text } = event;
      return { type: 'subagent', agent, callId, description, status, turns, model, usage, text, costUsd: ctx.costUsd };
    }
    case 'done': {
      const { status, text, turns, usage, error } = event.outcome;
      return { type: 'done', status, text, turns, usage, costUsd: ctx.costUsd, errorKind: error?.kind };
    }
    case 'batch':
      return { type: 'batch', log: event.log, ...from };
    default:
      return event;
  }
}

/** What the user can do about a failed run, by the provider error kind (see providers/provider.ts). */
export function actionsForError(kind: string | undefined): ErrorAction[] {
  switch (kind) {
    case 'auth':
    case 'missing_key':
      return ['setApiKey', 'showLog'];
    case 'rate_limit':
    case 'overloaded':
    case 'network':
    case 'stream_dropped':
    case 'empty_response':
      return ['retry', 'showLog'];
    case 'unreachable':
      return ['retry', 'openSettings', 'showLog'];
    case 'bad_request':
      return ['selectModel', 'showLog'];
    case 'bad_config':
      return ['openSettings'];
    case 'context_overflow':
      // Retrying cannot help (it was compacted and retried once already); fanout.contextWindow may.
      return ['openSettings', 'showLog'];
    case 'restore_failed':
      return ['showLog'];
    case 'busy':
    case 'no_workspace':
    case 'not_found':
      return [];
    default:
      return ['retry', 'showLog'];
  }
}
