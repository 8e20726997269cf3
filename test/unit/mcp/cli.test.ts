import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../../src/cli';
import { fakeStdioServerScript } from '../../fakes/mcp/buildFakeServer';
import { FakeOpenAIServer, toolMessages } from '../../fakes/openaiServer';
import { tempWorkspace } from '../../fakes/tempWorkspace';

function sink() {
  let text = '';
  const stream = new Writable({ write(chunk, _enc, cb) { text += chunk; cb(); } });
  return { stream: stream as NodeJS.WritableStream, get text() { return text; } };
}

async function runCli(args: string[]) {
  const out = sink();
  const err = sink();
  const saved = process.env.OPENAI_API_KEY;
  process.env.OPENAI_API_KEY = 'sk-test';
  try {
    return { code: await main(args, { out: out.stream, err: err.stream }), out: out.text, err: err.text };
  } finally {
    if (saved === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = saved;
  }
}

describe('fanout CLI with MCP servers', function () {
  this.timeout(15_000);
  let ws: ReturnType<typeof tempWorkspace> | undefined;
  let server: FakeOpenAIServer | undefined;
  before(async function () {
    this.timeout(60_000);
    // Building the fake server and loading the SDK under tsx are one-off costs of the test process, not of a test.
    await Promise.all([fakeStdioServerScript(), import('../../../src/mcp/sdkClient')]);
  });
  afterEach(async () => {
    ws?.cleanup();
    await server?.close();
  });

  const mcpJson = async () => JSON.stringify({ servers: { notes: { type: 'stdio', command: process.execPath, args: [await fakeStdioServerScript()] } } });

  it('--mcp-config FILE: the model calls an MCP tool beside a built-in one, and gets its result', async () => {
    ws = tempWorkspace({ 'a.txt': 'alpha\n', 'servers.json': await mcpJson() });
    server = await new FakeOpenAIServer((_req, i) =>
      i === 0
        ? { calls: [{ id: 'c_echo', name: 'mcp__notes__slow_echo', arguments: { text: 'hello from mcp', ms: 50 } }, { id: 'c_read', name: 'read_file', arguments: { path: 'a.txt' } }, { id: 'c_note', name: 'mcp__notes__write_note', arguments: { note: 'remember' } }] }
        : { text: 'done' },
    ).start();
    const { code, out, err } = await runCli(['--workspace', ws.dir, '--base-url', server.url, '--mcp-config', path.join(ws.dir, 'servers.json'), '--json', 'go']);
    assert.equal(code, 0, err);
    const declared = server.chatRequests[0].body.tools as { function: { name: string; parameters: { required?: string[] } } }[];
    const echo = declared.find((t) => t.function.name === 'mcp__notes__slow_echo');
    assert.ok(echo, 'the MCP tools are declared to the model');
    assert.deepEqual(echo.function.parameters.required, ['text']);
    assert.ok(declared.some((t) => t.function.name === 'read_file'));
    assert.deepEqual(toolMessages(server.chatRequests[1]).map((m) => [m.tool_call_id, m.content]), [
      ['c_echo', 'hello from mcp'],
      ['c_read', 'alpha\n'],
      ['c_note', 'noted (1): remember'],
    ]);
    const batch = JSON.parse(out.split('\n')[0]);
    assert.deepEqual(batch.calls.map((c: { name: string; ok: boolean }) => [c.name, c.ok]), [['mcp__notes__slow_echo', true], ['read_file', true], ['mcp__notes__write_note', true]]);
  });

  it('uses <workspace>/.vscode/mcp.json by default, and reports servers it had to leave out', async () => {
    const file = JSON.parse(await mcpJson());
    file.servers.secret = { command: 'node', env: { KEY: '${input:key}' } };
    ws = tempWorkspace({ '.vscode/mcp.json': JSON.stringify(file) });
    server = await new FakeOpenAIServer(() => ({ text: 'hi' })).start();
    const { code, err } = await runCli(['--workspace', ws.dir, '--base-url', server.url, 'hi']);
    assert.equal(code, 0, err);
    const names = (server.chatRequests[0].body.tools as { function: { name: string } }[]).map((t) => t.function.name);
    assert.ok(names.includes('mcp__notes__whoami'));
    assert.match(err, /fanout: MCP server "secret" left out: \$\{input:key\} is not supported yet/);
  });

  it('refuses a --mcp-config file that is missing or not valid JSON', async () => {
    ws = tempWorkspace({ 'bad.json': '{ "servers": ' });
    const missing = await runCli(['--workspace', ws.dir, '--mcp-config', path.join(ws.dir, 'nope.json'), 'hi']);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /fanout: MCP config .*nope\.json does not exist\./);
    const bad = await runCli(['--workspace', ws.dir, '--mcp-config', path.join(ws.dir, 'bad.json'), 'hi']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /fanout: .*bad\.json is not valid JSON/);
  });
});
