import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { FakeOpenAIServer, toolMessages } from '../fakes/openaiServer';
import { runCli } from '../fakes/runCli';
import { tempWorkspace } from '../fakes/tempWorkspace';

describe('headless runner (fanout CLI) against a fake OpenAI server', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  let server: FakeOpenAIServer;
  afterEach(async () => {
    ws?.cleanup();
    await server?.close();
  });

  it('runs a multi-tool turn and answers each call with its own role:"tool" message', async () => {
    ws = tempWorkspace({ 'src/a.ts': 'export const a = 1;\n', 'src/b.ts': 'export const b = a + 1;\n' });
    server = await new FakeOpenAIServer((_req, i) =>
      i === 0
        ? {
            calls: [
              { id: 'call_read_a', name: 'read_file', arguments: { path: 'src/a.ts' } },
              { id: 'call_search', name: 'search_workspace', arguments: { query: 'export const' } },
              { id: 'call_list', name: 'list_files', arguments: { path: 'src' } },
              { id: 'call_edit', name: 'apply_edit', arguments: { path: 'src/b.ts', oldText: 'a + 1', newText: 'a + 2' } },
            ],
            argChunk: 5,
          }
        : { text: 'Done: b is now a + 2.' },
    ).start();
    const { code, out } = await runCli(['--workspace', ws.dir, '--base-url', `${server.url}/v1`, '--json', 'bump b'], { OPENAI_API_KEY: 'sk-test' });
    assert.equal(code, 0);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines[0].type, 'batch');
    assert.equal(lines[0].turn, 1);
    assert.deepEqual(lines[0].calls.map((c: { id: string }) => c.id), ['call_read_a', 'call_search', 'call_list', 'call_edit']);
    assert.ok(lines[0].calls.every((c: { ok: boolean }) => c.ok));
    assert.deepEqual(lines.at(-1), { type: 'final', text: 'Done: b is now a + 2.', turns: 2, usage: lines.at(-1).usage });

    const second = server.chatRequests[1].body;
    const assistant = second.messages.find((m: { role: string }) => m.role === 'assistant');
    assert.deepEqual(assistant.tool_calls.map((c: { id: string }) => c.id), ['call_read_a', 'call_search', 'call_list', 'call_edit']);
    const tools = toolMessages(server.chatRequests[1]);
    assert.deepEqual(tools.map((t) => t.tool_call_id), ['call_read_a', 'call_search', 'call_list', 'call_edit']);
    assert.equal(tools[0].content, 'export const a = 1;\n');
    assert.match(tools[1].content, /src\/a\.ts:1: export const a = 1;/);
    assert.match(tools[2].content, /src\/b\.ts/);
    assert.match(tools[3].content, /^Edited src\/b\.ts/);
    assert.equal(readFileSync(path.join(ws.dir, 'src/b.ts'), 'utf8'), 'export const b = a + 2;\n');
    // The headless list: no language tools (find_symbol...), which need an editor.
    const offered = server.chatRequests[0].body.tools.map((t: { function: { name: string } }) => t.function.name);
    assert.equal(offered.pop(), 'delegate', 'delegate comes last');
    assert.deepEqual(offered, ['read_file', 'search_workspace', 'list_files', 'run_tests', 'apply_edit', 'get_diagnostics', 'run_command', 'git_diff', 'git_blame', 'git_log', 'delete_file', 'rename_file', 'fetch_url']);
    assert.equal(server.chatRequests[0].body.parallel_tool_calls, undefined);
    assert.equal(server.chatRequests[0].headers.authorization, 'Bearer sk-test');
  });

  it('--context-window N: compacts to stay inside it and prints one {"type":"compact"} line per compaction', async () => {
    const big = Array.from({ length: 80 }, (_, i) => `line ${i}: some text that takes room in the window`).join('\n');
    ws = tempWorkspace(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`f${i}.txt`, big])));
    let turn = 0;
    server = await new FakeOpenAIServer((req) => {
      if (!req.body.tools) return { text: 'Summary: read f0 to f4.' };
      const t = turn++;
      return t < 5 ? { calls: [{ name: 'read_file', arguments: { path: `f${t}.txt` } }] } : { text: 'Read them all.' };
    }).start();
    const { code, out } = await runCli(['--workspace', ws.dir, '--base-url', `${server.url}/v1`, '--context-window', '4000', '--json', 'read every file'], { OPENAI_API_KEY: 'sk-test' });
    assert.equal(code, 0);
    const compacts = out.trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.type === 'compact');
    assert.ok(compacts.length >= 1);
    for (const c of compacts) {
      assert.deepEqual(Object.keys(c), ['type', 'turn', 'beforeTokens', 'afterTokens', 'reason']);
      assert.equal(c.reason, 'threshold');
      assert.ok(c.afterTokens < c.beforeTokens && c.beforeTokens > 0.85 * 4000, JSON.stringify(c));
    }
  });

  it('with --sequential tells the model parallel calls are off', async () => {
    ws = tempWorkspace({ 'a.txt': 'x' });
    server = await new FakeOpenAIServer(() => ({ text: 'hi' })).start();
    const { code } = await runCli(['--workspace', ws.dir, '--base-url', server.url, '--sequential', 'hi'], { OPENAI_API_KEY: 'k' });
    assert.equal(code, 0);
    assert.equal(server.chatRequests[0].body.parallel_tool_calls, false);
  });

  it('exits non-zero with a one-line reason: missing key, max turns, unreachable server', async () => {
    ws = tempWorkspace({ 'a.txt': 'x' });
    const noKey = await runCli(['--workspace', ws.dir, 'hi'], { OPENAI_API_KEY: '' });
    assert.equal(noKey.code, 2);
    assert.match(noKey.err, /^fanout: no API key for openai: set OPENAI_API_KEY\.\n$/);

    server = await new FakeOpenAIServer(() => ({ calls: [{ name: 'list_files', arguments: {} }] })).start();
    const maxTurns = await runCli(['--workspace', ws.dir, '--base-url', server.url, '--max-turns', '2', 'loop'], { OPENAI_API_KEY: 'k' });
    assert.equal(maxTurns.code, 3);
    assert.match(maxTurns.err, /Stopped after 2 turns/);
    assert.equal(server.chatRequests.length, 2);

    const closed = await new FakeOpenAIServer(() => ({ text: '' })).start();
    await closed.close();
    const down = await runCli(['--workspace', ws.dir, '--base-url', `${closed.url}/v1`, 'hi'], { OPENAI_API_KEY: 'k' });
    assert.equal(down.code, 1);
    assert.match(down.err, /^fanout: Could not reach OpenAI/);
    assert.ok(down.err.includes(`${closed.url}/v1`), `names the URL tried: ${down.err}`);
    assert.equal(down.err.trim().split('\n').length, 1);
  });

  it('--json: usage errors are JSON error lines too, and a missing --base-url for openai-compatible is bad usage', async () => {
    ws = tempWorkspace({ 'a.txt': 'x' });
    const noKey = await runCli(['--workspace', ws.dir, '--json', 'hi'], { OPENAI_API_KEY: '' });
    assert.equal(noKey.code, 2);
    assert.deepEqual(noKey.lines, [{ type: 'error', kind: 'missing_key', reason: 'no API key for openai: set OPENAI_API_KEY.' }]);

    const noUrl = await runCli(['--workspace', ws.dir, '--provider', 'openai-compatible', '--json', 'hi']);
    assert.equal(noUrl.code, 2);
    assert.match(noUrl.err, /^fanout: --provider openai-compatible needs --base-url URL/);
    assert.equal(noUrl.lines.length, 1);
    assert.equal(noUrl.lines[0].type, 'error');
    assert.equal(noUrl.lines[0].kind, 'missing_base_url');
    assert.match(noUrl.lines[0].reason, /--base-url/);

    const badFlag = await runCli(['--json', '--max-turns', 'lots', 'hi'], { OPENAI_API_KEY: 'k' });
    assert.equal(badFlag.code, 2);
    assert.deepEqual(badFlag.lines, [{ type: 'error', kind: 'usage', reason: '--max-turns needs a positive whole number, got "lots"' }]);

    const closed = await new FakeOpenAIServer(() => ({ text: '' })).start();
    await closed.close();
    const down = await runCli(['--workspace', ws.dir, '--base-url', `${closed.url}/v1`, '--json', 'hi'], { OPENAI_API_KEY: 'k' });
    assert.equal(down.code, 1);
    assert.equal(down.lines.at(-1).type, 'error');
    assert.ok(down.lines.at(-1).reason.includes(`${closed.url}/v1`), 'the JSON error names the URL tried');
  });

  it('human mode strips terminal escape sequences from model text, even split across chunks, keeping newlines and tabs', async () => {
    ws = tempWorkspace({ 'a.txt': 'x' });
    // The fake streams text 8 characters at a time: most of these sequences arrive cut in two.
    const evil = 'a\x1b[2J\x1b]0;pwned title\x07red\x1b[31mX\x1b[0m\tY\r\nZ\x9b1mQ\x1b]52;c;Y2xpcGJvYXJk\x1b\\ end\x1bc';
    server = await new FakeOpenAIServer(() => ({ text: evil })).start();
    const { code, out } = await runCli(['--workspace', ws.dir, '--base-url', server.url, 'hi'], { OPENAI_API_KEY: 'k' });
    assert.equal(code, 0);
    assert.equal(out, 'aredX\tY\nZQ end\n');
  });

  it('retries a 429 honouring retry-after, then succeeds', async () => {
    ws = tempWorkspace({ 'a.txt': 'x' });
    server = await new FakeOpenAIServer((_r, i) => (i === 0 ? { kind: 'status', status: 429, headers: { 'retry-after': '0.05' } } : { text: 'ok' })).start();
    const { code, out } = await runCli(['--workspace', ws.dir, '--base-url', server.url, '--json', 'hi'], { OPENAI_API_KEY: 'k' });
    assert.equal(code, 0);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines[0].type, 'retry');
    assert.equal(lines[0].delayMs, 50);
    assert.match(lines[0].reason, /HTTP 429/);
  });

  it('the built bundle runs as a real process (bin fanout -> dist/cli.js)', async function () {
    this.timeout(30000);
    ws = tempWorkspace({ 'a.txt': 'hello\n' });
    server = await new FakeOpenAIServer((_r, i) => (i === 0 ? { calls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] } : { text: 'It says hello.' })).start();
    const cli = path.resolve(__dirname, '../../dist/cli.js');
    const result = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(process.execPath, [cli, '--workspace', ws.dir, '--base-url', server.url, 'what does a.txt say?'], { env: { ...process.env, OPENAI_API_KEY: 'k' } }, (e, stdout) =>
        resolve({ code: e ? (e.code as number) : 0, stdout }),
      ),
    );
    assert.equal(result.code, 0);
    assert.equal(result.stdout.trim(), 'It says hello.');
    assert.equal(toolMessages(server.chatRequests[1])[0].content, 'hello\n');
  });
});
