// `fanout.stop` in the middle of a batch: the running test process (and its children) end, the edits queued
// behind it never happen and are reported as cancelled to the model, and the chat takes the next question.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { HELLO_ANSWER } from '../scenarioData';
import { ask, lastToolCalls, lastToolResults, readDisk, requestsOf, tag, waitFor, withSetting } from './helpers';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('stop', () => {
  it('ends running tools, cancels queued edits, and the next question works', async () => {
    const marker = path.join(tmpdir(), `fanout-hang-${process.pid}-${Date.now()}.pid`);
    const before = { math: readDisk('src/math.js'), config: readDisk('src/config.js') };
    const t = tag();
    // Edits need approval: they wait in the batch (approval card in the chat) while run_tests hangs.
    const outcome = await withSetting('approval', { read: 'auto', edit: 'ask', runTests: 'auto' }, async () => {
      const running = ask(`[scenario:stop] marker=${marker} ${t}`);
      const pid = Number(await waitFor('the test process to start', () => existsSync(marker) && readFileSync(marker, 'utf8')));
      assert.ok(alive(pid));
      assert.equal(await vscode.commands.executeCommand('fanout.stop'), true, 'fanout.stop reports that it stopped a run');
      const text = await running;
      await waitFor(`test process ${pid} to be killed`, () => !alive(pid), 15_000);
      return text;
    });
    rmSync(marker, { force: true });
    assert.equal(outcome, 'Stopped by the user.');
    assert.deepEqual({ math: readDisk('src/math.js'), config: readDisk('src/config.js') }, before, 'no queued edit was applied');

    // The next question carries the stopped batch's results: one per call, all cancelled.
    const t2 = tag();
    assert.equal(await ask(`[scenario:hello] ${t2}`), HELLO_ANSWER);
    const [next] = await requestsOf(t2);
    const calls = lastToolCalls(next);
    const results = lastToolResults(next);
    assert.deepEqual(calls.map((c) => c.name), ['run_tests', 'apply_edit', 'apply_edit']);
    assert.deepEqual(results.map((r) => r.id), calls.map((c) => c.id), 'one result per call id, in model order');
    assert.match(results[0].content, /^Error \(cancelled\): /);
    for (const r of results.slice(1)) assert.match(r.content, /^Error \(cancelled\): /);
    assert.equal((await requestsOf(t)).length, 1, 'no further model turn after the stop');
  });

  it('fanout.stop with nothing running does nothing', async () => {
    assert.equal(await vscode.commands.executeCommand('fanout.stop'), false);
  });
});
