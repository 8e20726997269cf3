// Reliability: one file reached by two names (a symlink, a symlinked folder) is one file to the locks, to the
// stale-edit check and to the write: edits through either name queue in model order and the link survives.
import * as assert from 'node:assert/strict';
import { lstatSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Scheduler, type CallUpdate } from '../../../src/agent/scheduler';
import { NodeWorkspace } from '../../../src/node/nodeWorkspace';
import { builtinTools } from '../../../src/tools';
import { toolRegistry } from '../../../src/tools/tool';
import { call, testContext } from '../../fakes/fakeTools';
import { tempWorkspace } from '../../fakes/tempWorkspace';

describe('reliability: one file, two names', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  let workspace: NodeWorkspace;
  let scheduler: Scheduler;
  beforeEach(async () => {
    ws = tempWorkspace({ 'real.txt': 'v0\n', 'dir/f.txt': 'w0\n' });
    symlinkSync('real.txt', path.join(ws.dir, 'alias.txt'));
    symlinkSync('dir', path.join(ws.dir, 'linkdir'));
    workspace = await NodeWorkspace.open(ws.dir, { ripgrep: false });
    scheduler = new Scheduler({ tools: toolRegistry(builtinTools), context: testContext(workspace) });
  });
  afterEach(() => ws.cleanup());

  async function batch(calls: ReturnType<typeof call>[]) {
    const updates: CallUpdate[] = [];
    const b = scheduler.startBatch(1, new AbortController().signal, (u) => updates.push(u));
    for (const c of calls) b.add(c);
    const { results } = await b.seal();
    return { results, waited: new Set(updates.filter((u) => u.state === 'waiting_lock').map((u) => u.callId)) };
  }

  const edit = (id: string, p: string, from: string, to: string) => call(id, 'apply_edit', { path: p, oldText: from, newText: to });

  it('every name of a file has the same lock key, including a file not created yet', () => {
    assert.equal(workspace.lockKey('alias.txt'), workspace.lockKey('real.txt'));
    assert.equal(workspace.lockKey('linkdir/f.txt'), workspace.lockKey('dir/f.txt'));
    assert.equal(workspace.lockKey('linkdir/new/deep.txt'), workspace.lockKey('dir/new/deep.txt'));
    assert.notEqual(workspace.lockKey('real.txt'), workspace.lockKey('dir/f.txt'));
  });

  it('edits alternating between a symlink and its target queue in model order; the link stays a link', async () => {
    const { results, waited } = await batch([
      edit('e1', 'real.txt', 'v0', 'v1'),
      edit('e2', 'alias.txt', 'v1', 'v2'),
      edit('e3', 'real.txt', 'v2', 'v3'),
      edit('e4', 'alias.txt', 'v3', 'v4'),
      call('r', 'read_file', { path: 'alias.txt' }),
    ]);
    assert.deepEqual(results.map((r) => r.ok), [true, true, true, true, true], results.map((r) => r.content).join('\n'));
    assert.deepEqual([...waited].sort(), ['e2', 'e3', 'e4', 'r'], 'each call waited for the one before it');
    assert.equal(results[4].content, 'v4\n');
    assert.equal(readFileSync(path.join(ws.dir, 'real.txt'), 'utf8'), 'v4\n');
    assert.ok(lstatSync(path.join(ws.dir, 'alias.txt')).isSymbolicLink(), 'writing through the link kept the link');
  });

  it('a symlinked folder: create then edit the new file through the other name, in order', async () => {
    const { results, waited } = await batch([
      edit('c', 'dir/new.txt', '', 'n0\n'),
      edit('e1', 'linkdir/new.txt', 'n0', 'n1'),
      edit('e2', 'linkdir/f.txt', 'w0', 'w1'),
      edit('e3', 'dir/f.txt', 'w1', 'w2'),
    ]);
    assert.deepEqual(results.map((r) => r.ok), [true, true, true, true], results.map((r) => r.content).join('\n'));
    assert.ok(waited.has('e1') && waited.has('e3'));
    assert.equal(readFileSync(path.join(ws.dir, 'dir/new.txt'), 'utf8'), 'n1\n');
    assert.equal(readFileSync(path.join(ws.dir, 'dir/f.txt'), 'utf8'), 'w2\n');
    assert.ok(lstatSync(path.join(ws.dir, 'linkdir')).isSymbolicLink());
  });

  it('what the agent saw is tracked per file: its own edits are not stale through the other name, others’ are', async () => {
    await batch([call('r', 'read_file', { path: 'alias.txt' })]);
    const { results } = await batch([edit('e', 'real.txt', 'v0', 'v1'), edit('f', 'alias.txt', 'v1', 'v2')]);
    assert.deepEqual(results.map((r) => r.ok), [true, true], results.map((r) => r.content).join('\n'));
    // Someone else changes the file after the agent's last look; an edit through either name is refused.
    writeFileSync(path.join(ws.dir, 'real.txt'), 'v2\nmore\n');
    const { results: stale } = await batch([edit('g', 'alias.txt', 'v2', 'v3')]);
    assert.match(stale[0].content, /^Error \(stale_file\)/);
  });
});
