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
      const { ms, value } = await timed(() => runBatch(scheduler, calls));
      if (value.results.length !== n || !value.results.every((r) => r.ok)) throw new Error('a no-op call failed');
      const ctx = { ...testContext(), signal: new AbortController().signal };
      const work = await timed(async () => {
        for (let i = 0; i < n; i++) await noop.execute({ i }, ctx);
      });
      return ((ms - work.ms) * 1000) / n;
    };
    // Warm-up: the first batches pay for compiling the scheduler's paths, once per process, not per call.
    await repeat(WARMUP_BATCHES, () => perCall(CALLS));
    const big = median(await repeat(Math.max(repeats, 3), () => perCall(CALLS)));
    const small = median(await repeat(Math.max(repeats, 3), () => perCall(100)));
    progress(`scheduler_overhead_us: ${big.toFixed(1)} us/call at ${CALLS} calls, ${small.toFixed(1)} at 100`);
    return [checked('scheduler_overhead_us', big, 'us/call', '<', 50, `${CALLS} no-op calls in one batch, default cap of 8 at once, after ${WARMUP_BATCHES} warm-up batches; median of ${Math.max(repeats, 3)}; ${small.toFixed(1)} us/call in a batch of 100 (flat = linear)`)];
  },
};
