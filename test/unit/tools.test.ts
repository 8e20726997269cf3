import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Scheduler } from '../../src/agent/scheduler';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import { builtinTools } from '../../src/tools';
import { normalizeWorkspacePath } from '../../src/tools/paths';
import { withFilter } from '../../src/tools/runTests';
import { toolRegistry } from '../../src/tools/tool';
import { ToolError } from '../../src/tools/toolError';
import { call, runBatch, testContext } from '../fakes/fakeTools';
import { tempWorkspace } from '../fakes/tempWorkspace';

describe('normalizeWorkspacePath', () => {
  it('folds equivalent spellings to one lock key', () => {
    for (const p of ['b.ts', './b.ts', 'a/../b.ts', 'a//..//b.ts', 'x/./../b.ts', 'b.ts/']) assert.equal(normalizeWorkspacePath(p), 'b.ts');
    assert.equal(normalizeWorkspacePath('src\\a.ts'), 'src/a.ts');
    assert.equal(normalizeWorkspacePath('.'), '.');
  });
  it('rejects paths outside the workspace with a clear error', () => {
    for (const p of ['../x', 'a/../../x', '/etc/passwd', '~/.ssh/id_rsa', 'C:\\Windows', '..\\x', '\\\\server\\share']) {
      assert.throws(() => normalizeWorkspacePath(p), (e: ToolError) => e.code === 'path_outside_workspace', p);
    }
    assert.throws(() => normalizeWorkspacePath('a\0b'), (e: ToolError) => e.code === 'invalid_path');
  });
});

describe('withFilter', () => {
  it('quotes model text for the shell and never splices it raw', () => {
    assert.equal(withFilter('npm test', 'a b'), 'npm test -- "${FANOUT_TEST_FILTER}"');
    assert.equal(withFilter('pytest -k {filter} -q', "x'; rm -rf / #"), 'pytest -k "${FANOUT_TEST_FILTER}" -q');
    assert.equal(withFilter(`node t.js '{filter}' "x {filter}"`, 'x'), `node t.js ''"\${FANOUT_TEST_FILTER}"'' "x \${FANOUT_TEST_FILTER}"`);
    assert.equal(withFilter('make test', undefined), 'make test');
    assert.equal(withFilter('go test {filter}', undefined), 'go test');
  });
});

describe('built-in tools on a real folder', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  let scheduler: Scheduler;
  const run = async (name: string, args: unknown) => (await runBatch(scheduler, [call('c1', name, args)])).results[0];

  beforeEach(async () => {
    ws = tempWorkspace({
      'src/a.ts': 'export const a = 1;\nexport const b = 2;\n',
      'src/dup.ts': 'x();\nx();\n',
      'src/crlf.ts': 'one\r\ntwo\r\n',
      'ignored/secret.txt': 'export const hidden = 1;\n',
      '.gitignore': 'ignored/\n',
      'bin.dat': 'abc\0def',
      'package.json': JSON.stringify({ scripts: { test: 'echo ok' } }),
    });
    mkdirSync(path.join(ws.dir, 'outside'));
    const workspace = await NodeWorkspace.open(path.join(ws.dir));
    scheduler = new Scheduler({ tools: toolRegistry(builtinTools), context: testContext(workspace, { maxFileBytes: 1024 }), toolTimeoutMs: 5000 });
  });
  afterEach(() => ws.cleanup());

  it('read_file returns text, line ranges, and clear errors', async () => {
    assert.equal((await run('read_file', { path: 'src/a.ts' })).content, 'export const a = 1;\nexport const b = 2;\n');
    assert.equal((await run('read_file', { path: 'src/a.ts', startLine: 2, endLine: 2 })).content, '[src/a.ts: lines 2-2 of 2]\nexport const b = 2;');
    assert.match((await run('read_file', { path: 'nope.ts' })).content, /^Error \(not_found\)/);
    assert.match((await run('read_file', { path: 'src' })).content, /^Error \(is_directory\)/);
    assert.match((await run('read_file', { path: 'bin.dat' })).content, /^Error \(binary_file\)/);
    assert.match((await run('read_file', { path: '../x' })).content, /^Error \(path_outside_workspace\)/);
    writeFileSync(path.join(ws.dir, 'big.txt'), 'x'.repeat(5000));
    assert.match((await run('read_file', { path: 'big.txt' })).content, /^Error \(too_large\): big.txt is 4.9 KB, over the 1.0 KB/);
  });

  it('refuses symlinks that lead outside the workspace, and symlink loops', async () => {
    const outside = tempWorkspace({ 'secret.txt': 'top secret' });
    try {
      symlinkSync(path.join(outside.dir, 'secret.txt'), path.join(ws.dir, 'link.txt'));
      symlinkSync(outside.dir, path.join(ws.dir, 'linkdir'));
      symlinkSync('loop2', path.join(ws.dir, 'loop1'));
      symlinkSync('loop1', path.join(ws.dir, 'loop2'));
      assert.match((await run('read_file', { path: 'link.txt' })).content, /^Error \(path_outside_workspace\)/);
      assert.match((await run('apply_edit', { path: 'linkdir/new.txt', oldText: '', newText: 'x' })).content, /^Error \(path_outside_workspace\)/);
      assert.match((await run('apply_edit', { path: 'link.txt', oldText: 'top', newText: 'no' })).content, /^Error \(path_outside_workspace\)/);
      assert.match((await run('read_file', { path: 'loop1' })).content, /^Error \(invalid_path\): loop1 is a symlink loop/);
      assert.equal(readFileSync(path.join(outside.dir, 'secret.txt'), 'utf8'), 'top secret');
    } finally {
      outside.cleanup();
    }
  });

  it('apply_edit replaces exactly one occurrence, creates files, and explains misses', async () => {
    assert.match((await run('apply_edit', { path: 'src/a.ts', oldText: 'a = 1', newText: 'a = 10' })).content, /^Edited src\/a\.ts: replaced 1 line\(s\) at line 1/);
    assert.equal(readFileSync(path.join(ws.dir, 'src/a.ts'), 'utf8'), 'export const a = 10;\nexport const b = 2;\n');
    assert.match((await run('apply_edit', { path: 'src/dup.ts', oldText: 'x();', newText: 'y();' })).content, /^Error \(ambiguous_match\): oldText occurs 2 times in src\/dup.ts \(lines 1, 2\)/);
    const miss = (await run('apply_edit', { path: 'src/a.ts', oldText: 'export  const b =  3;', newText: '' })).content;
    assert.match(miss, /^Error \(no_match\).*closest line is 2: "export const b = 2;"/);
    assert.match((await run('apply_edit', { path: 'new/dir/c.ts', oldText: '', newText: 'c\n' })).content, /^Created new\/dir\/c\.ts \(1 lines\)/);
    assert.match((await run('apply_edit', { path: 'new/dir/c.ts', oldText: '', newText: 'again' })).content, /^Error \(already_exists\)/);
    assert.match((await run('apply_edit', { path: 'missing.ts', oldText: 'x', newText: 'y' })).content, /^Error \(not_found\)/);
    assert.match((await run('apply_edit', { path: 'src/crlf.ts', oldText: 'one\ntwo', newText: 'uno\ndos' })).content, /^Edited/);
    assert.equal(readFileSync(path.join(ws.dir, 'src/crlf.ts'), 'utf8'), 'uno\r\ndos\r\n');
  });

  it('apply_edit refuses an edit based on a stale read, and accepts it after a fresh read', async () => {
    await run('read_file', { path: 'src/a.ts' });
    writeFileSync(path.join(ws.dir, 'src/a.ts'), 'export const a = 1;\nexport const b = 3; // changed by the user\n');
    assert.match((await run('apply_edit', { path: 'src/a.ts', oldText: 'a = 1', newText: 'a = 5' })).content, /^Error \(stale_file\)/);
    assert.match(readFileSync(path.join(ws.dir, 'src/a.ts'), 'utf8'), /changed by the user/);
    await run('read_file', { path: 'src/a.ts' });
    assert.ok((await run('apply_edit', { path: 'src/a.ts', oldText: 'a = 1', newText: 'a = 5' })).ok);
    // The agent's own edit updated what it knows: a second edit is not stale.
    assert.ok((await run('apply_edit', { path: 'src/a.ts', oldText: 'a = 5', newText: 'a = 6' })).ok);
  });

  it('search_workspace finds matches as path:line: text and honours .gitignore', async () => {
    const r = await run('search_workspace', { query: 'export const' });
    assert.match(r.content, /^src\/a\.ts:1: export const a = 1;$/m);
    assert.doesNotMatch(r.content, /hidden/);
    const rx = await run('search_workspace', { query: 'const [ab] =', isRegex: true, include: 'src/**' });
    assert.equal(rx.content.split('\n').length, 2);
    assert.match((await run('search_workspace', { query: 'zzz-not-there' })).content, /^No matches/);
    const capped = await run('search_workspace', { query: 'e', maxResults: 1 });
    assert.match(capped.content, /stopped at 1 matches/);
  });

  it('search_workspace works without ripgrep too (pure Node fallback)', async () => {
    const workspace = await NodeWorkspace.open(ws.dir, { ripgrep: false });
    const s = new Scheduler({ tools: toolRegistry(builtinTools), context: testContext(workspace) });
    const { results } = await runBatch(s, [call('1', 'search_workspace', { query: 'export const' }), call('2', 'list_files', { glob: '**/*.ts' })]);
    assert.match(results[0].content, /^src\/a\.ts:1: export const a = 1;$/m);
    assert.doesNotMatch(results[0].content, /hidden/);
    assert.deepEqual(results[1].content.split('\n'), ['src/a.ts', 'src/crlf.ts', 'src/dup.ts']);
  });

  it('list_files lists recursively, honours .gitignore and globs', async () => {
    const all = (await run('list_files', {})).content.split('\n');
    assert.ok(all.includes('src/a.ts') && all.includes('package.json'));
    assert.ok(!all.some((p) => p.startsWith('ignored/')));
    assert.deepEqual((await run('list_files', { path: 'src', glob: '*.ts' })).content.split('\n'), ['src/a.ts', 'src/crlf.ts', 'src/dup.ts']);
    assert.match((await run('list_files', { path: 'src/a.ts' })).content, /^Error \(not_a_directory\)/);
  });

  it('run_tests runs the detected command and reports the exit code', async () => {
    const r = await run('run_tests', {});
    assert.ok(r.ok);
    assert.match(r.content, /^\$ npm test \(run without npm: the "test" script of package.json, as npm runs it\)\nexit code 0 after/);
  });
});

describe('tool specs', () => {
  it('declare strict JSON Schemas without noise', async () => {
    const { toolSpec } = await import('../../src/tools/tool');
    const spec = toolSpec(builtinTools.find((t) => t.name === 'read_file')!);
    assert.deepEqual(spec.parameters, {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'Workspace-relative path, e.g. src/index.ts' },
        startLine: { description: 'First line to return (1-based)', type: 'integer', minimum: 1 },
        endLine: { description: 'Last line to return (inclusive)', type: 'integer', minimum: 1 },
      },
      required: ['path'],
      additionalProperties: false,
    });
    assert.deepEqual(builtinTools.map((t) => t.name), ['read_file', 'search_workspace', 'list_files', 'run_tests', 'apply_edit', 'get_diagnostics', 'run_command', 'git_diff', 'git_blame', 'git_log', 'delete_file', 'rename_file', 'fetch_url']);
  });
});
