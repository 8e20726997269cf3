// One card per tool call: icon, name, key argument, state badge, duration; expands to arguments and result.
import type { UiAgentEvent } from '../../shared/protocol';
import type { ToolResult } from '../../shared/transcript';
import { formatMs, h, icon } from '../dom';

export type CallState = Extract<UiAgentEvent, { type: 'tool-update' }>['update']['state'];

/** Everything the view knows about one call; times are ms since the batch started. */
export interface CallData {
  id: string;
  name: string;
  summary: string;
  arguments: string;
  state: CallState;
  queuedAt?: number;
  startAt?: number;
  endAt?: number;
  durationMs?: number;
  result?: ToolResult;
  /** An identical earlier call of the batch ran once for both; this one took its result. */
  sharedWith?: string;
  /** When the call started and stopped waiting for the user's approval (ms since the batch started). */
  approvalFrom?: number;
  approvalTo?: number;
}

const TOOL_ICONS: Record<string, string> = {
  read_file: 'file',
  search_workspace: 'search',
  list_files: 'list-tree',
  run_tests: 'beaker',
  run_command: 'terminal',
  fetch_url: 'globe',
  apply_edit: 'edit',
  delegate: 'organization',
};

export const toolIcon = (name: string): string => TOOL_ICONS[name] ?? 'tools';

const STATES: Record<CallState, { label: string; icon: string }> = {
  queued: { label: 'Queued', icon: 'clock' },
  awaiting_approval: { label: 'Awaiting approval', icon: 'shield' },
  waiting_lock: { label: 'Waiting on file lock', icon: 'lock' },
  running: { label: 'Running', icon: 'loading' },
  done: { label: 'Done', icon: 'check' },
  failed: { label: 'Failed', icon: 'error' },
  cancelled: { label: 'Cancelled', icon: 'circle-slash' },
  denied: { label: 'Denied', icon: 'close' },
};

export const isFinal = (s: CallState): boolean => s === 'done' || s === 'failed' || s === 'cancelled' || s === 'denied';

/**
 * The state to show. A test run or command that ran to its end is "done" for the scheduler (its output is a good
 * result for the model), but one that exited non-zero or was killed failed for the user.
 */
export function shownState(data: Pick<CallData, 'state' | 'result'>): CallState {
  return data.state === 'done' && data.result && commandFailed(data.result.content) ? 'failed' : data.state;
}

/** `$ npm test` / `exit code 1 after 1.2 s` / `killed (timeout)` as the first lines of a command's output. */
export function commandFailed(content: string): boolean {
  const head = content.split('\n', 2);
  const status = head[0]?.startsWith('$ ') ? head[1] : head[0];
  return /^(exit code [1-9]\d*|exit code -\d+|killed\b)/.test(status ?? '');
}

export class ToolCard {
  readonly el: HTMLDetailsElement;
  private readonly badge = h('span', { class: 'badge state-badge' });
  private readonly duration = h('span', { class: 'tool-duration' });
  private readonly shared = h('span', { class: 'badge shared-badge', hidden: true }, 'shared');
  private readonly summaryText = h('span', { class: 'tool-summary' });
  private readonly argsPre = h('pre', { class: 'mono tool-args' });
  private readonly resultSection = h('div', { class: 'tool-section', hidden: true });
  private readonly resultPre = h('pre', { class: 'mono tool-result' });

  constructor(data: CallData) {
    this.resultSection.append(h('div', { class: 'tool-section-label' }, 'Result'), this.resultPre);
    this.el = h(
      'details',
      { class: 'tool-card', 'data-call-id': data.id },
      h(
        'summary',
        { class: 'tool-row' },
        icon('chevron-right', 'tool-chevron'),
        h('span', { class: 'tool-icon' }, icon(toolIcon(data.name))),
        h('span', { class: 'tool-name' }, data.name),
        this.summaryText,
        this.badge,
        this.shared,
        this.duration,
      ),
      h('div', { class: 'tool-body' }, h('div', { class: 'tool-section' }, h('div', { class: 'tool-section-label' }, 'Arguments'), this.argsPre), this.resultSection),
    );
    this.update(data);
  }

  update(data: CallData): void {
    const shown = shownState(data);
    const state = STATES[shown];
    this.el.dataset.state = shown;
    this.shared.hidden = !data.sharedWith;
    this.shared.title = data.sharedWith ? `Identical to call ${data.sharedWith} of this batch: it ran once and both got its result.` : '';
    this.summaryText.textContent = data.summary;
    this.summaryText.title = data.summary;
    const label = shown !== data.state ? 'Failed (exit code)' : state.label;
    this.badge.title = label;
    this.badge.replaceChildren(icon(state.icon, ...(data.state === 'running' ? ['codicon-modifier-spin'] : [])), h('span', {}, label));
    this.duration.textContent = data.durationMs !== undefined ? formatMs(data.durationMs) : '';
    this.argsPre.textContent = prettyArguments(data.arguments);
    if (data.result) {
      this.resultSection.hidden = false;
      this.resultPre.textContent = data.result.content || '(empty)';
      this.resultPre.classList.toggle('is-error', !data.result.ok || shown === 'failed');
    }
  }
}

export function prettyArguments(raw: string): string {
  if (!raw) return '(none)';
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}

/** The key argument, for calls redrawn from a transcript that has no batch log (the log carries the real summary). */
export function summarizeArguments(raw: string): string {
  let args: unknown;
  try {
    args = JSON.parse(raw);
  } catch {
    return raw.slice(0, 80);
  }
  if (!args || typeof args !== 'object') return '';
  const record = args as Record<string, unknown>;
  const key = ['path', 'query', 'pattern', 'command', 'glob', 'file'].find((k) => typeof record[k] === 'string');
  const value = key ? record[key] : Object.values(record).find((v) => typeof v === 'string');
  return typeof value === 'string' ? value.slice(0, 80) : '';
}
