// read_many: 64 read_file calls of 100 KB files in one batch (real NodeWorkspace, warm page cache) against the same
// 64 run one by one. No injected latency: this is what the fan-out buys on a local disk, which may be little.
import { Scheduler } from '../../src/agent/scheduler';
import { defaultAgentSettings } from '../../src/agent/settings';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import { readFile } from '../../src/tools/readFile';
import { toolRegistry } from '../../src/tools/tool';
import { call, runBatch, testContext } from '../../test/fakes/fakeTools';
import { tempWorkspace } from '../../test/fakes/tempWorkspace';
import { fmtMs, median, repeat, reported, timed, type Scenario } from '../lib';

const FILES = 64;
const FILE_BYTES = 100 * 1024;

export const readMany: Scenario = {
  title: '64 concurrent reads of 100 KB files',
  names: ['read_many'],
  async run({ repeats, progress }) {
    const line = 'export const someValue = computeSomething(alpha, beta, gamma); // filler\n';
    const text = line.repeat(Math.ceil(FILE_BYTES / line.length)).slice(0, FILE_BYTES);
    const ws = tempWorkspace(Object.fromEntries(Array.from({ length: FILES }, (_, i) => [`src/big${i}.ts`, text])));
    try {
      const workspace = await NodeWorkspace.open(ws.dir);
      const calls = Array.from({ length: FILES }, (_, i) => call(`r${i}`, 'read_file', { path: `src/big${i}.ts` }));
      const batch = async (sequential: boolean) => {
        const scheduler = new Scheduler({ tools: toolRegistry([readFile]), context: testContext(workspace), maxConcurrentTools: defaultAgentSettings.maxConcurrentTools, sequential });
        const { ms, value } = await timed(() => runBatch(scheduler, calls));
        if (!value.results.every((r) => r.ok)) throw new Error(`a read failed: ${value.results.find((r) => !r.ok)?.content}`);
        return ms;
      };
      await batch(false); // warm the page cache and the code paths
      await batch(true);
      const runs = await repeat(Math.max(repeats, 3), async () => ({ par: await batch(false), seq: await batch(true) }));
      const par = median(runs.map((r) => r.par));
      const seq = median(runs.map((r) => r.seq));
      progress(`read_many: batch ${fmtMs(par)}, one by one ${fmtMs(seq)}`);
      return [
        reported('read_many', median(runs.map((r) => r.seq / r.par)), 'x',
          `speedup of one batch (${defaultAgentSettings.maxConcurrentTools} at once) over one by one: ${fmtMs(par)} vs ${fmtMs(seq)}; ${FILES} x ${FILE_BYTES / 1024} KB, ` +
            `warm page cache, results cut to 30k chars as the model would get them; median of ${runs.length}`),
      ];
    } finally {
      ws.cleanup();
    }
  },
};
