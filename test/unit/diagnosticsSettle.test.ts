import * as assert from 'node:assert/strict';
import { DiagnosticsSettle, type SettleClock } from '../../src/vscode/diagnosticsSettle';

/** A clock that moves only when the test says so, firing due timers in order. */
class ManualClock implements SettleClock {
  private t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 0;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (id: unknown) => {
    this.timers = this.timers.filter((x) => x.id !== id);
  };
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = due.at;
      due.fn();
    }
    this.t = end;
  }
}

function track<T>(p: Promise<T>) {
  const state: { value?: T; done: boolean } = { done: false };
  void p.then((v) => Object.assign(state, { value: v, done: true }));
  return state;
}

const flush = () => new Promise((r) => setImmediate(r));

describe('DiagnosticsSettle (when the Problems panel is current)', () => {
  const signal = new AbortController().signal;
  const opts = { quietMs: 300, maxWaitMs: 3000 };
  const only = (key: string) => (k: string) => k === key;

  it('answers at once when nothing changed since the last report', async () => {
    const s = new DiagnosticsSettle(opts, new ManualClock());
    assert.equal(await s.settle(() => true, signal), true);
  });

  it('after a change waits for a report on that document, then for quiet; other documents do not count', async () => {
    const clock = new ManualClock();
    const s = new DiagnosticsSettle(opts, clock);
    s.textChanged('a');
    const r = track(s.settle(only('a'), signal));
    clock.advance(1000);
    s.diagnosticsChanged(['b']);
    clock.advance(1000);
    await flush();
    assert.equal(r.done, false, 'still waiting for a report on a');
    s.diagnosticsChanged(['a']); // syntax
    clock.advance(200);
    s.diagnosticsChanged(['a']); // semantics, within the quiet period: the wait goes on
    clock.advance(299);
    await flush();
    assert.equal(r.done, false);
    clock.advance(1);
    await flush();
    assert.deepEqual(r, { done: true, value: true });
  });

  it('gives up after maxWaitMs and says so', async () => {
    const clock = new ManualClock();
    const s = new DiagnosticsSettle(opts, clock);
    s.textChanged('a');
    const r = track(s.settle(only('a'), signal));
    clock.advance(2999);
    await flush();
    assert.equal(r.done, false);
    clock.advance(1);
    await flush();
    assert.deepEqual(r, { done: true, value: false });
  });

  it('stops waiting when the call is stopped', async () => {
    const s = new DiagnosticsSettle(opts, new ManualClock());
    s.textChanged('a');
    const stop = new AbortController();
    const p = s.settle(only('a'), stop.signal);
    stop.abort(new Error('stopped'));
    await assert.rejects(p, /stopped/);
  });
});
