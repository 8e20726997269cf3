import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Scheduler } from '../../../src/agent/scheduler';
import type { ProcessRunner } from '../../../src/host/processRunner';
import { NodeProcessRunner } from '../../../src/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/node/nodeWorkspace';
import { gitBlame } from '../../../src/tools/git/gitBlame';
import { gitDiff } from '../../../src/tools/git/gitDiff';
import { gitLog } from '../../../src/tools/git/gitLog';
import { toolRegistry } from '../../../src/tools/tool';
import { call, runBatch, testContext } from '../../fakes/fakeTools';
import { tempGitRepo } from '../../fakes/gitRepo';
import { tempWorkspace } from '../../fakes/tempWorkspace';

const tools = toolRegistry([gitDiff, gitBlame, gitLog]);

async function schedulerFor(dir: string, runner?: ProcessRunner) {
  const context = testContext(await NodeWorkspace.open(dir));
  return new Scheduler({ tools, context: runner ? { ...context, runner } : context });
}

describe('git tools on real repositories', () => {
  let repo: ReturnType<typeof tempGitRepo>;
  let scheduler: Scheduler;
  const run = async (name: string, args: unknown) => (await runBatch(scheduler, [call('c1', name, args)])).results[0]!;

  beforeEach(async () => {
    repo = tempGitRepo({ 'src/a.ts': 'export const a = 1;\nexport const b = 2;\n', 'src/b.ts': 'export const c = 3;\n' });
    repo.commitAll('first: a and b', 'Alice Example');
    repo.write('src/a.ts', 'export const a = 1;\nexport const b = 2;\nexport const added = 4;\n');
    repo.commitAll('bob adds a line', 'Bob Builder');
    scheduler = await schedulerFor(repo.dir);
  });
  afterEach(() => repo.cleanup());

  it('git_diff shows unstaged and staged changes apart, limited to a path, or against a base', async () => {
    repo.write('src/a.ts', 'export const a = 100;\nexport const b = 2;\nexport const added = 4;\n');
    repo.write('src/b.ts', 'export const c = 300;\n');
    repo.git(['add', 'src/b.ts']);

    const unstaged = await run('git_diff', {});
    assert.equal(unstaged.ok, true, unstaged.content);
    assert.match(unstaged.content, /src\/a\.ts \| 2 \+-/, 'a per-file summary first');
    assert.match(unstaged.content, /-export const a = 1;\n\+export const a = 100;/);
    assert.ok(!unstaged.content.includes('c = 300'), 'staged changes are not in the unstaged diff');

    const staged = await run('git_diff', { staged: true });
    assert.match(staged.content, /-export const c = 3;\n\+export const c = 300;/);
    assert.ok(!staged.content.includes('a = 100'));

    const both = await run('git_diff', { base: 'HEAD' });
    assert.match(both.content, /a = 100/);
    assert.match(both.content, /c = 300/);

    const onePath = await run('git_diff', { base: 'HEAD~1', path: 'src/a.ts' });
    assert.match(onePath.content, /\+export const added = 4;/);
    assert.match(onePath.content, /\+export const a = 100;/);
    assert.ok(!onePath.content.includes('src/b.ts'));

    repo.git(['add', '-A']);
    assert.match((await run('git_diff', {})).content, /^No unstaged changes\. \(Staged changes: staged: true/);
  });

  it('git_blame names who changed each line: two authors, and a line range', async () => {
    const all = await run('git_blame', { path: 'src/a.ts' });
    assert.equal(all.ok, true, all.content);
    const lines = all.content.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /\(Alice Example\s+\d{4}-\d\d-\d\d\s+1\) export const a = 1;/);
    assert.match(lines[2]!, /\(Bob Builder\s+\d{4}-\d\d-\d\d\s+3\) export const added = 4;/);
    const third = await run('git_blame', { path: 'src/a.ts', startLine: 3, endLine: 3 });
    assert.equal(third.content.trimEnd().split('\n').length, 1);
    assert.match(third.content, /Bob Builder/);
    repo.write('src/a.ts', 'export const a = 1;\nchanged\nexport const added = 4;\n');
    assert.match((await run('git_blame', { path: 'src/a.ts', startLine: 2, endLine: 2 })).content, /Not Committed Yet/);
    assert.match((await run('git_blame', { path: 'src/nope.ts' })).content, /^Error \(not_found\)/);
    assert.match((await run('git_blame', { path: 'src' })).content, /^Error \(is_directory\)/);
  });

  it('git_log lists commits newest first with author, subject and files; by path and count', async () => {
    const log = await run('git_log', {});
    assert.equal(log.ok, true, log.content);
    assert.match(log.content, /^[0-9a-f]{7,} \d{4}-\d\d-\d\d Bob Builder\n {4}bob adds a line\n\nM\tsrc\/a\.ts\n/);
    assert.match(log.content, /Alice Example\n {4}first: a and b\n\nA\tsrc\/a\.ts\nA\tsrc\/b\.ts/);
    const one = await run('git_log', { maxCount: 1 });
    assert.ok(!one.content.includes('Alice'));
    const forB = await run('git_log', { path: 'src/b.ts' });
    assert.ok(!forB.content.includes('Bob'), 'only commits that touched src/b.ts');
    assert.match(forB.content, /first: a and b/);
  });

  it('refuses what could escape: option-like bases, paths outside; ignores the caller\'s GIT_DIR', async () => {
    const evil = path.join(repo.dir, 'written-by-git.txt');
    const r = await run('git_diff', { base: `--output=${evil}` });
    assert.match(r.content, /^Error \(invalid_arguments\)/);
    assert.equal(existsSync(evil), false);
    assert.match((await run('git_diff', { path: '../' })).content, /^Error \(path_outside_workspace\)/);
    assert.match((await run('git_blame', { path: '/etc/passwd' })).content, /^Error \(path_outside_workspace\)/);
    // Pathspec magic is taken literally: `:(top)` cannot widen the path to the whole repository.
    assert.match((await run('git_log', { path: ':(top)' })).content, /^No commits touch :\(top\)\.$/);
    const saved = process.env.GIT_DIR;
    process.env.GIT_DIR = '/nonexistent';
    try {
      assert.match((await run('git_log', { maxCount: 1 })).content, /bob adds a line/);
    } finally {
      if (saved === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = saved;
    }
  });

  it('truncates a large diff with guidance to narrow it', async () => {
    repo.write('src/big.ts', Array.from({ length: 5000 }, (_, i) => `export const v${i} = ${i};`).join('\n'));
    repo.git(['add', '-N', 'src/big.ts']);
    const r = await run('git_diff', {});
    assert.ok(r.content.length < 30_000);
    assert.match(r.content, /cut from the middle\. Call git_diff with a path to see one file or folder at a time/);
  });
});

describe('git tools outside a repository, or without git', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  afterEach(() => ws.cleanup());

  it('say clearly that the folder is not a git repository', async () => {
    ws = tempWorkspace({ 'a.ts': 'x\n' });
    const s = await schedulerFor(ws.dir);
    const { results } = await runBatch(s, [call('d', 'git_diff', {}), call('b', 'git_blame', { path: 'a.ts' }), call('l', 'git_log', {})]);
    for (const r of results) assert.match(r.content, /^Error \(unavailable\): The workspace \(.*\) is not inside a git repository/);
  });

  it('say clearly that git is missing', async () => {
    ws = tempWorkspace({ 'a.ts': 'x\n' });
    const inner = new NodeProcessRunner();
    const noGitOnPath: ProcessRunner = { run: (c, o) => inner.run(c, o), execFile: (f, a, o) => inner.execFile(f, a, { ...o, env: { ...o.env, PATH: path.join(ws.dir, 'no-bin') } }), dispose: () => inner.dispose() };
    const s = await schedulerFor(ws.dir, noGitOnPath);
    const [r] = (await runBatch(s, [call('l', 'git_log', {})])).results;
    assert.match(r!.content, /^Error \(unavailable\): git is not installed/);
  });
});
