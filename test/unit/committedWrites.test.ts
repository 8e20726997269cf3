// A stop (or a timeout: the same abort) that reaches a write call after its change is made must not be reported as
// "cancelled": the model would redo an edit that is already in the file. Driven through the scheduler with a workspace
// whose apply and save steps the test holds and releases; nothing here waits on a clock.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Scheduler } from '../../src/agent/scheduler';
import { awaitSave } from '../../src/host/pendingSave';
import type { FileText, Listing, SearchMatch, SearchOptions, TextEdit, Workspace, WriteOutcome } from '../../src/host/workspace';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import { applyEdit } from '../../src/tools/applyEdit';
import { deleteFile } from '../../src/tools/fileOps';
import { toolRegistry, type ToolDefinition } from '../../src/tools/tool';
import { ToolError } from '../../src/tools/toolError';
import { call, testContext } from '../fakes/fakeTools';
import { tempWorkspace } from '../fakes/tempWorkspace';

interface Gate {
  promise: Promise<void>;
  open: () => void;
}

function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

/**
 * The disk stands in for VS Code's buffer. `editFile` applies the edit (held by `apply` for the first edit, without
 * looking at the signal: a WorkspaceEdit already handed to VS Code), then saves (held by `save`); like the VS Code
 * workspace, a stop during the save waits for it a bounded time more (awaitSave).
 */
class HeldWorkspace implements Workspace {
  readonly applying = gate();
  readonly applied = gate();
  apply?: Gate;
  readonly save = gate();
  /** Per editFile call: whether the held save had been let go when it started. */
  readonly editsStarted: boolean[] = [];
  private saveOpened = false;
  private edits = 0;

  /** `saveWaitMs`: how long a stopped edit still waits for its save (the VS Code workspace waits SAVE_WAIT_AFTER_STOP_MS). */
  constructor(private readonly inner: Workspace, private readonly saveWaitMs: number) {
    void this.save.promise.then(() => (this.saveOpened = true));
  }

  get root(): string {
    return this.inner.root;
  }
  lockKey(p: string): string {
    return this.inner.lockKey(p);
  }
  stat(p: string, signal?: AbortSignal) {
    return this.inner.stat(p, signal);
  }
  readFile(p: string, signal?: AbortSignal): Promise<FileText> {
    return this.inner.readFile(p, signal);
  }
  createFile(p: string, text: string, signal?: AbortSignal): Promise<WriteOutcome | void> {
    return this.inner.createFile(p, text, signal);
  }
  async editFile(p: string, edit: TextEdit, signal?: AbortSignal): Promise<WriteOutcome> {
    signal?.throwIfAborted();
    if (this.edits++ === 0 && this.apply) {
      this.applying.open();
      await this.apply.promise;
    }
    await this.inner.editFile(p, edit);
    this.applied.open();
    this.editsStarted.push(this.saveOpened);
    return awaitSave(this.save.promise, signal, this.saveWaitMs);
  }
  async deleteFile(p: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.apply) {
      this.applying.open();
      await this.apply.promise;
    }
    await this.inner.deleteFile(p);
  }
  renameFile(from: string, to: string, signal?: AbortSignal): Promise<void> {
    return this.inner.renameFile(from, to, signal);
  }
  listFiles(p: string, glob: string | undefined, limit: number, signal?: AbortSignal): Promise<Listing<string>> {
    return this.inner.listFiles(p, glob, limit, signal);
  }
  search(options: SearchOptions, signal?: AbortSignal): Promise<Listing<SearchMatch>> {
    return this.inner.search(options, signal);
  }
}

/** After the scheduler's grace timer for a stop just made (same delay, queued later: Node runs it after that one). */
const afterGrace = () => new Promise<void>((r) => setTimeout(r, 0));

const stopped = () => new ToolError('cancelled', 'Stopped by the user.');

describe('a stop or timeout after a write call changed the workspace', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  afterEach(() => ws?.cleanup());

  // A stopped edit waits this long for its held save unless a test lets the save go: the tests that hold the save
  // past the stop set 0, the others never reach the bound (the timer is cleared when the save settles).
  async function setup(files: Record<string, string>, cancelGraceMs = 2_000, saveWaitMs = 60_000) {
    ws = tempWorkspace(files);
    const workspace = new HeldWorkspace(await NodeWorkspace.open(ws.dir), saveWaitMs);
    const tools = toolRegistry([applyEdit, deleteFile] as ToolDefinition[]);
    const scheduler = new Scheduler({ tools, context: testContext(workspace), cancelGraceMs });
    return { workspace, scheduler, disk: (rel: string) => readFileSync(path.join(ws.dir, rel), 'utf8') };
  }

  /** a.txt "one" → "two" in a batch that is stopped once the edit is applied, while its save is still held. */
  function editStoppedDuringSave(workspace: HeldWorkspace, scheduler: Scheduler) {
    const stop = new AbortController();
    const batch = scheduler.startBatch(1, stop.signal);
    batch.add(call('e', 'apply_edit', { path: 'a.txt', oldText: 'one', newText: 'two' }));
    const sealed = batch.seal();
    return workspace.applied.promise.then(() => {
      stop.abort(stopped());
      return sealed;
    });
  }

  it('reports an edit whose save is still pending when the wait after the stop ends as applied, and says the save was still pending', async () => {
    const { workspace, scheduler, disk } = await setup({ 'a.txt': 'one\n' }, 2_000, 0);
    const { results, log } = await editStoppedDuringSave(workspace, scheduler);
    workspace.save.open();
    assert.equal(results[0].ok, true, results[0].content);
    assert.match(results[0].content, /^Edited a\.txt: replaced 1 line\(s\) at line 1 with 1 line\(s\)\. The call was stopped while VS Code was saving the file, and the save had not completed 5 s later: the change is in the editor, and on disk once that save completes\.$/);
    assert.equal(log.calls[0].state, 'done');
    assert.equal(disk('a.txt'), 'two\n');
  });

  // The lock used to go with the stop: the next edit of the file then found the buffer still dirty from that save,
  // took it for the user's unsaved text and left its own change unsaved, so the disk lagged behind the editor.
  it('keeps an edit stopped during its save (and so its file lock) until that save completes, and says it did', async () => {
    const { workspace, scheduler, disk } = await setup({ 'a.txt': 'one\n' });
    const firstDone = editStoppedDuringSave(workspace, scheduler);
    await workspace.applied.promise;
    // The next edit of the file (another run, not stopped) queues behind the first one's lock.
    const second = scheduler.startBatch(1, new AbortController().signal);
    second.add(call('e2', 'apply_edit', { path: 'a.txt', oldText: 'two', newText: 'three' }));
    const secondDone = second.seal();
    workspace.save.open();
    const [{ results: a, log }, { results: b }] = await Promise.all([firstDone, secondDone]);
    assert.equal(a[0].ok, true, a[0].content);
    assert.match(a[0].content, /^Edited a\.txt: replaced 1 line\(s\) at line 1 with 1 line\(s\)\. The call was stopped while VS Code was saving the file; that save has completed, so the change is on disk too\.$/);
    assert.equal(log.calls[0].state, 'done');
    assert.equal(b[0].ok, true, b[0].content);
    assert.deepEqual(workspace.editsStarted, [false, true], 'the second edit started only after the first one\'s save');
    assert.equal(disk('a.txt'), 'three\n');
  });

  it('waits past the grace period for an edit being applied when the stop came, reports it applied, and keeps the file locked until then', async () => {
    const { workspace, scheduler, disk } = await setup({ 'a.txt': 'one\n' }, 0);
    workspace.apply = gate();
    workspace.save.open();
    const stop = new AbortController();
    const first = scheduler.startBatch(1, stop.signal);
    first.add(call('e1', 'apply_edit', { path: 'a.txt', oldText: 'one', newText: 'two' }));
    const firstDone = first.seal();
    // Another agent's edit of the same file, queued behind the first one's lock; its run is not stopped.
    const second = scheduler.startBatch(1, new AbortController().signal);
    second.add(call('e2', 'apply_edit', { path: 'a.txt', oldText: 'two', newText: 'three' }));
    const secondDone = second.seal();
    await workspace.applying.promise;
    stop.abort(stopped());
    await afterGrace();
    workspace.apply.open();
    const [{ results: a }, { results: b }] = await Promise.all([firstDone, secondDone]);
    assert.equal(a[0].ok, true, a[0].content);
    assert.match(a[0].content, /^Edited a\.txt/);
    assert.doesNotMatch(a[0].content, /still saving/, 'the save finished before the call did');
    assert.equal(b[0].ok, true, `the second edit ran after the first, not beside it: ${b[0].content}`);
    assert.equal(disk('a.txt'), 'three\n');
  });

  it('reports a delete whose WorkspaceEdit was in flight at the stop as done', async () => {
    const { workspace, scheduler } = await setup({ 'gone.txt': 'x\n' }, 0);
    workspace.apply = gate();
    const stop = new AbortController();
    const batch = scheduler.startBatch(1, stop.signal);
    batch.add(call('d', 'delete_file', { path: 'gone.txt' }));
    const sealed = batch.seal();
    await workspace.applying.promise;
    stop.abort(stopped());
    await afterGrace();
    workspace.apply.open();
    const { results } = await sealed;
    assert.equal(results[0].ok, true, results[0].content);
    assert.equal(results[0].content, 'Deleted gone.txt.');
    assert.equal(await workspace.stat('gone.txt'), undefined);
  });

  it('still reports a write stopped before it changed anything as cancelled, at once', async () => {
    const { workspace, scheduler, disk } = await setup({ 'a.txt': 'one\n' });
    const stop = new AbortController();
    // Stopped as the call starts running: the tool checks the signal before it touches the file.
    const batch = scheduler.startBatch(1, stop.signal, (u) => u.state === 'running' && stop.abort(stopped()));
    batch.add(call('e', 'apply_edit', { path: 'a.txt', oldText: 'one', newText: 'two' }));
    const { results } = await batch.seal();
    workspace.save.open();
    assert.match(results[0].content, /^Error \(cancelled\)/);
    assert.equal(disk('a.txt'), 'one\n');
  });
});
