import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ChangeStore, LARGE_ORIGINAL_CHARS } from '../../src/agent/changeStore';
import { ChangeTracker, findRenamesBack, type Restore, type Snapshot } from '../../src/agent/changeTracker';
import type { BlobStore } from '../../src/agent/conversationStore';
import { TrackingWorkspace } from '../../src/agent/trackingWorkspace';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import { countLineChanges } from '../../src/shared/lineDiff';
import { tempWorkspace } from '../fakes/tempWorkspace';

const files = (m: Record<string, Snapshot>) => (p: string) => m[p];

describe('countLineChanges', () => {
  it('counts added and removed lines like a diff view', () => {
    assert.deepEqual(countLineChanges('a\nb\nc\n', 'a\nb\nc\n'), { additions: 0, deletions: 0 });
    assert.deepEqual(countLineChanges('a\nb\nc\n', 'a\nB\nc\n'), { additions: 1, deletions: 1 });
    assert.deepEqual(countLineChanges('a\nc\n', 'a\nb1\nb2\nc\n'), { additions: 2, deletions: 0 });
    assert.deepEqual(countLineChanges('', 'x\ny'), { additions: 2, deletions: 0 });
    assert.deepEqual(countLineChanges('x\ny\n', ''), { additions: 0, deletions: 2 });
    assert.deepEqual(countLineChanges('a\r\nb\r\n', 'a\nb\n'), { additions: 0, deletions: 0 });
  });

  it('finds the shortest edit in the middle of a file (moved and interleaved lines)', () => {
    const before = ['1', '2', 'x', '3', '4', 'y', '5'].join('\n');
    const after = ['1', 'z', '2', '3', 'y', '4', '5'].join('\n');
    // LCS = 1 2 3 4 5 (or 1 2 3 y 5): 5 common lines of 7 each.
    assert.deepEqual(countLineChanges(before, after), { additions: 2, deletions: 2 });
  });

  it('falls back to "the changed region was replaced" past the edit-distance cap', () => {
    const before = Array.from({ length: 50 }, (_, i) => `a${i}`).join('\n');
    const after = Array.from({ length: 50 }, (_, i) => `b${i}`).join('\n');
    assert.deepEqual(countLineChanges(before, after, 10), { additions: 50, deletions: 50 });
  });
});

describe('ChangeTracker', () => {
  it('keeps the text before the FIRST write for review, and reports line counts against it', () => {
    const t = new ChangeTracker();
    t.beginCheckpoint(0);
    t.recordWrite('a.ts', 'one\n');
    t.recordWrite('a.ts', 'one\ntwo\n');
    t.recordWrite('new.ts', undefined);
    assert.equal(t.original('a.ts'), 'one\n');
    assert.equal(t.original('new.ts'), undefined);
    assert.ok(t.isPending('new.ts'));
    assert.deepEqual(t.changedFiles(files({ 'a.ts': 'one\ntwo\nthree\n', 'new.ts': 'x\n' })), [
      { path: 'a.ts', state: 'pending', additions: 2, deletions: 0 },
      { path: 'new.ts', state: 'pending', additions: 1, deletions: 0 },
    ]);
  });

  it('keep forgets the original; undo plans the original back (delete for a created file)', () => {
    const t = new ChangeTracker();
    t.beginCheckpoint(0);
    t.recordWrite('a.ts', 'A');
    t.recordWrite('b.ts', 'B');
    t.recordWrite('c.ts', undefined);
    t.keep('a.ts', files({ 'a.ts': 'A2' }));
    assert.equal(t.isPending('a.ts'), false);
    assert.deepEqual(t.undoPlan(undefined), [
      { path: 'b.ts', content: 'B' },
      { path: 'c.ts', content: undefined },
    ]);
    t.markUndone('b.ts');
    t.markUndone('c.ts');
    assert.deepEqual(
      t.changedFiles(files({})).map((f) => [f.path, f.state]),
      [
        ['a.ts', 'kept'],
        ['b.ts', 'undone'],
        ['c.ts', 'undone'],
      ],
    );
    assert.deepEqual(t.undoPlan(undefined), []);
    assert.deepEqual(t.undoPlan('missing.ts'), []);
  });

  it('a write after keep starts a new review from the kept text', () => {
    const t = new ChangeTracker();
    t.beginCheckpoint(0);
    t.recordWrite('a.ts', 'v1');
    t.keep(undefined, files({ 'a.ts': 'v2' }));
    t.recordWrite('a.ts', 'v2');
    assert.equal(t.original('a.ts'), 'v2');
  });

  it('restoring a checkpoint puts back each file as it was before the earliest change at or after that message', () => {
    const t = new ChangeTracker();
    t.beginCheckpoint(0);
    t.recordWrite('a.ts', 'a0');
    t.beginCheckpoint(2);
    t.recordWrite('a.ts', 'a1');
    t.recordWrite('b.ts', 'b1');
    t.beginCheckpoint(4);
    t.recordWrite('b.ts', 'b2');
    t.recordWrite('c.ts', undefined);
    const sort = (r: { path: string }[]) => [...r].sort((x, y) => x.path.localeCompare(y.path));
    assert.deepEqual(sort(t.restorePlan(4)), [
      { path: 'b.ts', content: 'b2' },
      { path: 'c.ts', content: undefined },
    ]);
    assert.deepEqual(sort(t.restorePlan(2)), [
      { path: 'a.ts', content: 'a1' },
      { path: 'b.ts', content: 'b1' },
      { path: 'c.ts', content: undefined },
    ]);
    assert.deepEqual(sort(t.restorePlan(0)), [
      { path: 'a.ts', content: 'a0' },
      { path: 'b.ts', content: 'b1' },
      { path: 'c.ts', content: undefined },
    ]);
  });

  it('after a restore the later checkpoints are gone, and files back at their review original leave the review', () => {
    const t = new ChangeTracker();
    t.beginCheckpoint(0);
    t.recordWrite('a.ts', 'a0');
    t.beginCheckpoint(2);
    t.recordWrite('a.ts', 'a1');
    t.recordWrite('b.ts', 'b1');
    const plan = t.restorePlan(2);
    t.checkpointRestored(2, plan);
    assert.deepEqual(t.restorePlan(2), []);
    assert.equal(t.isPending('b.ts'), false, 'b.ts is back at its original');
    assert.equal(t.isPending('a.ts'), true, 'a.ts still differs from its review original (a0)');
    assert.deepEqual(t.restorePlan(0), [{ path: 'a.ts', content: 'a0', agent: { text: 'a1' } }], 'a.ts holds the restored a1 now');
  });

  it('plans each undo with the text the agent last left in the file, known only for writes of this window', () => {
    const t = new ChangeTracker();
    t.beginCheckpoint(0);
    t.recordWrite('a.ts', 'a0', { text: 'a1' });
    t.recordWrite('a.ts', 'a1', { text: 'a2' });
    t.recordWrite('new.ts', undefined, { text: 'n' });
    t.recordWrite('gone.ts', 'g', { text: undefined });
    assert.deepEqual(t.undoPlan(undefined), [
      { path: 'a.ts', content: 'a0', agent: { text: 'a2' } },
      { path: 'new.ts', content: undefined, agent: { text: 'n' } },
      { path: 'gone.ts', content: 'g', agent: { text: undefined } },
    ]);
    const reloaded = new ChangeTracker();
    reloaded.load(t.save());
    assert.deepEqual(reloaded.undoPlan('a.ts'), [{ path: 'a.ts', content: 'a0' }], 'unknown after a reload: an unsaved buffer then counts as the user\'s');
    t.keep('a.ts', files({ 'a.ts': 'a2' }));
    t.recordWrite('a.ts', 'a2');
    assert.deepEqual(t.undoPlan('a.ts'), [{ path: 'a.ts', content: 'a2' }], 'a write whose result is not known forgets the older one');
  });

  it('a file still under review after a checkpoint restore holds the restored text as Fanout\'s own', () => {
    const t = new ChangeTracker();
    t.beginCheckpoint(0);
    t.recordWrite('a.ts', 'a0', { text: 'a1' });
    t.beginCheckpoint(2);
    t.recordWrite('a.ts', 'a1', { text: 'a2' });
    t.checkpointRestored(2, t.restorePlan(2));
    assert.deepEqual(t.undoPlan('a.ts'), [{ path: 'a.ts', content: 'a0', agent: { text: 'a1' } }]);
  });
});

describe('findRenamesBack', () => {
  const plan = (...r: Restore[]) => r;
  it('pairs a file to recreate with the file to delete that holds exactly its original', () => {
    const from: Restore = { path: 'old.js', content: 'X' };
    const to: Restore = { path: 'new.js', content: undefined, agent: { text: 'X' } };
    const other: Restore = { path: 'b.js', content: 'B' };
    assert.deepEqual(findRenamesBack(plan(from, other, to), files({ 'new.js': 'X', 'b.js': 'B2' })), { renames: [{ from, to }], rest: [other] });
  });

  it('leaves them apart when the new name holds other text, the old name exists again, or either is missing from the plan', () => {
    const from: Restore = { path: 'old.js', content: 'X' };
    const to: Restore = { path: 'new.js', content: undefined };
    assert.deepEqual(findRenamesBack(plan(from, to), files({ 'new.js': 'X edited' })), { renames: [], rest: [from, to] });
    assert.deepEqual(findRenamesBack(plan(from, to), files({ 'new.js': 'X', 'old.js': 'Y' })), { renames: [], rest: [from, to] });
    assert.deepEqual(findRenamesBack(plan(from), files({ 'new.js': 'X' })), { renames: [], rest: [from] });
    assert.deepEqual(findRenamesBack(plan(to), files({ 'new.js': 'X' })), { renames: [], rest: [to] });
  });

  it('uses each file to delete once: two files with the same original get one rename and one recreate', () => {
    const a: Restore = { path: 'a.js', content: 'same' };
    const b: Restore = { path: 'b.js', content: 'same' };
    const c: Restore = { path: 'c.js', content: undefined };
    assert.deepEqual(findRenamesBack(plan(a, b, c), files({ 'c.js': 'same' })), { renames: [{ from: a, to: c }], rest: [b] });
  });
});

describe('TrackingWorkspace', () => {
  it('reports successful writes with the text before and after them, and nothing for failed writes', async () => {
    const ws = tempWorkspace({ 'a.txt': 'hello\n' });
    try {
      const writes: [string, Snapshot, Snapshot][] = [];
      const tracked = new TrackingWorkspace(await NodeWorkspace.open(ws.dir), (p, before, after) => writes.push([p, before, after]));
      await tracked.editFile('a.txt', { expected: 'hello\n', offset: 0, deleteCount: 5, insert: 'bye' });
      await tracked.createFile('dir/b.txt', 'new\n');
      await assert.rejects(tracked.editFile('a.txt', { expected: 'hello\n', offset: 0, deleteCount: 5, insert: 'x' }), /stale|changed/);
      await assert.rejects(tracked.createFile('dir/b.txt', 'again'), /exists/);
      assert.deepEqual(writes, [
        ['a.txt', 'hello\n', 'bye\n'],
        ['dir/b.txt', undefined, 'new\n'],
      ]);
      assert.equal(readFileSync(path.join(ws.dir, 'a.txt'), 'utf8'), 'bye\n');
      assert.equal(tracked.root, (await NodeWorkspace.open(ws.dir)).root);
    } finally {
      ws.cleanup();
    }
  });

  it('reports a delete and a rename as one file operation each (what Ctrl+Z takes back), after their writes', async () => {
    const ws = tempWorkspace({ 'a.txt': 'A\n', 'b.txt': 'B\n' });
    try {
      const seen: string[] = [];
      const tracked = new TrackingWorkspace(
        await NodeWorkspace.open(ws.dir),
        (p, before, after) => seen.push(`write ${p} ${JSON.stringify(before)} ${JSON.stringify(after)}`),
        (paths) => seen.push(`operation ${paths.join(' -> ')}`),
      );
      await tracked.deleteFile('a.txt');
      await tracked.renameFile('b.txt', 'c.txt');
      await assert.rejects(tracked.deleteFile('a.txt'), /does not exist/);
      await tracked.editFile('c.txt', { expected: 'B\n', offset: 0, deleteCount: 1, insert: 'C' });
      assert.deepEqual(seen, [
        'write a.txt "A\\n" undefined',
        'operation a.txt',
        'write b.txt "B\\n" undefined',
        'write c.txt undefined "B\\n"',
        'operation b.txt -> c.txt',
        'write c.txt "B\\n" "C\\n"',
      ]);
    } finally {
      ws.cleanup();
    }
  });
});

describe('ChangeTracker across a window reload', () => {
  it('saves and loads pending originals (created files included), decisions and checkpoints as JSON', () => {
    const before = new ChangeTracker();
    before.beginCheckpoint(0);
    before.recordWrite('a.ts', 'one\n');
    before.recordWrite('new.ts', undefined);
    before.recordWrite('b.ts', 'b\n');
    before.keep('b.ts', () => 'B\n');
    const after = new ChangeTracker();
    after.load(JSON.parse(JSON.stringify(before.save())));
    assert.deepEqual(after.pendingPaths().sort(), ['a.ts', 'new.ts']);
    assert.equal(after.original('a.ts'), 'one\n');
    assert.equal(after.original('new.ts'), undefined, 'a file the agent created stays "created" (undo deletes it)');
    assert.deepEqual(after.undoPlan('new.ts'), [{ path: 'new.ts', content: undefined }]);
    assert.deepEqual(after.restorePlan(0).map((r) => r.path).sort(), ['a.ts', 'b.ts', 'new.ts']);
    assert.deepEqual(after.changedFiles(() => 'two\n').find((f) => f.path === 'b.ts')?.state, 'kept');
  });
});

describe('ChangeStore (the review state on disk)', () => {
  const big = 'x'.repeat(LARGE_ORIGINAL_CHARS + 1);
  const memoryBlobs = () => {
    const files = new Map<string, string>();
    const writes: string[] = [];
    const blobs: BlobStore = {
      read: async (n) => files.get(n),
      write: async (n, t) => void (files.set(n, t), writes.push(n)),
      delete: async (n) => void files.delete(n),
      list: async () => [...files.keys()],
    };
    return { files, writes, blobs };
  };
  const logger = () => {
    const warnings: string[] = [];
    return { warnings, trace() {}, debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} };
  };

  it('keeps small originals inline and large ones in a file of their own, written once, read back whole', async () => {
    const { files, writes, blobs } = memoryBlobs();
    const store = new ChangeStore(blobs, logger());
    const tracker = new ChangeTracker();
    tracker.beginCheckpoint(0);
    tracker.recordWrite('small.ts', 'one\n');
    tracker.recordWrite('big.txt', big);
    tracker.recordWrite('new.ts', undefined);
    await store.save('chat1', tracker.save());
    const blobNames = [...files.keys()].filter((n) => n !== 'chat1.json');
    assert.equal(blobNames.length, 1, 'the big text is stored once, though it is in the pending list and the checkpoint');
    assert.ok(!files.get('chat1.json')!.includes(big.slice(0, 100)), 'the JSON does not carry the big text');
    assert.ok(files.get('chat1.json')!.includes('one\\n'), 'small originals stay inline');

    await store.save('chat1', tracker.save());
    assert.equal(writes.filter((n) => n === blobNames[0]).length, 1, 'an unchanged big original is not written again');

    // A new window: a fresh store reads it back.
    const after = new ChangeTracker();
    after.load((await new ChangeStore(blobs, logger()).load('chat1'))!);
    assert.equal(after.original('big.txt'), big);
    assert.equal(after.original('small.ts'), 'one\n');
    assert.deepEqual(after.undoPlan('new.ts'), [{ path: 'new.ts', content: undefined }]);
    assert.deepEqual(after.restorePlan(0).map((r) => r.path).sort(), ['big.txt', 'new.ts', 'small.ts']);
  });

  it('deletes a large original once nothing refers to it, and everything when the chat goes', async () => {
    const { files, blobs } = memoryBlobs();
    const store = new ChangeStore(blobs, logger());
    const tracker = new ChangeTracker();
    tracker.beginCheckpoint(0);
    tracker.recordWrite('big.txt', big);
    await store.save('chat1', tracker.save());
    await store.save('chat2', tracker.save());
    tracker.keep('big.txt', () => 'now');
    await store.save('chat1', { ...tracker.save(), checkpoints: [] });
    assert.deepEqual([...files.keys()].filter((n) => n.startsWith('chat1.')), ['chat1.json']);
    assert.equal([...files.keys()].filter((n) => n.startsWith('chat2.')).length, 2, "another chat's originals are its own");
    await store.delete('chat2');
    assert.deepEqual([...files.keys()].filter((n) => n.startsWith('chat2.')), []);
  });

  it('a damaged state file or a missing original loses only what it held, with a warning', async () => {
    const { files, blobs } = memoryBlobs();
    const log = logger();
    const store = new ChangeStore(blobs, log);
    files.set('bad.json', '{"pending": [[1, 2]]');
    assert.equal(await store.load('bad'), undefined);
    assert.match(log.warnings[0] ?? '', /review state of chat bad could not be read/);

    const tracker = new ChangeTracker();
    tracker.beginCheckpoint(0);
    tracker.recordWrite('big.txt', big);
    tracker.recordWrite('small.ts', 'one\n');
    await store.save('chat1', tracker.save());
    for (const n of [...files.keys()]) if (n.startsWith('chat1.original-')) files.delete(n);
    const loaded = (await new ChangeStore(blobs, log).load('chat1'))!;
    assert.deepEqual(loaded.pending, [['small.ts', 'one\n']]);
    assert.match(log.warnings[1] ?? '', /original of big\.txt .* is missing/);
  });

  it('reads the review state an earlier version wrote (every original inline)', async () => {
    const { files, blobs } = memoryBlobs();
    files.set('old.json', JSON.stringify({ pending: [['a.ts', 'A\n'], ['n.ts', null]], decided: [], checkpoints: [{ messageIndex: 0, before: [['a.ts', 'A\n']] }] }));
    const loaded = await new ChangeStore(blobs, logger()).load('old');
    assert.deepEqual(loaded?.pending, [['a.ts', 'A\n'], ['n.ts', null]]);
  });
});
