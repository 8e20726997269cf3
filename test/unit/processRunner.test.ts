import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { NodeProcessRunner } from '../../src/node/nodeProcessRunner';
import { tempWorkspace } from '../fakes/tempWorkspace';

/** Alive and not a zombie (in a container nobody may reap the orphans, but a zombie runs nothing). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('NodeProcessRunner', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  afterEach(() => ws?.cleanup());

  it('kills the whole process tree when aborted, children and grandchildren included', async function () {
    if (process.platform === 'win32') this.skip();
    ws = tempWorkspace({
      // A "test runner" that spawns a worker which itself spawns a sleeper, prints their pids, and never exits.
      'spawner.js': `
        const { spawn } = require('child_process');
        const worker = spawn(process.execPath, ['-e', "const c=require('child_process').spawn('sleep',['300'],{stdio:'ignore'});console.log('grandchild '+c.pid);setInterval(()=>{},1000)"], { stdio: ['ignore', 'inherit', 'inherit'] });
        console.log('child ' + worker.pid);
        setInterval(() => {}, 1000);`,
    });
    const stop = new AbortController();
    const runner = new NodeProcessRunner();
    const pids: number[] = [];
    const running = runner.run(`node spawner.js`, { cwd: ws.dir, signal: stop.signal });
    // Poll the process table for the pids the script printed; the runner only hands output back at the end.
    const deadline = Date.now() + 10_000;
    while (pids.length < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      pids.length = 0;
      const { execSync } = await import('node:child_process');
      for (const line of execSync(`ps -eo pid,args`).toString().split('\n')) {
        if (line.includes('sleep 300') || (line.includes('setInterval') && line.includes('grandchild'))) pids.push(Number(line.trim().split(/\s+/)[0]));
      }
    }
    assert.equal(pids.length, 2, 'worker and sleeper started');
    stop.abort();
    const result = await running;
    assert.equal(result.killedBy, 'cancelled');
    await new Promise((r) => setTimeout(r, 300));
    for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} was killed`);
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
