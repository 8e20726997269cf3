import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { Scheduler } from '../../../src/agent/scheduler';
import { NodeWorkspace } from '../../../src/node/nodeWorkspace';
import { runCommand } from '../../../src/tools/runCommand';
import { toolRegistry } from '../../../src/tools/tool';
import { call, runBatch, testContext } from '../../fakes/fakeTools';
import { allGone } from '../../fakes/processes';
import { tempWorkspace } from '../../fakes/tempWorkspace';

describe('run_command', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  let scheduler: Scheduler;
  const run = async (args: unknown) => (await runBatch(scheduler, [call('c1', 'run_command', args)])).results[0]!;

  beforeEach(async () => {
    ws = tempWorkspace({ 'sub/x.txt': 'x\n', 'file.txt': 'f\n' });
    mkdirSync(path.join(ws.dir, 'empty'));
    // A short scheduler default: run_command must use its own 120 s default, not this.
    scheduler = new Scheduler({ tools: toolRegistry([runCommand]), context: testContext(await NodeWorkspace.open(ws.dir)), toolTimeoutMs: 50 });
  });
  afterEach(() => ws.cleanup());

  it('runs in the workspace (or cwd inside it) and reports exit code, duration and output', async () => {
    const ok = await run({ command: 'ls && echo done' });
    assert.equal(ok.ok, true);
    assert.match(ok.content, /^\$ ls && echo done\nexit code 0 after \d+\.\d s\n/);
    assert.match(ok.content, /file\.txt/);
    assert.match(ok.content, /done\n$/);
    const inSub = await run({ command: 'ls; exit 3', cwd: 'sub' });
    assert.match(inSub.content, /^\$ ls; exit 3 \(in sub\)\nexit code 3 after/);
    assert.match(inSub.content, /x\.txt/);
    assert.ok(!inSub.content.includes('file.txt'));
  });

  it('keeps cwd inside the workspace, on an existing folder', async () => {
    assert.match((await run({ command: 'pwd', cwd: '..' })).content, /^Error \(path_outside_workspace\)/);
    assert.match((await run({ command: 'pwd', cwd: '/tmp' })).content, /^Error \(path_outside_workspace\)/);
    assert.match((await run({ command: 'pwd', cwd: 'nope' })).content, /^Error \(not_found\)/);
    assert.match((await run({ command: 'pwd', cwd: 'file.txt' })).content, /^Error \(not_a_directory\)/);
    assert.match((await run({ command: 'pwd', timeoutSeconds: 601 })).content, /^Error \(invalid_arguments\)/);
  });

  it('takes its time limit from the call: default 120 s, timeoutSeconds up to 600', () => {
    assert.equal(scheduler.timeoutFor(runCommand, { command: 'x' }), 120_000);
    assert.equal(scheduler.timeoutFor(runCommand, { command: 'x', timeoutSeconds: 600 }), 600_000);
    assert.equal(scheduler.timeoutFor({ ...runCommand, name: 'other', timeoutMs: undefined }, {}), 50);
    assert.deepEqual(scheduler.options.perTool.run_command, { maxConcurrent: 4, timeoutMs: 120_000 });
  });

  it('on timeout stops the whole tree, grandchildren included, and returns the output so far', async function () {
    if (process.platform === 'win32') this.skip();
    // A child in the background, and a grandchild of a subshell that itself waits: none of them ever exits alone.
    const result = await run({ command: `sleep 397 & echo "pid $!"; sh -c 'sleep 398 & echo "pid $!"; wait' & echo "pid $!"; echo started; wait`, timeoutSeconds: 1 });
    assert.equal(result.ok, false);
    assert.match(result.content, /^Error \(timeout\): run_command did not finish within 1 s and was stopped\. Every process it started was stopped too\. Output so far:\n/);
    const pids = [...result.content.matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));
    assert.equal(pids.length, 3, result.content);
    assert.deepEqual(await allGone(pids), [], 'every process of the tree is gone');
  });

  it('leaves nothing behind when the command exits normally', async function () {
    if (process.platform === 'win32') this.skip();
    const result = await run({ command: 'sleep 396 & echo "pid $!"; echo bye' });
    assert.match(result.content, /exit code 0/);
    const pids = [...result.content.matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));
    assert.equal(pids.length, 1);
    assert.deepEqual(await allGone(pids), [], 'the background child went with the command');
  });

  it('gives the command no provider API key', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { OPENAI_API_KEY: 'sk-SENTINEL-openai', ANTHROPIC_API_KEY: 'sk-SENTINEL-anthropic', GEMINI_API_KEY: 'SENTINEL-gemini' });
    try {
      const result = await run({ command: 'env' });
      assert.match(result.content, /exit code 0/);
      assert.match(result.content, /PATH=/, 'the environment itself is there');
      assert.ok(!result.content.includes('SENTINEL'), 'no key reached the command');
    } finally {
      process.env = saved;
    }
  });
});
