// review_batch_vs_one_test(_distinct): the peer comparison's batch. One turn of 24 calls (8 files x read_file,
// search_workspace, run_tests) against ONE run_tests call alone, side by side in the same run, on a project whose
// `npm test` is a real Node test script (package.json, node_modules/.bin, ~0.4 s of mostly waiting like a small
// suite). "Identical": every test run asks for the whole suite (Fanout runs it once); "distinct": each file's run has
// its own filter (8 test processes at once). Fanout detects `npm test` and runs the script without npm (see README).
// Where the batch's time goes beyond the single run (profiled on the CI machine, 2 cores, load 11-19): the searches
// (now sharing ripgrep runs), the test run's wait for one of the 8 global slots the 16 early reads hold, and each
// spawn, which blocks the event loop until the child has exec'd (15-300 ms under load). "Distinct" is bound by CPU:
// one run of this script costs ~185 ms of CPU (Node's start-up), so 8 need >= 0.74 s of both cores before their
// 400 ms wait, a floor of ~1.9x even on an idle 2-core machine (README, Benchmarks).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Scheduler } from '../../src/agent/scheduler';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import { builtinTools } from '../../src/tools';
import { toolRegistry } from '../../src/tools/tool';
import { call, runBatch, testContext } from '../../test/fakes/fakeTools';
import { REVIEW_FILES, writeReviewWorkspace } from '../../test/fakes/reviewScenario';
import { tempWorkspace } from '../../test/fakes/tempWorkspace';
import { checked, fmtMs, median, repeat, timed, type Scenario } from '../lib';

const SUITE_MS = 400;

/** A test script as small suites are: load, wait on some I/O, print a summary. The filter is its first argument. */
function writeNpmProject(dir: string): void {
  writeReviewWorkspace(dir, 0);
  mkdirSync(path.join(dir, 'test'), { recursive: true });
  writeFileSync(
    path.join(dir, 'test/run.js'),
    `const filter = process.argv[2] || '';\nsetTimeout(() => console.log(\`\${filter ? 1 : 8} passing (\${filter || 'all'})\`), ${SUITE_MS});\n`,
  );
  // What `npm test` finds first on PATH, as with mocha or vitest in a real project.
  mkdirSync(path.join(dir, 'node_modules/.bin'), { recursive: true });
  writeFileSync(path.join(dir, 'node_modules/.bin/tiny-test'), `#!/bin/sh\nexec node "$(dirname "$0")/../../test/run.js" "$@"\n`);
  chmodSync(path.join(dir, 'node_modules/.bin/tiny-test'), 0o755);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'review-target', version: '1.0.0', scripts: { test: 'tiny-test' } }, null, 2));
}

function batchCalls(distinct: boolean) {
  return Array.from({ length: REVIEW_FILES }, (_, i) => [
    call(`r${i}`, 'read_file', { path: `src/module${i}.ts` }),
    call(`s${i}`, 'search_workspace', { query: `from './module${i}'` }),
    call(`t${i}`, 'run_tests', distinct ? { filter: `module${i}` } : {}),
  ]).flat();
}

export const reviewBatch: Scenario = {
  title: 'review batch (8 x read, search, npm test) vs one test run',
  names: ['review_batch_vs_one_test', 'review_batch_vs_one_test_distinct'],
  async run({ quick, repeats, progress }) {
    if (process.platform === 'win32') throw new Error('the review project uses a POSIX shell script');
    const ws = tempWorkspace();
    try {
      writeNpmProject(ws.dir);
      const workspace = await NodeWorkspace.open(ws.dir);
      const scheduler = new Scheduler({ tools: toolRegistry(builtinTools), context: testContext(workspace) });
      const run = async (calls: ReturnType<typeof batchCalls>) => {
        const { ms, value } = await timed(() => runBatch(scheduler, calls));
        const bad = value.results.find((r) => !r.ok);
        if (bad) throw new Error(`${bad.callId} failed: ${bad.content.slice(0, 300)}`);
        return { ms, shared: value.log.calls.filter((c) => c.sharedWith).length, direct: value.results.some((r) => r.content.includes('(run without npm')) };
      };
      const one = () => run([call('t', 'run_tests', {})]);
      await one(); // warm: the file cache and the first spawn of the process
      const times = Math.max(repeats, quick ? 3 : 5);
      const rounds = await repeat(times, async (i) => {
        const single = await one();
        const same = await run(batchCalls(false));
        const distinct = await run(batchCalls(true));
        progress(`review batch ${i + 1}/${times}: one test run ${fmtMs(single.ms)}, batch ${fmtMs(same.ms)} (identical runs, ${same.shared} shared), ${fmtMs(distinct.ms)} (distinct)`);
        return { single: single.ms, same: same.ms, distinct: distinct.ms, shared: same.shared, direct: single.direct };
      });
      const single = median(rounds.map((r) => r.single));
      const ratio = (key: 'same' | 'distinct') => median(rounds.map((r) => r[key] / r.single));
      const how = `${rounds[0].direct ? 'npm test run without npm (package script directly)' : 'npm test through npm'}; one run alone ${fmtMs(single)} (median); the suite waits ${SUITE_MS} ms; median of ${times} side-by-side rounds`;
      return [
        checked('review_batch_vs_one_test', ratio('same'), 'x', '<=', 1.3,
          `24 calls in one batch (8 reads, 8 searches, 8 identical run_tests: ${rounds[0].shared} shared one run) ${fmtMs(median(rounds.map((r) => r.same)))} vs one test run; ${how}`),
        checked('review_batch_vs_one_test_distinct', ratio('distinct'), 'x', '<=', 1.3,
          `the same batch with a filter per file (8 test processes at once) ${fmtMs(median(rounds.map((r) => r.distinct)))} vs one test run; ${how}`),
      ];
    } finally {
      ws.cleanup();
    }
  },
};
