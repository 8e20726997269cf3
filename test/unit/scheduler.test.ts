import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Scheduler, type CallUpdate } from '../../src/agent/scheduler';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import { builtinTools } from '../../src/tools';
import { defineTool, toolRegistry, type ToolDefinition } from '../../src/tools/tool';
import { call, ConcurrencyProbe, runBatch, sleepTool, testContext } from '../fakes/fakeTools';
import { tempWorkspace } from '../fakes/tempWorkspace';
import { z } from 'zod';

describe('Scheduler', () => {
  it('never runs more than maxConcurrentTools at once, and runs that many', async () => {
    const probe = new ConcurrencyProbe();
    const s = new Scheduler({ tools: toolRegistry([sleepTool(probe)]), context: testContext(), maxConcurrentTools: 5 });
    const calls = Array.from({ length: 60 }, (_, i) => call(`c${i}`, 'sleep', { ms: 5 + (i % 7) }));
    const { results } = await runBatch(s, calls);
    assert.equal(results.length, 60);
    assert.equal(probe.peak, 5);
  });

  it('caps a tool below the global cap when it declares its own limit', async () => {
    const probe = new ConcurrencyProbe();
    const other = new ConcurrencyProbe();
    const s = new Scheduler({
      tools: toolRegistry([sleepTool(probe, { name: 'slow', access: 'exec' }), sleepTool(other, { name: 'fast' })]),
      context: testContext(),
      maxConcurrentTools: 8,
      perTool: { slow: { maxConcurrent: 2 } },
    });
    const calls = [...Array.from({ length: 6 }, (_, i) => call(`s${i}`, 'slow', { ms: 20, label: `s${i}` })), ...Array.from({ length: 6 }, (_, i) => call(`f${i}`, 'fast', { ms: 20, label: `f${i}` }))];
    const { results } = await runBatch(s, calls);
    assert.ok(results.every((r) => r.ok));
    assert.equal(probe.peak, 2);
    assert.equal(other.peak, 6, 'calls waiting on a per-tool limit do not hold global slots');
  });

  it('holds tools that share a cap (one MCP server) to it together, across batches', async () => {
    const probe = new ConcurrencyProbe();
    const shared = { key: 'mcp:srv', maxConcurrent: 2 };
    const s = new Scheduler({
      tools: toolRegistry([{ ...sleepTool(probe, { name: 'a' }), sharedLimit: shared }, { ...sleepTool(probe, { name: 'b' }), sharedLimit: shared }]),
      context: testContext(),
      maxConcurrentTools: 8,
    });
    const calls = (turn: number) => Array.from({ length: 6 }, (_, i) => call(`t${turn}_${i}`, i % 2 ? 'a' : 'b', { ms: 10 }));
    const [one, two] = await Promise.all([runBatch(s, calls(1)), runBatch(s, calls(2))]);
    assert.ok([...one.results, ...two.results].every((r) => r.ok));
    assert.equal(probe.peak, 2);
  });

  it('gives free slots in model order: a test run asked for before more reads starts ahead of them', async () => {
    // Reads start while the model streams and fill the slots; the test run waits for the stream's end. It must not
    // then queue behind every later read (the longest call of a review batch would start last).
    const probe = new ConcurrencyProbe();
    const s = new Scheduler({ tools: toolRegistry([sleepTool(probe), sleepTool(probe, { name: 'test', access: 'exec' })]), context: testContext(), maxConcurrentTools: 2 });
    const reads = (from: number, n: number) => Array.from({ length: n }, (_, i) => call(`r${from + i}`, 'sleep', { ms: 30, label: `r${from + i}` }));
    const { results } = await runBatch(s, [...reads(0, 2), call('t', 'test', { ms: 1, label: 't' }), ...reads(2, 4)]);
    assert.ok(results.every((r) => r.ok));
    assert.deepEqual(probe.order.slice(0, 3), ['r0', 'r1', 't']);
  });

  it('keeps the defaults of a tool\'s limits that an override leaves out (run_tests: 8 at once)', () => {
    const s = new Scheduler({ tools: toolRegistry([]), context: testContext(), perTool: { run_tests: { timeoutMs: 1000 } } });
    assert.deepEqual(s.options.perTool.run_tests, { maxConcurrent: 8, timeoutMs: 1000 });
  });

  describe('identical calls in one batch', () => {
    const tools = (probe: ConcurrencyProbe) =>
      toolRegistry([sleepTool(probe), sleepTool(probe, { name: 'test', access: 'exec' }), sleepTool(probe, { name: 'w', access: 'write' })]);

    it('run once (read or exec, arguments compared after parsing); every id gets the result, marked shared', async () => {
      const probe = new ConcurrencyProbe();
      const updates: CallUpdate[] = [];
      const s = new Scheduler({ tools: tools(probe), context: testContext() });
      const batch = s.startBatch(1, new AbortController().signal, (u) => updates.push(u));
      for (const c of [
        call('r1', 'sleep', { ms: 5, label: 'a' }),
        call('t1', 'test', { ms: 5, label: 't' }),
        call('r2', 'sleep', '{"label":"a", "ms":5}'),
        call('r3', 'sleep', { ms: 5, label: 'b' }),
        call('t2', 'test', { label: 't', ms: 5 }),
      ]) batch.add(c);
      const { results, log } = await batch.seal();
      assert.deepEqual(results.map((r) => [r.callId, r.ok, r.content]), [
        ['r1', true, 'slept 5 a'],
        ['t1', true, 'slept 5 t'],
        ['r2', true, 'slept 5 a'],
        ['r3', true, 'slept 5 b'],
        ['t2', true, 'slept 5 t'],
      ]);
      assert.deepEqual([...probe.order].sort(), ['a', 'b', 't'], 'three runs for five calls');
      assert.deepEqual(log.calls.map((c) => c.sharedWith), [undefined, undefined, 'r1', undefined, 't1']);
      const r2 = log.calls[2];
      assert.deepEqual([r2.state, r2.ok, r2.startMs, r2.endMs], ['done', true, log.calls[0].startMs, log.calls[0].endMs]);
      const r2States = updates.filter((u) => u.callId === 'r2');
      assert.deepEqual([r2States[0].state, r2States.at(-1)?.state], ['queued', 'done']);
      assert.equal(r2States.at(-1)?.result?.callId, 'r2');
      assert.ok(r2States.every((u) => u.sharedWith === 'r1'));
    });

    it('run again after a write call between them in model order', async () => {
      const probe = new ConcurrencyProbe();
      const s = new Scheduler({ tools: tools(probe), context: testContext() });
      const { results, log } = await runBatch(s, [
        call('r1', 'sleep', { ms: 1, label: 'a' }),
        call('t1', 'test', { ms: 1, label: 't' }),
        call('w', 'w', { ms: 1, label: 'edit' }),
        call('r2', 'sleep', { ms: 1, label: 'a' }),
        call('t2', 'test', { ms: 1, label: 't' }),
        call('t3', 'test', { ms: 1, label: 't' }),
      ]);
      assert.ok(results.every((r) => r.ok));
      assert.deepEqual(log.calls.map((c) => c.sharedWith), [undefined, undefined, undefined, undefined, undefined, 't2']);
      assert.equal(probe.order.length, 5);
    });

    it('are not merged when parallel calls are off (one call per turn is the baseline)', async () => {
      const probe = new ConcurrencyProbe();
      const s = new Scheduler({ tools: tools(probe), context: testContext(), sequential: true });
      const { log } = await runBatch(s, [call('a', 'sleep', { ms: 1 }), call('b', 'sleep', { ms: 1 })]);
      assert.deepEqual(log.calls.map((c) => c.sharedWith), [undefined, undefined]);
      assert.equal(probe.order.length, 2);
    });

    it('follow their leader on a stop: both are reported cancelled', async () => {
      const probe = new ConcurrencyProbe();
      const stop = new AbortController();
      const s = new Scheduler({ tools: tools(probe), context: testContext(), cancelGraceMs: 10 });
      const batch = s.startBatch(1, stop.signal, (u) => u.callId === 't1' && u.state === 'running' && stop.abort(new Error('stop')));
      batch.add(call('t1', 'test', { ms: 10_000 }));
      batch.add(call('t2', 'test', { ms: 10_000 }));
      const { results, log } = await batch.seal();
      assert.deepEqual(results.map((r) => r.content.match(/^Error \((\w+)\)/)?.[1]), ['cancelled', 'cancelled']);
      assert.deepEqual(log.calls.map((c) => [c.state, c.sharedWith]), [['cancelled', undefined], ['cancelled', 't1']]);
    });
  });

  it('returns exactly one result per call id, in model order, whatever mix of outcomes', async () => {
    const probe = new ConcurrencyProbe();
    // Only `hang` has a short timeout, and it never finishes by itself: which calls time out does not depend on how
    // loaded the machine is.
    const s = new Scheduler({
      tools: toolRegistry([sleepTool(probe), sleepTool(probe, { name: 'hang' })]),
      context: testContext(),
      maxConcurrentTools: 4,
      perTool: { hang: { timeoutMs: 40 } },
      cancelGraceMs: 20,
    });
    const calls = Array.from({ length: 40 }, (_, i) => {
      const kind = i % 5;
      if (kind === 0) return call(`c${i}`, 'sleep', { ms: (i * 7) % 13 });
      if (kind === 1) return call(`c${i}`, 'sleep', { ms: 1, fail: true });
      if (kind === 2) return call(`c${i}`, 'hang', { ms: 600_000 }); // times out
      if (kind === 3) return call(`c${i}`, 'nope', {});
      return call(`c${i}`, 'sleep', '{"ms": 1,');
    });
    const { results, log } = await runBatch(s, calls);
    assert.deepEqual(results.map((r) => r.callId), calls.map((c) => c.id));
    assert.deepEqual(log.calls.map((c) => c.id), calls.map((c) => c.id));
    const codes = results.map((r) => (r.ok ? 'ok' : /^Error \((\w+)\)/.exec(r.content)![1]));
    assert.deepEqual(codes.slice(0, 5), ['ok', 'failed', 'timeout', 'unknown_tool', 'invalid_json']);
    assert.match(results[2].content, /hang did not finish within 0.04 s/);
    assert.equal(new Set(codes).size, 5);
  });

  it('times out a tool by aborting its signal, and reports it', async () => {
    const probe = new ConcurrencyProbe();
    const s = new Scheduler({ tools: toolRegistry([sleepTool(probe)]), context: testContext(), toolTimeoutMs: 30 });
    // Far longer than the test's own timeout: only the aborted signal can end it.
    const { results } = await runBatch(s, [call('a', 'sleep', { ms: 600_000 })]);
    assert.match(results[0].content, /^Error \(timeout\): sleep did not finish within 0.03 s/);
    assert.equal(probe.running, 0, 'the work itself ended: it was aborted, not abandoned');
  });

  it('reports a tool that ignores its signal as timed out after the grace period', async () => {
    const probe = new ConcurrencyProbe();
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const s = new Scheduler({ tools: toolRegistry([sleepTool(probe, { ignoreAbortUntil: released })]), context: testContext(), toolTimeoutMs: 20, cancelGraceMs: 30 });
    const { results } = await runBatch(s, [call('a', 'sleep', { ms: 0 })]);
    assert.match(results[0].content, /^Error \(timeout\)/);
    assert.equal(probe.running, 1, 'the result came while the tool still ran: the grace period, not the tool, ended the call');
    release();
  });

  it('validates arguments centrally with clear errors', async () => {
    const probe = new ConcurrencyProbe();
    const s = new Scheduler({ tools: toolRegistry([sleepTool(probe)]), context: testContext() });
    const { results } = await runBatch(s, [
      call('a', 'sleep', { ms: 'soon' }),
      call('b', 'sleep', {}),
      call('c', 'sleep', { ms: 1, extra: true }),
      call('d', 'sleep', '[1,2]'),
    ]);
    assert.match(results[0].content, /^Error \(invalid_arguments\): Invalid arguments for sleep: ms: /);
    assert.match(results[1].content, /ms: /);
    assert.match(results[2].content, /extra/);
    assert.match(results[3].content, /^Error \(invalid_arguments\)/);
    assert.equal(probe.order.length, 0, 'nothing ran');
  });

  it('answers calls past maxCallsPerTurn with an error instead of running them', async () => {
    const probe = new ConcurrencyProbe();
    const s = new Scheduler({ tools: toolRegistry([sleepTool(probe)]), context: testContext(), maxCallsPerTurn: 10 });
    const { results } = await runBatch(s, Array.from({ length: 500 }, (_, i) => call(`c${i}`, 'sleep', { ms: 0, label: `c${i}` })));
    assert.equal(results.length, 500);
    assert.equal(results.filter((r) => r.ok).length, 10);
    assert.match(results[10].content, /^Error \(too_many_calls\)/);
    assert.equal(probe.order.length, 10);
  });

  it('cancels every unfinished call on stop, and lets finished ones stand', async () => {
    const probe = new ConcurrencyProbe();
    const s = new Scheduler({ tools: toolRegistry([sleepTool(probe)]), context: testContext(), maxConcurrentTools: 2 });
    const stop = new AbortController();
    // Stop once the fast call is done and two slow ones run (the others queue behind the cap of 2).
    const states = new Map<string, string>();
    const batch = s.startBatch(1, stop.signal, (u) => {
      states.set(u.callId, u.state);
      const running = [...states.values()].filter((st) => st === 'running').length;
      if (states.get('fast') === 'done' && running === 2 && !stop.signal.aborted) stop.abort(new Error('user stop'));
    });
    batch.add(call('fast', 'sleep', { ms: 1 }));
    for (let i = 0; i < 6; i++) batch.add(call(`slow${i}`, 'sleep', { ms: 600_000, label: `slow${i}` }));
    const sealed = batch.seal();
    const { results } = await sealed;
    assert.equal(results.length, 7);
    assert.ok(results[0].ok);
    for (const r of results.slice(1)) assert.match(r.content, /^Error \(cancelled\)/);
    assert.equal(probe.running, 0);
  });

  it('starts read calls before the batch is sealed, and holds writes until it is', async () => {
    const probe = new ConcurrencyProbe();
    const s = new Scheduler({
      tools: toolRegistry([sleepTool(probe, { name: 'r' }), sleepTool(probe, { name: 'w', access: 'write' })]),
      context: testContext(),
    });
    let readDone!: () => void;
    const done = new Promise<void>((r) => (readDone = r));
    const batch = s.startBatch(1, new AbortController().signal, (u) => u.callId === '1' && u.state === 'done' && readDone());
    batch.add(call('1', 'r', { ms: 1, label: 'read' }));
    batch.add(call('2', 'w', { ms: 1, label: 'write' }));
    await done;
    assert.deepEqual(probe.order, ['read'], 'the read ran while the turn was still streaming; the write waited');
    const { log } = await batch.seal();
    assert.deepEqual(probe.order, ['read', 'write']);
    assert.equal(log.calls[0].early, true);
    assert.equal(log.calls[1].early, false);
  });

  it('logs a call that starts in the batch\'s first millisecond with its real start, end and duration', async () => {
    const s = new Scheduler({ tools: toolRegistry([sleepTool(new ConcurrencyProbe())]), context: testContext() });
    const batch = s.startBatch(1, new AbortController().signal);
    // Added at once: a read starts while the batch clock still reads (nearly) 0.
    batch.add(call('first', 'sleep', { ms: 20 }));
    const { log } = await batch.seal();
    const [c] = log.calls;
    assert.ok(c.startMs < c.endMs, `start ${c.startMs} before end ${c.endMs}`);
    assert.ok(c.ms > 0);
    assert.equal(c.ms, Math.round((c.endMs - c.startMs) * 100) / 100);
  });

  it('runs calls one by one in sequential mode', async () => {
    const probe = new ConcurrencyProbe();
    const s = new Scheduler({
      tools: toolRegistry([sleepTool(probe), sleepTool(probe, { name: 'capped', access: 'exec' })]),
      context: testContext(),
      sequential: true,
      perTool: { capped: { maxConcurrent: 4 } },
    });
    await runBatch(s, Array.from({ length: 5 }, (_, i) => call(`c${i}`, i === 1 ? 'capped' : 'sleep', { ms: 3, label: String(i) })));
    assert.equal(probe.peak, 1);
    assert.deepEqual(probe.order, ['0', '1', '2', '3', '4'], 'a tool with its own limit does not fall behind later calls');
  });

  it('truncates large results, keeping head and tail with a note', async () => {
    const big = { ...sleepTool(new ConcurrencyProbe()), name: 'big', execute: async () => `HEAD\n${'x'.repeat(100)}\n`.repeat(1000) + 'TAIL' };
    const s = new Scheduler({ tools: toolRegistry([big]), context: testContext(), maxResultChars: 2000 });
    const { results } = await runBatch(s, [call('a', 'big', { ms: 0 })]);
    assert.ok(results[0].content.length < 2300);
    assert.ok(results[0].content.startsWith('HEAD'));
    assert.ok(results[0].content.endsWith('TAIL'));
    assert.match(results[0].content, /characters \(\d+ lines\) cut from the middle/);
  });

  describe('with real files', () => {
    let ws: ReturnType<typeof tempWorkspace>;
    afterEach(() => ws.cleanup());

    it('applies 100 concurrent apply_edits to one file, all of them, in model order', async () => {
      ws = tempWorkspace({ 'log.txt': 'START\n' });
      const workspace = await NodeWorkspace.open(ws.dir);
      const s = new Scheduler({ tools: toolRegistry(builtinTools), context: testContext(workspace), maxConcurrentTools: 8 });
      // Each edit appends after the previous line: it can only match if every earlier edit has landed, in order.
      const calls = Array.from({ length: 100 }, (_, i) => {
        const prev = i === 0 ? 'START\n' : `line ${i - 1}\n`;
        return call(`e${i}`, 'apply_edit', { path: i % 2 ? './log.txt' : 'sub/../log.txt', oldText: prev, newText: `${prev}line ${i}\n` });
      });
      const { results } = await runBatch(s, calls);
      assert.deepEqual(results.filter((r) => !r.ok), []);
      const expected = `START\n${Array.from({ length: 100 }, (_, i) => `line ${i}\n`).join('')}`;
      assert.equal(readFileSync(path.join(ws.dir, 'log.txt'), 'utf8'), expected);
    });

    it('overlaps writes to different files', async () => {
      ws = tempWorkspace();
      const probe = new ConcurrencyProbe();
      const s = new Scheduler({ tools: toolRegistry([sleepTool(probe, { name: 'w', access: 'write' })]), context: testContext(), maxConcurrentTools: 8 });
      const calls = Array.from({ length: 8 }, (_, i) => call(`w${i}`, 'w', { ms: 30, path: `f${i}.ts` }));
      await runBatch(s, calls);
      assert.equal(probe.peak, 8);
    });

    it('keeps a file locked for as long as a slow write runs, past the cancel grace period', async () => {
      const probe = new ConcurrencyProbe();
      const s = new Scheduler({ tools: toolRegistry([sleepTool(probe, { name: 'w', access: 'write' })]), context: testContext(), cancelGraceMs: 10 });
      ws = tempWorkspace();
      await runBatch(s, [call('1', 'w', { ms: 80, path: 'a.ts', label: 'slow' }), call('2', 'w', { ms: 1, path: 'a.ts', label: 'next' })]);
      assert.equal(probe.peak, 1, 'the second write waited for the first to finish');
      assert.deepEqual(probe.order, ['slow', 'next']);
    });

    it('serialises writes to one file and orders a later read after them', async () => {
      const probe = new ConcurrencyProbe();
      const s = new Scheduler({
        tools: toolRegistry([sleepTool(probe, { name: 'w', access: 'write' }), sleepTool(probe, { name: 'r' })]),
        context: testContext(),
      });
      ws = tempWorkspace();
      await runBatch(s, [
        call('1', 'w', { ms: 20, path: 'a.ts', label: 'w1' }),
        call('2', 'r', { ms: 1, path: 'a.ts', label: 'r-after-w1' }),
        call('3', 'w', { ms: 5, path: 'a.ts', label: 'w2' }),
        call('4', 'r', { ms: 1, path: 'b.ts', label: 'other' }),
      ]);
      assert.deepEqual(probe.order, ['other', 'w1', 'r-after-w1', 'w2']);
    });
  });
});

describe('a stop releases waiting calls at once', () => {
  it('cancels calls waiting behind a file lock or a slot while the running call still winds down', async () => {
    // The running edit ignores its signal and ends only when the test lets it: anything released before that was
    // released by the stop itself, not by the slot or the lock coming free.
    let finishRunning!: () => void;
    const held = new Promise<void>((r) => (finishRunning = r));
    const gated = defineTool({
      name: 'gated_edit',
      description: 'Writes a file; ends when the test says so.',
      access: 'write',
      schema: z.strictObject({ path: z.string(), label: z.string() }),
      files: (input) => [{ path: input.path, write: true }],
      summary: (input) => input.label,
      async execute() {
        stop.abort(new Error('user stop'));
        await held;
        return 'written';
      },
    }) as ToolDefinition;
    const stop = new AbortController();
    const probe = new ConcurrencyProbe();
    // `wait` is an exec: like the edits it starts after the turn ends, in model order, so the first edit gets the slot.
    const s = new Scheduler({ tools: toolRegistry([gated, sleepTool(probe, { name: 'wait', access: 'exec' })]), context: testContext(), maxConcurrentTools: 1, cancelGraceMs: 600_000 });
    const order: string[] = [];
    const batch = s.startBatch(1, stop.signal, (u) => {
      if (u.state === 'running' || u.state === 'cancelled' || u.state === 'done') order.push(`${u.summary} ${u.state}`);
      // Both waiters released while the first edit still holds the slot and the lock: now let it end.
      if (order.includes('behind-lock cancelled') && order.includes('behind-slot cancelled')) finishRunning();
    });
    batch.add(call('e1', 'gated_edit', { path: 'a.txt', label: 'first' }));
    batch.add(call('e2', 'gated_edit', { path: 'a.txt', label: 'behind-lock' }));
    batch.add(call('r1', 'wait', { ms: 1, label: 'behind-slot' }));
    const { results } = await batch.seal();
    assert.deepEqual(order.slice(0, 1), ['first running']);
    assert.deepEqual(order.slice(1, 3).sort(), ['behind-lock cancelled', 'behind-slot cancelled']);
    assert.deepEqual(order.slice(3), ['first done'], 'the running edit ends with its own outcome');
    assert.deepEqual(results.map((r) => r.content.match(/^Error \((\w+)\)/)?.[1] ?? r.content), ['written', 'cancelled', 'cancelled']);
    assert.equal(probe.order.length, 0, 'the call waiting for a slot never ran');
  });
});
