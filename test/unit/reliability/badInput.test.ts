// Reliability: bad input from the model gets a clear error result and changes nothing on disk.
import * as assert from 'node:assert/strict';
import { mkdirSync, openSync, readdirSync, readFileSync, statSync, symlinkSync, writeSync, closeSync } from 'node:fs';
import * as path from 'node:path';
import { Scheduler } from '../../../src/agent/scheduler';
import { NodeWorkspace } from '../../../src/node/nodeWorkspace';
import { builtinTools } from '../../../src/tools';
import { toolRegistry } from '../../../src/tools/tool';
import { call, runBatch, testContext } from '../../fakes/fakeTools';
import { tempWorkspace } from '../../fakes/tempWorkspace';

/** Every file under dir with its content: "changes nothing" is checked by comparing snapshots. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isSymbolicLink()) out[path.relative(dir, p)] = '<link>';
      else if (e.isDirectory()) walk(p);
      else if (statSync(p).size < 1_000_000) out[path.relative(dir, p)] = readFileSync(p, 'utf8');
      else out[path.relative(dir, p)] = `<${statSync(p).size} bytes>`;
    }
  };
  walk(dir);
  return out;
}

describe('reliability: bad input changes nothing and gets a clear error', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  let outside: ReturnType<typeof tempWorkspace>;
  let scheduler: Scheduler;

  before(async () => {
    outside = tempWorkspace({ 'secret.txt': 'outside' });
    ws = tempWorkspace({ 'src/a.ts': 'const a = 1;\nconst a = 1;\n', 'bin.png': '\x89PNG\0\0\0', 'dir/keep.txt': 'k' });
    symlinkSync(path.join(outside.dir, 'secret.txt'), path.join(ws.dir, 'out-link'));
    symlinkSync(outside.dir, path.join(ws.dir, 'out-dir'));
    symlinkSync('loop-b', path.join(ws.dir, 'loop-a'));
    symlinkSync('loop-a', path.join(ws.dir, 'loop-b'));
    // A 50 MB file, written in chunks so the test itself stays small in memory.
    const fd = openSync(path.join(ws.dir, 'huge.log'), 'w');
    const chunk = Buffer.alloc(1024 * 1024, 'x\n');
    for (let i = 0; i < 50; i++) writeSync(fd, chunk);
    closeSync(fd);
    mkdirSync(path.join(ws.dir, 'empty'));
    scheduler = new Scheduler({ tools: toolRegistry(builtinTools), context: testContext(await NodeWorkspace.open(ws.dir)) });
  });
  after(() => {
    ws.cleanup();
    outside.cleanup();
  });

  const cases: [string, string, unknown, string][] = [
    ['parent escape', 'read_file', { path: '../x' }, 'path_outside_workspace'],
    ['absolute path', 'read_file', { path: '/etc/passwd' }, 'path_outside_workspace'],
    ['home directory', 'read_file', { path: '~/.bashrc' }, 'path_outside_workspace'],
    ['symlink to a file outside', 'read_file', { path: 'out-link' }, 'path_outside_workspace'],
    ['write through a symlinked folder', 'apply_edit', { path: 'out-dir/new.txt', oldText: '', newText: 'x' }, 'path_outside_workspace'],
    ['edit through a symlink', 'apply_edit', { path: 'out-link', oldText: 'outside', newText: 'pwned' }, 'path_outside_workspace'],
    ['symlink loop', 'read_file', { path: 'loop-a' }, 'invalid_path'],
    ['NUL in path', 'read_file', { path: 'src/a.ts\0.png' }, 'invalid_path'],
    ['Windows-style escape', 'apply_edit', { path: '..\\..\\evil.txt', oldText: '', newText: 'x' }, 'path_outside_workspace'],
    ['drive-letter path', 'read_file', { path: 'C:\\Windows\\win.ini' }, 'path_outside_workspace'],
    ['directory as a file', 'read_file', { path: 'dir' }, 'is_directory'],
    ['edit a directory', 'apply_edit', { path: 'empty', oldText: '', newText: 'x' }, 'is_directory'],
    ['binary file', 'read_file', { path: 'bin.png' }, 'binary_file'],
    ['50 MB file', 'read_file', { path: 'huge.log' }, 'too_large'],
    ['arguments not JSON', 'read_file', '{path: src/a.ts}', 'invalid_json'],
    ['arguments of the wrong shape', 'read_file', '["src/a.ts"]', 'invalid_arguments'],
    ['missing required field', 'apply_edit', { path: 'src/a.ts', newText: 'x' }, 'invalid_arguments'],
    ['extra field', 'read_file', { path: 'src/a.ts', encoding: 'latin1' }, 'invalid_arguments'],
    ['wrong field type', 'read_file', { path: 'src/a.ts', startLine: 'one' }, 'invalid_arguments'],
    ['huge string argument', 'apply_edit', { path: 'src/a.ts', oldText: 'const', newText: 'y'.repeat(2_000_000) }, 'invalid_arguments'],
    ['unknown tool', 'delete_everything', {}, 'unknown_tool'],
    ['oldText missing from the file', 'apply_edit', { path: 'src/a.ts', oldText: 'const b', newText: 'x' }, 'no_match'],
    ['ambiguous oldText', 'apply_edit', { path: 'src/a.ts', oldText: 'const a = 1;', newText: 'x' }, 'ambiguous_match'],
    ['create over an existing file', 'apply_edit', { path: 'src/a.ts', oldText: '', newText: 'x' }, 'already_exists'],
  ];

  for (const [label, tool, args, code] of cases) {
    it(`${label}: ${code}`, async () => {
      const before = snapshot(ws.dir);
      const { results } = await runBatch(scheduler, [call('c', tool, args)]);
      assert.equal(results.length, 1);
      assert.equal(results[0].ok, false);
      assert.match(results[0].content, new RegExp(`^Error \\(${code}\\): .{10,}`), results[0].content.slice(0, 200));
      assert.deepEqual(snapshot(ws.dir), before);
      assert.equal(readFileSync(path.join(outside.dir, 'secret.txt'), 'utf8'), 'outside');
    });
  }

  it('reading a 50 MB file stays in bounded memory and search skips it quickly', async () => {
    const rss = process.memoryUsage().rss;
    const { results } = await runBatch(scheduler, [call('r', 'read_file', { path: 'huge.log' }), call('s', 'search_workspace', { query: 'const a' })]);
    assert.match(results[0].content, /^Error \(too_large\): huge.log is 50.0 MB/);
    assert.match(results[1].content, /^src\/a\.ts:1: const a = 1;/);
    assert.ok(process.memoryUsage().rss - rss < 40 * 1024 * 1024, 'the file was never loaded');
  });
});
