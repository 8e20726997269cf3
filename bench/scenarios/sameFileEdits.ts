// same_file_edits: 200 apply_edits over 20 files (10 each; 100 in quick mode) in ONE batch, on a real NodeWorkspace. Edits to one file
// queue behind its lock in model order while other files proceed; every edit must land (verified on disk), and the
// batch is compared with the same 200 edits run one by one by the sequential scheduler.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Scheduler } from '../../src/agent/scheduler';
import { defaultAgentSettings } from '../../src/agent/settings';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import { applyEdit } from '../../src/tools/applyEdit';
import { toolRegistry } from '../../src/tools/tool';
import { call, runBatch, testContext } from '../../test/fakes/fakeTools';
import { withLatency } from '../../test/fakes/reviewScenario';
import { tempWorkspace } from '../../test/fakes/tempWorkspace';
import { checked, fmtMs, median, repeat, timed, type Scenario } from '../lib';

const FILES = 20;
const EDIT_LATENCY_MS = 20;

const fileName = (f: number) => `src/part${f}.ts`;
const slot = (f: number, k: number) => `  slot(${k}); // pending in part ${f}`;
const done = (f: number, k: number) => `  slot(${k}); // done by edit ${f}.${k}`;
const fileText = (f: number, edits: number, line: (f: number, k: number) => string) =>
  `export function part${f}() {\n${Array.from({ length: edits }, (_, k) => `${line(f, k)}\n  work(${f}, ${k});`).join('\n')}\n}\n`;

export const sameFileEdits: Scenario = {
  title: 'many edits to the same files in one batch',
  names: ['same_file_edits'],
  async run({ quick, repeats, progress }) {
    const perFile = quick ? 5 : 10;
    const edits = FILES * perFile;
    const runs = await repeat(repeats, async (i) => {
      const par = await editBatch(false, perFile);
      const seq = await editBatch(true, perFile);
      progress(`same_file_edits ${i + 1}/${repeats}: batch ${fmtMs(par)}, one by one ${fmtMs(seq)}`);
      return { par, seq };
    });
    const par = median(runs.map((r) => r.par));
    const seq = median(runs.map((r) => r.seq));
    return [
      checked('same_file_edits', median(runs.map((r) => r.seq / r.par)), 'x', '>=', 5,
        `${edits} edits over ${FILES} files, all applied and verified on disk in every run; each edit +${EDIT_LATENCY_MS} ms injected (inside the file lock); ` +
          `batch ${fmtMs(par)} (${defaultAgentSettings.maxConcurrentTools} at once) vs one by one ${fmtMs(seq)}; ` +
          `real work per edit beyond the injected latency (one by one): ${fmtMs(seq / edits - EDIT_LATENCY_MS)}; median of ${repeats}`),
    ];
  },
};

/** Runs every edit as one batch and returns its wall time; throws if any edit failed or was lost. */
async function editBatch(sequential: boolean, perFile: number): Promise<number> {
  const ws = tempWorkspace(Object.fromEntries(Array.from({ length: FILES }, (_, f) => [fileName(f), fileText(f, perFile, slot)])));
  try {
    const workspace = await NodeWorkspace.open(ws.dir);
    const scheduler = new Scheduler({
      tools: toolRegistry([withLatency(applyEdit, EDIT_LATENCY_MS)]),
      context: testContext(workspace),
      maxConcurrentTools: defaultAgentSettings.maxConcurrentTools,
      // One batch of 200 is above the default per-turn cap of 128.
      maxCallsPerTurn: FILES * perFile,
      sequential,
    });
    // Model order interleaves the files: edit k of every file, then edit k+1 of every file.
    const calls = Array.from({ length: perFile }, (_, k) =>
      Array.from({ length: FILES }, (_, f) => call(`e${f}_${k}`, 'apply_edit', { path: fileName(f), oldText: slot(f, k), newText: done(f, k) })),
    ).flat();
    const { ms, value } = await timed(() => runBatch(scheduler, calls));
    const failed = value.results.filter((r) => !r.ok);
    if (failed.length) throw new Error(`${failed.length} edit(s) failed, first: ${failed[0].callId}: ${failed[0].content}`);
    for (let f = 0; f < FILES; f++) {
      if (readFileSync(path.join(ws.dir, fileName(f)), 'utf8') !== fileText(f, perFile, done)) throw new Error(`${fileName(f)} lost an edit (sequential=${sequential})`);
    }
    return ms;
  } finally {
    ws.cleanup();
  }
}
