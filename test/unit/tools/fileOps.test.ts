import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { ChangeTracker } from '../../../src/agent/changeTracker';
import { Scheduler } from '../../../src/agent/scheduler';
import { TrackingWorkspace } from '../../../src/agent/trackingWorkspace';
import { NodeWorkspace } from '../../../src/node/nodeWorkspace';
import { builtinTools } from '../../../src/tools';
import { toolRegistry } from '../../../src/tools/tool';
import { call, runBatch, testContext } from '../../fakes/fakeTools';
import { tempWorkspace } from '../../fakes/tempWorkspace';

describe('delete_file and rename_file', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  let scheduler: Scheduler;
  let changes: ChangeTracker;
  const file = (rel: string) => path.join(ws.dir, rel);
  const run = async (name: string, args: unknown) => (await runBatch(scheduler, [call('c1', name, args)])).results[0]!;

  beforeEach(async () => {
    ws = tempWorkspace({ 'src/a.ts': 'export const a = 1;\n', 'src/b.ts': 'export const b = 2;\n', 'docs/readme.md': '# hi\n' });
    mkdirSync(`${ws.dir}-outside`);
    changes = new ChangeTracker();
    changes.beginCheckpoint(0);
    const workspace = new TrackingWorkspace(await NodeWorkspace.open(ws.dir), (p, before) => changes.recordWrite(p, before));
    scheduler = new Scheduler({ tools: toolRegistry(builtinTools), context: testContext(workspace) });
  });
  afterEach(() => {
    ws.cleanup();
    rmSync(`${ws.dir}-outside`, { recursive: true, force: true });
  });

  it('delete_file deletes one file, and review can put it back', async () => {
    const r = await run('delete_file', { path: 'src/a.ts' });
    assert.equal(r.content, 'Deleted src/a.ts.');
    assert.equal(existsSync(file('src/a.ts')), false);
    assert.deepEqual(changes.undoPlan(undefined), [{ path: 'src/a.ts', content: 'export const a = 1;\n' }]);
    assert.deepEqual(changes.restorePlan(0), [{ path: 'src/a.ts', content: 'export const a = 1;\n' }]);
  });

  it('rename_file moves a file (creating folders); review sees the old name deleted and the new one created', async () => {
    const r = await run('rename_file', { from: 'src/a.ts', to: 'lib/deep/a2.ts' });
    assert.equal(r.content, 'Renamed src/a.ts to lib/deep/a2.ts.');
    assert.equal(existsSync(file('src/a.ts')), false);
    assert.equal(readFileSync(file('lib/deep/a2.ts'), 'utf8'), 'export const a = 1;\n');
    assert.deepEqual(changes.undoPlan(undefined).sort((x, y) => x.path.localeCompare(y.path)), [
      { path: 'lib/deep/a2.ts', content: undefined },
      { path: 'src/a.ts', content: 'export const a = 1;\n' },
    ]);
  });

  it('refuses paths outside the workspace, folders, missing files and an existing target', async () => {
    symlinkSync(`${ws.dir}-outside`, file('out'));
    assert.match((await run('delete_file', { path: '../x.ts' })).content, /^Error \(path_outside_workspace\)/);
    assert.match((await run('delete_file', { path: 'out/x.ts' })).content, /^Error \(path_outside_workspace\)/);
    assert.match((await run('rename_file', { from: 'src/a.ts', to: '../a.ts' })).content, /^Error \(path_outside_workspace\)/);
    assert.match((await run('rename_file', { from: 'src/a.ts', to: 'out/a.ts' })).content, /^Error \(path_outside_workspace\)/);
    assert.match((await run('delete_file', { path: 'src' })).content, /^Error \(is_directory\)/);
    assert.match((await run('delete_file', { path: '.' })).content, /^Error \(is_directory\)/);
    assert.match((await run('rename_file', { from: 'docs', to: 'doc' })).content, /^Error \(is_directory\)/);
    assert.match((await run('delete_file', { path: 'src/nope.ts' })).content, /^Error \(not_found\)/);
    assert.match((await run('rename_file', { from: 'src/a.ts', to: 'src/b.ts' })).content, /^Error \(already_exists\): src\/b\.ts already exists; rename_file never overwrites/);
    assert.match((await run('rename_file', { from: 'src/a.ts', to: 'src/../src/a.ts' })).content, /^Error \(invalid_arguments\)/);
    assert.equal(readFileSync(file('src/a.ts'), 'utf8'), 'export const a = 1;\n', 'nothing changed');
    assert.equal(readFileSync(file('src/b.ts'), 'utf8'), 'export const b = 2;\n');
    assert.deepEqual(changes.pendingPaths(), []);
  });

  it('locks every path involved, in model order: edit, rename, read the new name, delete it', async () => {
    const { results } = await runBatch(scheduler, [
      call('r0', 'read_file', { path: 'src/a.ts' }),
      call('e1', 'apply_edit', { path: 'src/a.ts', oldText: 'a = 1', newText: 'a = 10' }),
      call('m2', 'rename_file', { from: 'src/a.ts', to: 'src/c.ts' }),
      call('r3', 'read_file', { path: 'src/c.ts' }),
      call('m4', 'rename_file', { from: 'src/b.ts', to: 'src/a.ts' }),
      call('d5', 'delete_file', { path: 'src/c.ts' }),
    ]);
    assert.deepEqual(results.map((r) => r.ok), [true, true, true, true, true, true], results.map((r) => r.content).join('\n'));
    assert.equal(results[0]!.content, 'export const a = 1;\n', 'the read before the edit saw the old text');
    assert.equal(results[3]!.content, 'export const a = 10;\n', 'the read of the new name waited for the edit and the rename');
    assert.equal(readFileSync(file('src/a.ts'), 'utf8'), 'export const b = 2;\n', 'b took the freed name');
    assert.equal(existsSync(file('src/c.ts')), false);
    assert.equal(existsSync(file('src/b.ts')), false);
  });
});
