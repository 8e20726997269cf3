import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { NodeProcessRunner } from '../../src/node/nodeProcessRunner';
import { ToolError } from '../../src/tools/toolError';
import { alive, TERM_IGNORING_TREE, treePids } from '../fakes/processTree';
import { tempWorkspace } from '../fakes/tempWorkspace';

describe('NodeProcessRunner', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  afterEach(() => ws?.cleanup());

  // Each result is awaited and only then are the processes checked: the runner hands a result back once the whole
  // group is gone, so no wait is needed (or allowed) in between.
  for (const [how, reason] of [
    ['stopped', new Error('user stop')],
    ['timed out', new ToolError('timeout', 'run_tests did not finish within 1 s')],
  ] as const) {
    it(`when ${how}, ends a tree that ignores SIGTERM (runner and worker) before it reports`, async function () {
      if (process.platform === 'win32') this.skip();
      ws = tempWorkspace(TERM_IGNORING_TREE);
      const stop = new AbortController();
      const running = new NodeProcessRunner().run('node tree.js', { cwd: ws.dir, signal: stop.signal });
      const pids = await treePids(ws.dir);
      assert.ok(pids.every(alive), 'runner and worker started');
      stop.abort(reason);
      const result = await running;
      assert.equal(result.killedBy, how === 'stopped' ? 'cancelled' : 'timeout');
      for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} is gone`);
    });
  }

  it('ends the background jobs of a command that exits normally before it reports', async function () {
    if (process.platform === 'win32') this.skip();
    ws = tempWorkspace();
    const result = await new NodeProcessRunner().run('sleep 1000 & echo $! > bg.pid; echo done', { cwd: ws.dir, signal: new AbortController().signal });
    assert.equal(result.exitCode, 0);
    assert.equal(result.killedBy, undefined);
    assert.equal(result.output.trim(), 'done');
    const pid = Number(readFileSync(path.join(ws.dir, 'bg.pid'), 'utf8'));
    assert.equal(alive(pid), false, 'the background sleep is gone');
  });

  it('dispose() ends every command still running and waits until its processes are gone', async function () {
    if (process.platform === 'win32') this.skip();
    ws = tempWorkspace(TERM_IGNORING_TREE);
    const runner = new NodeProcessRunner();
    const running = runner.run('node tree.js', { cwd: ws.dir, signal: new AbortController().signal });
    const pids = await treePids(ws.dir);
    await runner.dispose();
    for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} is gone`);
    assert.equal((await running).killedBy, 'cancelled');
  });

  it('withholds provider keys, and any variable holding the key in use, unless passed through by name', async () => {
    ws = tempWorkspace({ 'env.js': 'process.stdout.write(JSON.stringify(process.env))' });
    const saved = { ...process.env };
    const key = 'sk-in-use-0123456789';
    Object.assign(process.env, { OPENAI_API_KEY: key, ANTHROPIC_API_KEY: 'sk-ant-x', GEMINI_API_KEY: 'gem-x', GOOGLE_API_KEY: 'goog-x', PROXY_URL: `http://u:${key}@proxy`, KEEP_ME: 'yes' });
    try {
      const run = (passThrough: string[]) =>
        new NodeProcessRunner({ env: { secrets: () => [key], passThrough: () => passThrough } }).run('node env.js', { cwd: ws.dir, signal: new AbortController().signal, env: { FANOUT_TEST_FILTER: 'f' } });
      const env = JSON.parse((await run([])).output) as Record<string, string>;
      for (const name of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_API_KEY', 'PROXY_URL']) assert.equal(env[name], undefined, name);
      assert.equal(env.KEEP_ME, 'yes');
      assert.equal(env.FANOUT_TEST_FILTER, 'f');
      const passed = JSON.parse((await run(['GEMINI_API_KEY', 'PROXY_URL'])).output) as Record<string, string>;
      assert.equal(passed.GEMINI_API_KEY, 'gem-x');
      assert.equal(passed.PROXY_URL, `http://u:${key}@proxy`);
      assert.equal(passed.OPENAI_API_KEY, undefined);
    } finally {
      process.env = saved;
    }
  });

  it('passes model text only through the environment, never through the shell', async () => {
    ws = tempWorkspace();
    const runner = new NodeProcessRunner();
    const evil = '$(touch pwned); `touch pwned2`';
    const result = await runner.run('node -e "console.log(process.env.FANOUT_TEST_FILTER)"', { cwd: ws.dir, signal: new AbortController().signal, env: { FANOUT_TEST_FILTER: evil } });
    assert.equal(result.output.trim(), evil);
    assert.equal(existsSync(path.join(ws.dir, 'pwned')), false);
    assert.equal(existsSync(path.join(ws.dir, 'pwned2')), false);
  });

  it('keeps the head and tail of huge output', async () => {
    ws = tempWorkspace();
    const result = await new NodeProcessRunner().run(`node -e "console.log('FIRST');for(let i=0;i<20000;i++)console.log('line '+i);console.log('LAST')"`, {
      cwd: ws.dir,
      signal: new AbortController().signal,
    });
    assert.equal(result.exitCode, 0);
    assert.ok(result.output.startsWith('FIRST'));
    assert.ok(result.output.trimEnd().endsWith('LAST'));
    assert.match(result.output, /bytes of output cut/);
    assert.ok(result.output.length < 70_000);
  });
});
