// fanout_N: one batch of N independent calls, each sleeping L ms, through the real Scheduler. Perfect fan-out is
// ceil(N / maxConcurrentTools) waves of L, so the ratio batch wall / L should sit just above that.
import { Scheduler } from '../../src/agent/scheduler';
import { defaultAgentSettings } from '../../src/agent/settings';
import { toolRegistry } from '../../src/tools/tool';
import { call, ConcurrencyProbe, runBatch, sleepTool, testContext } from '../../test/fakes/fakeTools';
import { checked, fmtMs, median, repeat, timed, type Scenario } from '../lib';

const SIZES = [1, 2, 4, 8, 16, 32] as const;
const SLACK = 1.1;

export const fanout: Scenario = {
  title: 'fan-out of N independent calls',
  names: SIZES.map((n) => `fanout_${n}`),
  async run({ repeats, progress }) {
    const latencyMs = 200;
    const limit = defaultAgentSettings.maxConcurrentTools;
    const batch = async (n: number, ms: number) => {
      const probe = new ConcurrencyProbe();
      const scheduler = new Scheduler({ tools: toolRegistry([sleepTool(probe)]), context: testContext(), maxConcurrentTools: limit });
      const calls = Array.from({ length: n }, (_, i) => call(`c${i}`, 'sleep', { ms }));
      const { ms: wall, value } = await timed(() => runBatch(scheduler, calls));
      if (!value.results.every((r) => r.ok)) throw new Error(`fanout_${n}: a call failed: ${value.results.find((r) => !r.ok)?.content}`);
      return { wall, peak: probe.peak };
    };
    // The first batch of a process pays for loading and compiling the scheduler's code paths: not fan-out.
    await batch(limit * 4, 1);
    const rows = [];
    for (const n of SIZES) {
      const runs = await repeat(repeats, () => batch(n, latencyMs));
      const walls = runs.map((r) => r.wall);
      const peaks = runs.map((r) => r.peak);
      const wall = median(walls);
      const waves = Math.ceil(n / limit);
      progress(`fanout_${n}: ${fmtMs(wall)} for ${n} x ${latencyMs} ms`);
      rows.push(
        checked(`fanout_${n}`, wall / latencyMs, 'x L', '<=', SLACK * waves,
          `expected ceil(${n}/${limit}) = ${waves}; L = ${latencyMs} ms; median wall ${fmtMs(wall)} of ${repeats}; peak concurrency ${Math.max(...peaks)}`),
      );
    }
    return rows;
  },
};
