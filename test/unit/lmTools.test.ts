import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { FileLocks } from '../../src/agent/fileLocks';
import { silentLogger } from '../../src/host/logger';
import { NodeProcessRunner } from '../../src/node/nodeProcessRunner';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import { builtinRegistry } from '../../src/tools';
import { FileTracker } from '../../src/tools/fileTracker';
import { toolSpec } from '../../src/tools/tool';
import { editorTools } from '../../src/vscode/editorTools';
import { runLmToolCall, type LmToolCallDeps } from '../../src/vscode/lmToolCall';
import { lmToolContributions } from '../../src/vscode/lmToolManifest';
import { lmToolPrompt } from '../../src/vscode/lmToolMessages';
import { LM_TOOLS } from '../../src/vscode/lmToolNames';
import { LM_TOOL_NAMES } from '../fakes/lmToolNames';
import { tempWorkspace } from '../fakes/tempWorkspace';

const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
  contributes: { languageModelTools?: { name: string; inputSchema: unknown }[] };
};

describe('language model tools (contributes.languageModelTools)', () => {
  it('package.json declares exactly what the tools generate (run `npm run sync:lm-tools` after changing a tool)', () => {
    assert.deepEqual(pkg.contributes.languageModelTools, lmToolContributions());
  });

  it('declares each tool with the very JSON schema Fanout validates against (toolSpec)', () => {
    const declared = new Map((pkg.contributes.languageModelTools ?? []).map((t) => [t.name, t.inputSchema]));
    for (const info of LM_TOOLS) {
      const tool = editorTools.find((t) => t.name === info.tool)!;
      assert.deepEqual(declared.get(info.name), toolSpec(tool).parameters, info.name);
    }
  });

  it('offers every tool of the extension under a fanout_ name', () => {
    assert.deepEqual(LM_TOOLS.map((t) => t.name), LM_TOOL_NAMES);
    // Left out: run_command (other agents in VS Code have their own terminal tool, and would not get Fanout's approval
    // card), delete_file and rename_file (their own file tools do that, with VS Code's confirmations).
    const notOffered = new Set(['run_command', 'delete_file', 'rename_file']);
    assert.deepEqual(LM_TOOLS.map((t) => t.tool).sort(), editorTools.map((t) => t.name).filter((n) => !notOffered.has(n)).sort());
  });
});

describe('language model tools: what VS Code shows and asks', () => {
  const noCommand = async () => undefined;

  it('reads, searches and lists without asking', async () => {
    assert.deepEqual(await lmToolPrompt('read_file', { path: 'src/a.ts', startLine: 3, endLine: 9 }, noCommand), { invocationMessage: 'Reading src/a.ts, lines 3–9' });
    assert.deepEqual(await lmToolPrompt('search_workspace', { query: 'todo\n  fix' }, noCommand), { invocationMessage: 'Searching the workspace for "todo fix"' });
    assert.deepEqual(await lmToolPrompt('list_files', {}, noCommand), { invocationMessage: 'Listing the workspace' });
    assert.deepEqual(await lmToolPrompt('git_diff', { base: 'main' }, noCommand), { invocationMessage: 'Diffing the workspace against main' });
    assert.deepEqual(await lmToolPrompt('git_blame', { path: 'src/a.ts' }, noCommand), { invocationMessage: 'Blaming src/a.ts' });
    assert.deepEqual(await lmToolPrompt('git_log', {}, noCommand), { invocationMessage: 'Reading the git log of the workspace' });
  });

  it('checks problems and looks up symbols without asking', async () => {
    assert.deepEqual(await lmToolPrompt('get_diagnostics', {}, noCommand), { invocationMessage: 'Checking the problems of the workspace' });
    assert.deepEqual(await lmToolPrompt('get_diagnostics', { path: 'src/a.ts' }, noCommand), { invocationMessage: 'Checking the problems of src/a.ts' });
    assert.deepEqual(await lmToolPrompt('find_symbol', { query: 'parse' }, noCommand), { invocationMessage: 'Looking for the symbol "parse"' });
    assert.deepEqual(await lmToolPrompt('go_to_definition', { path: 'a.ts', line: 3, column: 5 }, noCommand), { invocationMessage: 'Finding the definition at a.ts:3:5' });
    assert.deepEqual(await lmToolPrompt('find_references', { path: 'a.ts', line: 3, column: 5 }, noCommand), { invocationMessage: 'Finding the references at a.ts:3:5' });
  });

  it('asks before an edit, showing what is replaced by what', async () => {
    const p = await lmToolPrompt('apply_edit', { path: 'src/a.ts', oldText: 'const a = 1;\n', newText: 'const a = 2;\nconst b = 3;\n' }, noCommand);
    assert.equal(p.invocationMessage, 'Editing src/a.ts');
    assert.equal(p.confirmation?.title, 'Edit src/a.ts?');
    assert.equal(p.confirmation?.message, 'Fanout will replace 1 line(s) of `src/a.ts` with 2 line(s):\n\n```diff\n- const a = 1;\n+ const a = 2;\n+ const b = 3;\n```');
  });

  it('asks before creating a file; text with backtick fences cannot break out of the preview', async () => {
    const p = await lmToolPrompt('apply_edit', { path: 'README.md', oldText: '', newText: '```js\nx\n```\n' }, noCommand);
    assert.equal(p.confirmation?.title, 'Create README.md?');
    assert.ok(p.confirmation?.message.includes('````\n```js\nx\n```\n````'), p.confirmation?.message);
  });

  it('asks before running the tests, naming the exact command; nothing to ask when there is no command', async () => {
    const p = await lmToolPrompt('run_tests', { filter: 'math' }, async () => "npm test -- 'math'");
    assert.equal(p.invocationMessage, 'Running the tests matching "math"');
    assert.deepEqual(p.confirmation, { title: 'Run the tests?', message: "Fanout will run `npm test -- 'math'` in the workspace folder." });
    assert.equal((await lmToolPrompt('run_tests', {}, noCommand)).confirmation, undefined);
  });

  it('asks before fetching a URL, showing it whole, and names a private network address', async () => {
    // Addresses, not names: no DNS in a unit test.
    const url = `https://93.184.216.34/search?q=${'x'.repeat(200)}`;
    const p = await lmToolPrompt('fetch_url', { url }, noCommand);
    assert.equal(p.invocationMessage, `Fetching ${url.slice(0, 119)}…`);
    assert.deepEqual(p.confirmation, { title: 'Fetch this URL?', message: `Fanout will send a GET request to:\n\n\`\`\`\n${url}\n\`\`\`` });
    const local = await lmToolPrompt('fetch_url', { url: 'http://169.254.169.254/latest/meta-data/' }, noCommand);
    assert.equal(local.confirmation?.message, 'Fanout will send a GET request to:\n\n```\nhttp://169.254.169.254/latest/meta-data/\n```\n\n169.254.169.254 is a private network address (this machine, the local network or a cloud metadata service).');
  });
});

describe('language model tools: running a call', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  let deps: LmToolCallDeps;
  beforeEach(async () => {
    ws = tempWorkspace({ 'notes.txt': 'alpha\nbeta\n' });
    deps = {
      tools: builtinRegistry(),
      workspace: await NodeWorkspace.open(ws.dir, { ripgrep: false }),
      files: new FileTracker(),
      locks: new FileLocks(),
      runner: new NodeProcessRunner(),
      logger: silentLogger,
      settings: { toolTimeoutSeconds: 30, toolLimits: { run_tests: { timeoutSeconds: 60 } } },
    };
  });
  afterEach(() => ws.cleanup());

  it('runs a tool and returns its text', async () => {
    const r = await runLmToolCall(deps, 'read_file', { path: 'notes.txt' }, new AbortController().signal);
    assert.deepEqual([r.ok, r.content], [true, 'alpha\nbeta\n']);
  });

  it('reports bad input and failures as Fanout error text', async () => {
    const missing = await runLmToolCall(deps, 'read_file', { path: 'nope.txt' }, new AbortController().signal);
    assert.equal(missing.ok, false);
    assert.match(missing.content, /^Error \(not_found\): nope\.txt does not exist/);
    const outside = await runLmToolCall(deps, 'apply_edit', { path: '../x', oldText: '', newText: 'x' }, new AbortController().signal);
    assert.match(outside.content, /^Error \(/);
    const invalid = await runLmToolCall(deps, 'read_file', { file: 'notes.txt' }, new AbortController().signal);
    assert.match(invalid.content, /^Error \(invalid_arguments\)/);
  });

  it('queues an edit behind an edit that holds the file lock (the chat’s locks are shared)', async () => {
    // Fanout's own run is editing notes.txt: it holds the write lock.
    const held = deps.locks.acquire([{ path: deps.workspace.lockKey('notes.txt'), write: true }]);
    await held.ready;
    const states: string[] = [];
    let waiting!: () => void;
    const waits = new Promise<void>((r) => (waiting = r));
    const edit = runLmToolCall(deps, 'apply_edit', { path: 'notes.txt', oldText: 'beta', newText: 'gamma' }, new AbortController().signal, (u) => {
      states.push(u.state);
      if (u.state === 'waiting_lock') waiting();
    });
    await waits;
    assert.equal(readFileSync(path.join(ws.dir, 'notes.txt'), 'utf8'), 'alpha\nbeta\n', 'the edit ran while another edit held the file');
    held.release();
    const r = await edit;
    assert.equal(r.ok, true, r.content);
    assert.deepEqual(states, ['queued', 'waiting_lock', 'running', 'done']);
    assert.equal(readFileSync(path.join(ws.dir, 'notes.txt'), 'utf8'), 'alpha\ngamma\n');
  });

  it('stops a call when the caller cancels', async () => {
    const held = deps.locks.acquire([{ path: deps.workspace.lockKey('notes.txt'), write: true }]);
    const stop = new AbortController();
    const edit = runLmToolCall(deps, 'apply_edit', { path: 'notes.txt', oldText: 'beta', newText: 'gamma' }, stop.signal);
    stop.abort();
    const r = await edit;
    held.release();
    assert.equal(r.ok, false);
    assert.match(r.content, /^Error \(cancelled\)/);
    assert.equal(readFileSync(path.join(ws.dir, 'notes.txt'), 'utf8'), 'alpha\nbeta\n');
  });
});
