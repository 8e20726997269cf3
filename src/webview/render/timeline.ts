// A live Gantt chart of one batch: a row per call, x = ms since the batch started. The waiting part (queued, approval,
// file lock) is drawn lighter than the running part, and a dashed line marks when the model's stream ended, so a user
// sees which calls overlapped, which started before the model had finished, and which one was slow.
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
  run: HTMLElement;
  stream: HTMLElement;
}

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
    const pct = (ms: number) => `${((Math.min(ms, max) / max) * 100).toFixed(3)}%`;

    for (const [i, call] of calls.entries()) {
      const row = this.row(call);
      const s = spans[i]!;
      row.el.dataset.state = call.state;
      row.label.lastChild!.textContent = call.summary || call.name;
      place(row.wait, s.queued, s.start ?? s.end, pct);
      place(row.run, s.start, s.end, pct);
      row.stream.hidden = streamEndMs === undefined;
      if (streamEndMs !== undefined) row.stream.style.left = pct(streamEndMs);
      row.el.title = describe(call, s);
      if (row.el.parentElement !== this.rowsEl || this.rowsEl.children[i] !== row.el) this.rowsEl.insertBefore(row.el, this.rowsEl.children[i] ?? null);
    }
    this.drawAxis(max, streamEndMs, pct);
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
    const run = h('div', { class: 'tl-bar tl-run' });
    const stream = h('div', { class: 'tl-stream' });
    const label = h('div', { class: 'tl-label' }, icon(toolIcon(call.name)), h('span', {}));
    const el = h('div', { class: 'tl-row', 'data-call-id': call.id }, label, h('div', { class: 'tl-track' }, wait, run, stream));
    row = { el, label, wait, run, stream };
    this.rows.set(call.id, row);
    return row;
  }

  private drawAxis(max: number, streamEndMs: number | undefined, pct: (ms: number) => string): void {
    const track = h('div', { class: 'tl-track tl-ticks' }, tick('0', '0%', 'start'), tick(formatMs(max / 2), '50%', 'middle'), tick(formatMs(max), '100%', 'end'));
    if (streamEndMs !== undefined) {
      const marker = h('span', { class: 'tl-stream-label', title: `Model stream ended at ${formatMs(streamEndMs)}` }, 'stream end');
      marker.style.left = pct(streamEndMs);
      track.appendChild(marker);
    }
    this.axis.replaceChildren(h('div', { class: 'tl-label tl-legend' }, h('span', { class: 'tl-key tl-key-wait' }), 'wait ', h('span', { class: 'tl-key tl-key-run' }), 'run'), track);
  }
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
  bar.style.left = pct(from);
  bar.style.width = pct(Math.max(0, to - from));
}

function tick(text: string, left: string, align: string): HTMLElement {
  const t = h('span', { class: `tl-tick tl-tick-${align}` }, text);
  t.style.left = left;
  return t;
}

function describe(c: CallData, s: Span): string {
  const parts = [`${c.name} ${c.summary}`.trim()];
  if (s.queued !== undefined && s.start !== undefined && s.start > s.queued) parts.push(`waited ${formatMs(s.start - s.queued)}`);
  if (s.start !== undefined) parts.push(`ran ${formatMs(s.start)} → ${formatMs(s.end)}`);
  parts.push(c.state.replace('_', ' '));
  return parts.join(' · ');
}
