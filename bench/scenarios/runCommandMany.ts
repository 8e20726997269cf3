// run_command_many: 8 run_command calls in one batch (each a real process that waits like a short build or linter)
// against the same 8 run one by one, through the scheduler with the default limits (run_command: 4 at once). The
// per-tool cap makes the ideal 2 waves of 4, so ~4x; process start-up on a loaded 2-core machine takes some of it.
import { Scheduler } from '../../src/agent/scheduler';
import { defaultAgentSettings } from '../../src/agent/settings';
import { DEFAULT_TOOL_LIMITS } from '../../src/agent/defaults';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import { runCommand } from '../../src/tools/runCommand';
import { toolRegistry } from '../../src/tools/tool';
import { call, runBatch, testContext } from '../../test/fakes/fakeTools';
import { tempWorkspace } from '../../test/fakes/tempWorkspace';
import { fmtMs, median, repeat, reported, timed, type Scenario } from '../lib';

const COMMANDS = 8;
const WAIT_MS = 300;

export const runCommandMany: Scenario = {
  title: '8 run_command calls in one batch vs one by one',
  names: ['run_command_many'],
  async run({ repeats, progress }) {
    if (process.platform === 'win32') throw new Error('the commands are POSIX shell lines');
    const ws = tempWorkspace({ 'README.md': 'bench\n' });
    try {
      const workspace = await NodeWorkspace.open(ws.dir);
      const calls = Array.from({ length: COMMANDS }, (_, i) => call(`c${i}`, 'run_command', { command: `sleep ${WAIT_MS / 1000} && echo done ${i}` }));
      const batch = async (sequential: boolean) => {
        const scheduler = new Scheduler({ tools: toolRegistry([runCommand]), context: testContext(workspace), maxConcurrentTools: defaultAgentSettings.maxConcurrentTools, sequential });
        const { ms, value } = await timed(() => runBatch(scheduler, calls));
        const bad = value.results.find((r) => !r.ok || !r.content.includes('done'));
        if (bad) throw new Error(`a command failed: ${bad.content.slice(0, 300)}`);
        return ms;
      };
      await batch(false); // warm: the first spawns
      const runs = await repeat(Math.max(repeats, 3), async () => ({ par: await batch(false), seq: await batch(true) }));
      const par = median(runs.map((r) => r.par));
      const seq = median(runs.map((r) => r.seq));
      const cap = DEFAULT_TOOL_LIMITS.run_command?.maxConcurrent ?? defaultAgentSettings.maxConcurrentTools;
      progress(`run_command_many: batch ${fmtMs(par)}, one by one ${fmtMs(seq)}`);
      return [
        reported('run_command_many', median(runs.map((r) => r.seq / r.par)), 'x',
          `speedup of one batch (run_command: ${cap} at once) over one by one: ${fmtMs(par)} vs ${fmtMs(seq)}; ${COMMANDS} shell commands that each wait ${WAIT_MS} ms; ` +
            `ideal ${(COMMANDS / Math.ceil(COMMANDS / cap)).toFixed(0)}x; median of ${runs.length}`),
      ];
    } finally {
      ws.cleanup();
    }
  },
};
