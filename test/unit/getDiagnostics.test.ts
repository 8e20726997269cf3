// get_diagnostics: the headless lint-command host, the formatting both hosts share, and the batch ordering that makes
// "edit a.ts, then get_diagnostics of a.ts" in one turn see the edit.
import * as assert from 'node:assert/strict';
import { Scheduler } from '../../src/agent/scheduler';
import type { Diagnostics, DiagnosticsReport, Problem } from '../../src/host/diagnostics';
import type { TextEdit } from '../../src/host/workspace';
import { linesAbout, NodeDiagnostics } from '../../src/node/nodeDiagnostics';
import { NodeProcessRunner } from '../../src/node/nodeProcessRunner';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import { builtinTools } from '../../src/tools';
import { formatProblem, formatReport, MAX_PROBLEMS } from '../../src/tools/getDiagnostics';
import { toolRegistry } from '../../src/tools/tool';
import { FakeOpenAIServer, toolMessages } from '../fakes/openaiServer';
import { call, runBatch, testContext } from '../fakes/fakeTools';
import { runCli } from '../fakes/runCli';
import { tempWorkspace } from '../fakes/tempWorkspace';

/** A linter that prints one problem per line for a.ts and an eslint-"stylish" section (absolute path) for b.ts. */
const LINT_JS = `
const root = process.cwd();
console.log('src/a.ts:1:14 error \\'x\\' is assigned a value but never used');
console.log('');
console.log(root + '/src/b.ts');
console.log('  2:3  error  Missing semicolon  semi');
console.log('  4:1  warning  Unexpected console statement  no-console');
console.log('');
console.log('2 problems');
process.exit(1);
`;

function lintWorkspace(scripts: Record<string, string> = { lint: 'node lint.js' }) {
  return tempWorkspace({
    'package.json': JSON.stringify({ name: 'p', scripts }),
    'lint.js': LINT_JS,
    'src/a.ts': 'const x = 1;\n',
    'src/b.ts': 'let y = 2\n',
    'src/c.ts': 'export {};\n',
  });
}

describe('get_diagnostics headless (lint command)', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  afterEach(() => ws?.cleanup());

  async function diagnose(args: Record<string, unknown>[], lintCommand?: string) {
    const workspace = await NodeWorkspace.open(ws.dir);
    const runner = new NodeProcessRunner();
    const diagnostics = new NodeDiagnostics({ workspace, runner, lintCommand });
    const s = new Scheduler({ tools: toolRegistry(builtinTools), context: { ...testContext(workspace), diagnostics } });
    const { results } = await runBatch(s, args.map((a, i) => call(`d${i}`, 'get_diagnostics', a)));
    return results;
  }

  it('detects `npm run lint` from package.json, runs it and returns its output with the exit code', async () => {
    ws = lintWorkspace();
    const [r] = await diagnose([{}]);
    assert.ok(r.ok, r.content);
    assert.match(r.content, /^\$ npm run lint\nexit code 1 after \d+\.\d s\n/);
    assert.match(r.content, /src\/a\.ts:1:14 error 'x' is assigned/);
    assert.match(r.content, /2:3 {2}error {2}Missing semicolon/);
  });

  it('narrows the output to a path: its own lines, a stylish section of it, nothing about the others', async () => {
    ws = lintWorkspace();
    const [a, b, c, src] = await diagnose([{ path: 'src/a.ts' }, { path: 'src/b.ts' }, { path: 'src/c.ts' }, { path: 'src' }]);
    assert.match(a.content, /The lines about src\/a\.ts \(the command checks the whole project\):\nsrc\/a\.ts:1:14 error/);
    assert.doesNotMatch(a.content, /semicolon/);
    assert.match(b.content, /src\/b\.ts\n {2}2:3 {2}error {2}Missing semicolon {2}semi\n {2}4:1 {2}warning/);
    assert.doesNotMatch(b.content, /never used|2 problems/);
    assert.match(c.content, /The lint output mentions nothing in src\/c\.ts\. It failed elsewhere/);
    assert.match(src.content, /never used[\s\S]*Missing semicolon/, 'a folder takes the lines of every file under it');
  });

  it('refuses a path that does not exist, before running anything', async () => {
    ws = lintWorkspace({ lint: 'node -e "require(\'fs\').writeFileSync(\'ran\', \'\')"' });
    const [r] = await diagnose([{ path: 'src/nope.ts' }]);
    assert.match(r.content, /^Error \(not_found\): src\/nope\.ts does not exist/);
    assert.equal((await (await NodeWorkspace.open(ws.dir)).stat('ran')), undefined);
  });

  it('is a clear "unavailable" error without a lint script or --lint-command; the command wins over detection', async () => {
    ws = lintWorkspace({ test: 'node lint.js' });
    const [r] = await diagnose([{}]);
    assert.equal(r.ok, false);
    assert.match(r.content, /^Error \(unavailable\): Diagnostics are unavailable here: .*--lint-command/);
    const [given] = await diagnose([{ path: 'src/a.ts' }], 'node lint.js');
    assert.match(given.content, /^\$ node lint\.js\nexit code 1[\s\S]*src\/a\.ts:1:14/);
  });

  it('takes the command from --lint-command in the CLI', async () => {
    ws = lintWorkspace({});
    const server = await new FakeOpenAIServer((_r, i) => (i === 0 ? { calls: [{ name: 'get_diagnostics', arguments: { path: 'src/b.ts' } }] } : { text: 'ok' })).start();
    try {
      const { code } = await runCli(['--workspace', ws.dir, '--base-url', server.url, '--lint-command', 'node lint.js', 'lint it'], { OPENAI_API_KEY: 'k' });
      assert.equal(code, 0);
      assert.match(toolMessages(server.chatRequests[1])[0].content, /^\$ node lint\.js\n[\s\S]*Missing semicolon/);
    } finally {
      await server.close();
    }
  });
});

describe('lint output narrowed to a path (linesAbout)', () => {
  const root = '/work/p';
  it('matches tsc, unix and absolute forms, not a longer path that ends the same way', () => {
    const out = ['src/a.ts(3,5): error TS2322: nope', './src/a.ts:1:1: x', '/work/p/src/a.ts:2:2 y', 'lib/src/a.ts:9:9 other', 'src/a.tsx:1:1 other'].join('\n');
    assert.deepEqual(linesAbout(out, 'src/a.ts', root), ['src/a.ts(3,5): error TS2322: nope', './src/a.ts:1:1: x', '/work/p/src/a.ts:2:2 y']);
    assert.deepEqual(linesAbout(out, 'a.ts', root), [], 'a.ts is a file at the root, not src/a.ts');
  });
});

describe('get_diagnostics formatting', () => {
  const p = (over: Partial<Problem>): Problem => ({ path: 'src/a.ts', line: 1, column: 1, severity: 'error', message: 'm', ...over });

  it('prints one `path:line:col severity message (source)` line per problem, sorted, with counts', () => {
    const text = formatReport(
      {
        kind: 'problems',
        problems: [
          p({ path: 'src/b.ts', line: 2, column: 5, severity: 'warning', message: 'unused', source: 'eslint' }),
          p({ line: 3, column: 7, message: "Type 'string' is not assignable\n  to type 'number'.", source: 'ts' }),
          p({ line: 1, column: 2, severity: 'hint', message: 'x' }),
        ],
      },
      '.',
    );
    assert.equal(
      text,
      "1 error, 1 warning, 1 hint in the workspace:\nsrc/a.ts:1:2 hint x\nsrc/a.ts:3:7 error Type 'string' is not assignable to type 'number'. (ts)\nsrc/b.ts:2:5 warning unused (eslint)",
    );
  });

  it('says so when there are none, and when the wait for language servers ran out', () => {
    assert.equal(formatReport({ kind: 'problems', problems: [] }, 'src/a.ts'), 'No problems in src/a.ts.');
    assert.match(formatReport({ kind: 'problems', problems: [], unsettled: true }, '.'), /^No problems in the workspace\.\n\(Language servers were still busy/);
  });

  it(`lists at most ${MAX_PROBLEMS} and counts the rest`, () => {
    const many = Array.from({ length: MAX_PROBLEMS + 5 }, (_, i) => p({ line: i + 1 }));
    const text = formatReport({ kind: 'problems', problems: many }, '.');
    assert.equal(text.split('\n').length, MAX_PROBLEMS + 2);
    assert.match(text, /\n\.\.\. 5 more not listed: ask for one file's path/);
    assert.equal(formatProblem(p({ source: undefined })), 'src/a.ts:1:1 error m');
  });
});

/** Records what the file said when diagnostics were collected. */
class RecordingDiagnostics implements Diagnostics {
  readonly seen: { path: string | undefined; text: string }[] = [];
  constructor(private readonly read: () => Promise<string>) {}
  async collect(path: string | undefined): Promise<DiagnosticsReport> {
    this.seen.push({ path, text: await this.read() });
    return { kind: 'problems', problems: [] };
  }
}

describe('get_diagnostics after an edit in the same batch', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  afterEach(() => ws?.cleanup());

  it('waits for the edits before it (file and workspace-wide), while a call on another file does not', async () => {
    ws = tempWorkspace({ 'a.ts': 'let a: number = 1;\n', 'b.ts': 'export {};\n' });
    const inner = await NodeWorkspace.open(ws.dir);
    // The edit is held until the test lets it go, so a get_diagnostics that did not wait would see the old text.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let editEntered!: () => void;
    const entered = new Promise<void>((r) => (editEntered = r));
    const workspace = Object.create(inner) as NodeWorkspace;
    workspace.editFile = async (rel: string, edit: TextEdit, signal?: AbortSignal) => {
      editEntered();
      await gate;
      return inner.editFile(rel, edit, signal);
    };
    const diagnostics = new RecordingDiagnostics(async () => (await inner.readFile('a.ts')).text);
    const s = new Scheduler({ tools: toolRegistry(builtinTools), context: { ...testContext(workspace), diagnostics } });
    const batch = s.startBatch(1, new AbortController().signal);
    batch.add(call('e', 'apply_edit', { path: 'a.ts', oldText: '= 1', newText: "= 'one'" }));
    batch.add(call('d1', 'get_diagnostics', { path: 'a.ts' }));
    batch.add(call('d2', 'get_diagnostics', {}));
    batch.add(call('d3', 'get_diagnostics', { path: 'b.ts' }));
    const done = batch.seal();
    await entered;
    // b.ts shares no file with the edit: it ran at once, while the edit is still held.
    await waitUntil(() => diagnostics.seen.some((s) => s.path === 'b.ts'));
    assert.deepEqual(diagnostics.seen.map((s) => s.path), ['b.ts']);
    release();
    const { results } = await done;
    assert.ok(results.every((r) => r.ok), results.map((r) => r.content).join('\n'));
    const after = diagnostics.seen.filter((s) => s.path !== 'b.ts');
    assert.deepEqual(after.map((s) => s.path).sort(), ['a.ts', undefined].sort());
    for (const s of after) assert.equal(s.text, "let a: number = 'one';\n", `get_diagnostics ${s.path ?? '(workspace)'} saw the text before the edit`);
  });
});

/** Resolves once `check` holds, re-checking after each turn of the event loop (no fixed delay). */
async function waitUntil(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}

