// A live Gantt chart of one batch: a row per call, x = ms since the batch started. The waiting part (queued, file lock)
// is drawn lighter than the running part, and a dashed line marks when the model's stream ended, so a user sees which
// calls overlapped, which started before the model had finished, and which one was slow. Time spent waiting for the
// user's approval is its own hatched segment, drawn at a fixed share of the width when it is long: a minute of
// thinking about an edit must not shrink 100 ms reads to slivers.
import { formatMs, h, icon } from '../dom';
import { isFinal, toolIcon, type CallData } from './toolCards';

export interface TimelineData {
  calls: readonly CallData[];
  /** Known once the batch has finished; until then the chart grows with the clock. */
  wallMs?: number;
  streamEndMs?: number;
}

interface Row {
  el: HTMLElement;
  label: HTMLElement;
  wait: HTMLElement;
  user: HTMLElement;
  run: HTMLElement;
  stream: HTMLElement;
}

/** The user's share of the chart when their wait is long (it would otherwise dwarf the tools). */
const USER_SHARE = 0.2;

const LIVE_REDRAW_MS = 100;

export class Timeline {
  readonly el: HTMLElement;
  private readonly rowsEl = h('div', { class: 'tl-rows' });
  private readonly axis = h('div', { class: 'tl-axis' });
  private readonly rows = new Map<string, Row>();
  private data: TimelineData = { calls: [] };
  /** performance.now() at the batch start, estimated from the earliest-arriving update (transport delay >= 0). */
  private origin?: number;
  private latestAtMs = 0;
  private frame = 0;
  private lastDraw = 0;

  constructor() {
    this.el = h('div', { class: 'timeline', role: 'img' }, this.rowsEl, this.axis);
  }

  /** Feeds the batch clock with an event's `atMs`, so running bars can grow between events. */
  observe(atMs: number): void {
    const origin = performance.now() - atMs;
    this.origin = this.origin === undefined ? origin : Math.min(this.origin, origin);
    this.latestAtMs = Math.max(this.latestAtMs, atMs);
  }

  render(data: TimelineData): void {
    this.data = data;
    this.draw();
    if (this.isLive() && !this.frame) this.frame = requestAnimationFrame(this.tick);
  }

  dispose(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  private readonly tick = (now: number): void => {
    this.frame = 0;
    if (!this.isLive() || !this.el.isConnected) return;
    if (now - this.lastDraw >= LIVE_REDRAW_MS) this.draw();
    this.frame = requestAnimationFrame(this.tick);
  };

  private isLive(): boolean {
    return this.data.wallMs === undefined && this.data.calls.some((c) => !isFinal(c.state));
  }

  private draw(): void {
    this.lastDraw = performance.now();
    const { calls, wallMs, streamEndMs } = this.data;
    const now = this.isLive() && this.origin !== undefined ? Math.max(this.latestAtMs, performance.now() - this.origin) : this.latestAtMs;
    const spans = calls.map((c) => span(c, now));
    const max = Math.max(1, wallMs ?? 0, streamEndMs ?? 0, now, ...spans.map((s) => s.end));
    const gap = userGap(calls, now);
    const pct = scale(max, gap);
    this.el.classList.toggle('has-user-gap', gap !== undefined);

    for (const [i, call] of calls.entries()) {
      const row = this.row(call);
      const s = spans[i]!;
      row.el.dataset.state = call.state;
      row.label.lastChild!.textContent = call.summary || call.name;
      place(row.wait, s.queued, s.start ?? s.end, pct);
      const asked = call.approvalFrom !== undefined;
      place(row.user, asked ? call.approvalFrom : undefined, call.approvalTo ?? (isFinal(call.state) ? s.end : now), pct);
      place(row.run, s.start, s.end, pct);
      row.stream.hidden = streamEndMs === undefined;
      if (streamEndMs !== undefined) row.stream.style.left = pct(streamEndMs);
      row.el.title = describe(call, s);
      if (row.el.parentElement !== this.rowsEl || this.rowsEl.children[i] !== row.el) this.rowsEl.insertBefore(row.el, this.rowsEl.children[i] ?? null);
    }
    this.drawAxis(max, streamEndMs, pct, gap);
    const slowest = calls.reduce<CallData | undefined>((a, c) => ((c.durationMs ?? 0) > (a?.durationMs ?? -1) ? c : a), undefined);
    this.el.setAttribute(
      'aria-label',
      `Timeline: ${calls.length} call${calls.length === 1 ? '' : 's'} over ${formatMs(max)}` +
        (streamEndMs !== undefined ? `, model stream ended at ${formatMs(streamEndMs)}` : '') +
        (slowest?.durationMs !== undefined ? `, slowest ${slowest.name} ${formatMs(slowest.durationMs)}` : ''),
    );
  }

  private row(call: CallData): Row {
    let row = this.rows.get(call.id);
    if (row) return row;
    const wait = h('div', { class: 'tl-bar tl-wait' });
    const user = h('div', { class: 'tl-bar tl-user' });
    const run = h('div', { class: 'tl-bar tl-run' });
    const stream = h('div', { class: 'tl-stream' });
    const label = h('div', { class: 'tl-label' }, icon(toolIcon(call.name)), h('span', {}));
    const el = h('div', { class: 'tl-row', 'data-call-id': call.id }, label, h('div', { class: 'tl-track' }, wait, user, run, stream));
    row = { el, label, wait, user, run, stream };
    this.rows.set(call.id, row);
    return row;
  }

  private drawAxis(max: number, streamEndMs: number | undefined, pct: (ms: number) => string, gap: Gap | undefined): void {
    // With a compressed user wait the middle of the axis is no longer half the time: only the ends are labelled.
    const track = h('div', { class: 'tl-track tl-ticks' }, tick('0', '0%', 'start'), gap ? null : tick(formatMs(max / 2), '50%', 'middle'), tick(formatMs(max), '100%', 'end'));
    if (gap) {
      const you = h('span', { class: 'tl-user-label', title: `Waited ${formatMs(gap.to - gap.from)} for your approval` }, `you ${formatMs(gap.to - gap.from)}`);
      you.style.left = pct((gap.from + gap.to) / 2);
      track.appendChild(you);
    }
    if (streamEndMs !== undefined) {
      const marker = h('span', { class: 'tl-stream-label', title: `Model stream ended at ${formatMs(streamEndMs)}` }, 'stream end');
      marker.style.left = pct(streamEndMs);
      track.appendChild(marker);
    }
    this.axis.replaceChildren(
      h('div', { class: 'tl-label tl-legend' }, h('span', { class: 'tl-key tl-key-wait' }), 'wait ', gap ? h('span', { class: 'tl-key tl-key-user' }) : null, gap ? 'you ' : '', h('span', { class: 'tl-key tl-key-run' }), 'run'),
      track,
    );
  }
}

interface Gap {
  from: number;
  to: number;
}

/** When the batch waited for the user: from the first approval asked to the last one answered (or now). */
function userGap(calls: readonly CallData[], now: number): Gap | undefined {
  const asked = calls.filter((c) => c.approvalFrom !== undefined);
  if (!asked.length) return undefined;
  const from = Math.min(...asked.map((c) => c.approvalFrom!));
  const to = Math.max(...asked.map((c) => c.approvalTo ?? (isFinal(c.state) ? (c.endAt ?? now) : now)));
  return to > from ? { from, to } : undefined;
}

/** ms -> left/width percentage; a long user wait is squeezed to USER_SHARE of the width, the rest keeps its scale. */
export function scale(max: number, gap: Gap | undefined): (ms: number) => string {
  const g = gap ? gap.to - gap.from : 0;
  const rest = Math.max(1, max - g);
  const drawn = gap ? Math.min(g, (rest * USER_SHARE) / (1 - USER_SHARE)) : 0;
  const total = rest + drawn;
  return (raw: number) => {
    const ms = Math.min(raw, max);
    let x = ms;
    if (gap && ms > gap.from) x = ms < gap.to ? gap.from + ((ms - gap.from) * drawn) / g : ms - g + drawn;
    return `${((x / total) * 100).toFixed(3)}%`;
  };
}

interface Span {
  queued?: number;
  start?: number;
  end: number;
}

function span(c: CallData, now: number): Span {
  const end = c.endAt ?? (isFinal(c.state) ? (c.startAt ?? c.queuedAt ?? now) : now);
  // Waiting lasts from the moment the call was queued until it started, or until it ended without starting.
  return { queued: c.queuedAt, start: c.startAt, end: Math.max(end, c.startAt ?? 0) };
}

function place(bar: HTMLElement, from: number | undefined, to: number, pct: (ms: number) => string): void {
  bar.hidden = from === undefined;
  if (from === undefined) return;
  const left = parseFloat(pct(from));
  bar.style.left = `${left.toFixed(3)}%`;
  bar.style.width = `${Math.max(0, parseFloat(pct(Math.max(from, to))) - left).toFixed(3)}%`;
}

function tick(text: string, left: string, align: string): HTMLElement {
  const t = h('span', { class: `tl-tick tl-tick-${align}` }, text);
  t.style.left = left;
  return t;
}

function describe(c: CallData, s: Span): string {
  const parts = [`${c.name} ${c.summary}`.trim()];
  const user = c.approvalFrom !== undefined && c.approvalTo !== undefined ? c.approvalTo - c.approvalFrom : 0;
  if (user > 0) parts.push(`waited ${formatMs(user)} for your approval`);
  if (s.queued !== undefined && s.start !== undefined && s.start - s.queued - user > 0) parts.push(`waited ${formatMs(s.start - s.queued - user)}`);
  if (s.start !== undefined) parts.push(`ran ${formatMs(s.start)} → ${formatMs(s.end)}`);
  parts.push(c.state.replace('_', ' '));
  return parts.join(' · ');
}
