// scheduler_overhead_us: what the Scheduler itself costs per call (parse + validate, lock, slot, timeout timer,
// abort wiring, truncation, result conversion), from 1000 no-op calls in one batch minus the no-op work itself.
import { z } from 'zod';
import { Scheduler } from '../../src/agent/scheduler';
import { defineTool, toolRegistry, type ToolDefinition } from '../../src/tools/tool';
import { call, runBatch, testContext } from '../../test/fakes/fakeTools';
import { checked, median, repeat, timed, type Scenario } from '../lib';

const CALLS = 1000;
const WARMUP_BATCHES = 10;

const noop = defineTool({
  name: 'noop',
  description: 'Does nothing.',
  access: 'read',
  schema: z.object({ i: z.number().int() }),
  summary: (input) => String(input.i),
  async execute() {
    return '';
  },
}) as ToolDefinition;

export const schedulerOverhead: Scenario = {
  title: 'scheduler overhead per call',
  names: ['scheduler_overhead_us'],
  async run({ repeats, progress }) {
    const perCall = async (n: number) => {
      // A batch this large is beyond the default per-turn cap (128); the cap is not what is measured here.
      const scheduler = new Scheduler({ tools: toolRegistry([noop]), context: testContext(), maxCallsPerTurn: n });
      const calls = Array.from({ length: n }, (_, i) => call(`c${i}`, 'noop', { i }));
      const cpu = process.cpuUsage();
      const { ms, value } = await timed(() => runBatch(scheduler, calls));
      const used = process.cpuUsage(cpu);
      if (value.results.length !== n || !value.results.every((r) => r.ok)) throw new Error('a no-op call failed');
      const ctx = { ...testContext(), signal: new AbortController().signal };
      const work = await timed(async () => {
        for (let i = 0; i < n; i++) await noop.execute({ i }, ctx);
      });
      return { wallUs: ((ms - work.ms) * 1000) / n, cpuUs: (used.user + used.system) / n };
    };
    // Warm-up: the first batches pay for compiling the scheduler's paths, once per process, not per call.
    await repeat(WARMUP_BATCHES, () => perCall(CALLS));
    // Seven samples and the median: one batch that lands on another job's burst must not decide the figure.
    const times = Math.max(repeats, 7);
    const bigRuns = await repeat(times, () => perCall(CALLS));
    const smallRuns = await repeat(times, () => perCall(100));
    const big = median(bigRuns.map((r) => r.wallUs));
    const small = median(smallRuns.map((r) => r.wallUs));
    // CPU time (all threads, GC included) is less sensitive than wall time to other load on a shared machine.
    const cpu = median(bigRuns.map((r) => r.cpuUs));
    progress(`scheduler_overhead_us: ${big.toFixed(1)} us/call at ${CALLS} calls (cpu ${cpu.toFixed(1)}), ${small.toFixed(1)} at 100`);
    return [
      checked('scheduler_overhead_us', big, 'us/call', '<', 50,
        `${CALLS} no-op calls in one batch, default cap of 8 at once, after ${WARMUP_BATCHES} warm-up batches; median of ${times}; ` +
          `process CPU ${cpu.toFixed(1)} us/call; ${small.toFixed(1)} us/call in a batch of 100 (equal = linear)`),
    ];
  },
};
