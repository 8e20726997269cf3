import * as assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Scheduler } from '../../../src/agent/scheduler';
import { silentLogger } from '../../../src/host/logger';
import { McpManager, type McpManagerOptions, type McpServerState } from '../../../src/mcp/mcpManager';
import { NodeWorkspace } from '../../../src/node/nodeWorkspace';
import { builtinTools } from '../../../src/tools';
import { toolRegistry, toolSpec, type ToolDefinition } from '../../../src/tools/tool';
import { call, runBatch, testContext } from '../../fakes/fakeTools';
import { fakeStdioServerScript } from '../../fakes/mcp/buildFakeServer';
import { FakeMcpHttpServer } from '../../fakes/mcp/httpServer';
import { tempWorkspace } from '../../fakes/tempWorkspace';

const stdio = async (env: Record<string, string> = {}) => ({ type: 'stdio', command: process.execPath, args: [await fakeStdioServerScript()], env });

describe('McpManager with real MCP servers', function () {
  this.timeout(15_000);
  let managers: McpManager[] = [];
  let http: FakeMcpHttpServer | undefined;
  let ws: ReturnType<typeof tempWorkspace> | undefined;

  before(async function () {
    this.timeout(60_000);
    // Building the fake server and loading the SDK under tsx are one-off costs of the test process, not of a test.
    await Promise.all([fakeStdioServerScript(), import('../../../src/mcp/sdkClient')]);
  });
  afterEach(async () => {
    await Promise.all(managers.map((m) => m.dispose()));
    managers = [];
    await http?.close();
    http = undefined;
    ws?.cleanup();
    ws = undefined;
  });

  function manager(servers: Record<string, unknown>, options: Partial<McpManagerOptions> = {}): McpManager {
    const m = new McpManager({ workspaceFolder: process.cwd(), sources: [{ origin: 'test', servers }], restart: { backoffMs: 0 }, ...options });
    managers.push(m);
    return m;
  }
  const byName = (tools: ToolDefinition[], name: string) => {
    const t = tools.find((d) => d.name === name);
    assert.ok(t, `${name} is offered (have: ${tools.map((d) => d.name).join(', ')})`);
    return t;
  };
  const state = (m: McpManager, name: string) => m.states().find((s) => s.name === name)!;
  const run = (tool: ToolDefinition, input: Record<string, unknown>, signal = new AbortController().signal) =>
    tool.execute(input, { ...testContext(), signal });

  it('starts servers lazily, lists their tools under mcp__<server>__ names with access from readOnlyHint', async () => {
    const m = manager({ local: await stdio() });
    const changes: McpServerState[][] = [];
    m.onDidChange((s) => changes.push(s));
    assert.deepEqual(
      m.states().map((s) => [s.name, s.status, s.tools.length]),
      [['local', 'stopped', 0]],
    );
    assert.equal(changes.length, 0, 'nothing starts before the tools are asked for');

    const tools = await m.tools();
    assert.deepEqual(
      tools.map((t) => [t.name, t.access]),
      [
        ['mcp__local__slow_echo', 'read'],
        ['mcp__local__write_note', 'write'],
        ['mcp__local__never_answers', 'write'],
        ['mcp__local__cancelled_requests', 'read'],
        ['mcp__local__whoami', 'read'],
        ['mcp__local__mixed_content', 'read'],
        ['mcp__local__tool_error', 'read'],
        [tools[7].name, 'read'],
        ['mcp__local__crash', 'write'],
        ['mcp__local__add_tool', 'write'],
      ],
    );
    assert.match(tools[7].name, /^mcp__local__lookup_v2_x+_[0-9a-f]{8}$/);
    assert.equal(tools[7].name.length, 64);
    assert.deepEqual(changes.map((c) => c[0].status), ['starting', 'running']);
    const local = state(m, 'local');
    assert.equal(local.transport, 'stdio');
    assert.match(local.message, /^10 tools, pid \d+\.$/);
    assert.deepEqual(local.tools[0], { name: 'slow_echo', fanoutName: 'mcp__local__slow_echo', description: 'Echoes text after ms milliseconds.', access: 'read', enabled: true });

    assert.equal(await run(byName(tools, 'mcp__local__slow_echo'), { text: 'hello', ms: 0 }), 'hello');
    assert.equal(await run(byName(tools, 'mcp__local__write_note'), { note: 'n1' }), 'noted (1): n1');
    assert.equal(
      await run(byName(tools, 'mcp__local__mixed_content'), {}),
      'caption\n[image: image/png, 10 bytes]\n[resource: file:///tmp/report.txt]\n[resource: mem://inline]\ninline text\n[resource: mem://blob, application/octet-stream, 4 bytes]',
    );
    await assert.rejects(run(byName(tools, 'mcp__local__tool_error'), {}), { name: 'ToolError', code: 'failed', message: 'the widget is jammed' });
  });

  it('speaks Streamable HTTP with the configured headers, and declares each tool with the server’s own JSON Schema', async () => {
    http = await new FakeMcpHttpServer().start();
    const m = manager({ remote: { type: 'http', url: http.url, headers: { Authorization: 'Bearer ${env:FAKE_TOKEN}' } } }, { env: { FAKE_TOKEN: 'tok-42' } });
    const tools = await m.tools();
    assert.ok(http.requests.length > 0 && http.requests.every((r) => r.headers.authorization === 'Bearer tok-42'));
    assert.equal(state(m, 'remote').transport, 'http');

    // What the server declares, read with a separate plain SDK client.
    const client = new Client({ name: 'probe', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
    const declared = (await client.listTools()).tools;
    await client.close();
    for (const tool of declared) {
      const def = tools.find((d) => d.name.startsWith(`mcp__remote__${tool.name.slice(0, 20).replace(/\./g, '_')}`));
      assert.ok(def, tool.name);
      const { $schema: _drop, ...schema } = tool.inputSchema as Record<string, unknown>;
      // toolSpec drops zod's ±2^53 integer bounds for every tool (they say nothing and some providers reject them).
      assert.deepEqual(toolSpec(def).parameters, JSON.parse(JSON.stringify(schema, (k, v) => (k === 'maximum' && v === Number.MAX_SAFE_INTEGER ? undefined : v))), tool.name);
    }
    const echo = toolSpec(byName(tools, 'mcp__remote__slow_echo'));
    assert.equal((echo.parameters.properties as Record<string, { description?: string }>).text.description, 'What to echo');
    assert.deepEqual(echo.parameters.required, ['text']);
    assert.equal(await run(byName(tools, 'mcp__remote__slow_echo'), { text: 'over http', ms: 0 }), 'over http');
  });

  it('runs MCP calls in the same scheduler batch as built-in reads, overlapping them', async () => {
    ws = tempWorkspace({ 'a.txt': 'alpha\n', 'b.txt': 'beta\n' });
    http = await new FakeMcpHttpServer().start();
    const m = manager({ local: await stdio(), remote: { type: 'http', url: http.url } });
    const tools = [...builtinTools, ...(await m.tools())];
    const scheduler = new Scheduler({ tools: toolRegistry(tools), context: testContext(await NodeWorkspace.open(ws.dir)) });
    // As in a streamed turn: the calls arrive, reads start at once; the turn ends once the reads are under way.
    const started = new Set<string>();
    let allReadsStarted!: () => void;
    const readsStarted = new Promise<void>((r) => (allReadsStarted = r));
    const batch = scheduler.startBatch(1, new AbortController().signal, (u) => {
      if (u.state === 'running') started.add(u.callId);
      if (['r1', 'e1', 'e2', 'r2'].every((id) => started.has(id))) allReadsStarted();
    });
    for (const c of [
      call('r1', 'read_file', { path: 'a.txt' }),
      call('e1', 'mcp__local__slow_echo', { text: 'stdio', ms: 400 }),
      call('e2', 'mcp__remote__slow_echo', { text: 'http', ms: 400 }),
      call('r2', 'read_file', { path: 'b.txt' }),
      call('w1', 'mcp__local__write_note', { note: 'after the reads' }),
      call('bad', 'mcp__local__slow_echo', { ms: 'soon' }),
    ]) batch.add(c);
    await readsStarted;
    assert.ok(!started.has('w1'), 'a tool without readOnlyHint waits for the turn to end, like an edit');
    const { results, log } = await batch.seal();
    assert.deepEqual(results.map((r) => [r.callId, r.ok, r.content]), [
      ['r1', true, 'alpha\n'],
      ['e1', true, 'stdio'],
      ['e2', true, 'http'],
      ['r2', true, 'beta\n'],
      ['w1', true, 'noted (1): after the reads'],
      ['bad', false, 'Error (invalid_arguments): Invalid arguments for mcp__local__slow_echo: text: required property missing; ms: expected integer, got string.'],
    ]);
    const c = Object.fromEntries(log.calls.map((l) => [l.id, l]));
    // Every read (built-in or MCP) was running while both slow MCP calls were: the intervals share a common instant.
    const reads = [c.r1, c.e1, c.e2, c.r2];
    assert.ok(Math.max(...reads.map((l) => l.startMs)) < Math.min(c.e1.endMs, c.e2.endMs), JSON.stringify(log.calls));
    assert.ok(reads.every((l) => l.early), 'read-only MCP tools start early, like built-in reads');
    assert.equal(c.w1.early, false);
  });

  it('holds each server to its maxConcurrent (default 4) in the scheduler', async () => {
    const m = manager({ one: { ...(await stdio()), maxConcurrent: 1 }, dflt: await stdio() });
    const tools = await m.tools();
    assert.deepEqual(byName(tools, 'mcp__dflt__slow_echo').sharedLimit, { key: 'mcp:dflt', maxConcurrent: 4 });
    const scheduler = new Scheduler({ tools: toolRegistry(tools), context: testContext() });
    const running = new Map<string, Set<string>>([['one', new Set()], ['dflt', new Set()]]);
    const peak = new Map<string, number>([['one', 0], ['dflt', 0]]);
    const batch = scheduler.startBatch(1, new AbortController().signal, (u) => {
      const server = u.name.split('__')[1];
      if (u.state === 'running') running.get(server)!.add(u.callId);
      else running.get(server)!.delete(u.callId);
      peak.set(server, Math.max(peak.get(server)!, running.get(server)!.size));
    });
    for (let i = 0; i < 6; i++) {
      batch.add(call(`one${i}`, 'mcp__one__slow_echo', { text: `x${i}`, ms: 20 }));
      batch.add(call(`d${i}`, 'mcp__dflt__slow_echo', { text: `y${i}`, ms: 50 }));
    }
    const { results } = await batch.seal();
    assert.ok(results.every((r) => r.ok), JSON.stringify(results));
    assert.equal(peak.get('one'), 1, 'one call at a time on the server capped at 1');
    assert.ok(peak.get('dflt')! <= 4, `at most 4 at once on the default server (saw ${peak.get('dflt')})`);
  });

  it('a server that crashes mid-call fails that call only, and is restarted on the next call', async () => {
    http = await new FakeMcpHttpServer().start();
    const m = manager({ local: await stdio(), remote: { type: 'http', url: http.url } });
    const scheduler = new Scheduler({ tools: toolRegistry(await m.tools()), context: testContext() });
    const pid = (await runBatch(scheduler, [call('p', 'mcp__local__whoami', {})])).results[0].content;
    const { results } = await runBatch(scheduler, [
      call('e', 'mcp__remote__slow_echo', { text: 'still here', ms: 100 }),
      call('x', 'mcp__local__crash', {}),
      call('n', 'mcp__remote__write_note', { note: 'n' }),
    ]);
    assert.deepEqual(results.map((r) => [r.callId, r.ok]), [['e', true], ['x', false], ['n', true]]);
    assert.match(results[1].content, /^Error \(failed\): The MCP server "local" stopped while running crash.*It is restarted on the next call\.$/);
    const crashed = state(m, 'local');
    assert.equal(crashed.status, 'stopped');
    assert.match(crashed.message, /crashing on purpose.*Restarts on next use\./);
    assert.equal(crashed.tools.length, 10, 'its tools stay known while it is down');

    const again = (await runBatch(scheduler, [call('p2', 'mcp__local__whoami', {})])).results[0];
    assert.ok(again.ok, again.content);
    assert.notEqual(again.content, pid, 'a new process answered');
    assert.equal(state(m, 'local').status, 'running');
  });

  it('reconnects to an HTTP server that lost the session, on the call after the one that failed', async () => {
    http = await new FakeMcpHttpServer().start();
    const m = manager({ remote: { type: 'http', url: http.url } });
    const echo = byName(await m.tools(), 'mcp__remote__slow_echo');
    await http.expireSessions();
    await assert.rejects(run(echo, { text: 'lost' }), { code: 'failed', message: /^The MCP server "remote" stopped while running slow_echo.*restarted on the next call/ });
    assert.equal(state(m, 'remote').status, 'stopped');
    assert.equal(await run(echo, { text: 'back' }), 'back');
    assert.equal(state(m, 'remote').status, 'running');
  });

  it('follows a server that changes its tool list (notifications/tools/list_changed)', async () => {
    const m = manager({ local: await stdio() });
    const tools = await m.tools();
    const changed = new Promise<McpServerState[]>((resolve) => m.onDidChange((s) => s[0].tools.some((t) => t.name === 'late_tool') && resolve(s)));
    assert.equal(await run(byName(tools, 'mcp__local__add_tool'), { name: 'late_tool' }), 'added late_tool');
    const states = await changed;
    assert.deepEqual(states[0].tools.find((t) => t.name === 'late_tool'), { name: 'late_tool', fanoutName: 'mcp__local__late_tool', description: 'Added at run time.', access: 'read', enabled: true });
    assert.equal(await run(byName(await m.tools(), 'mcp__local__late_tool'), {}), 'I am late_tool');
  });

  it('gives up on a server after too many failures in the window, with a clear state, until restart()', async () => {
    const m = manager({ flaky: await stdio(), broken: await stdio({ FAKE_MCP_EXIT_AT_START: '1' }) }, { restart: { maxCrashes: 2, backoffMs: 0 } });
    const tools = await m.tools();
    assert.ok(tools.every((t) => t.name.startsWith('mcp__flaky__')), 'the broken server is left out, the other works');
    assert.equal(state(m, 'broken').status, 'error');
    assert.match(state(m, 'broken').message, /^(could not start|exited unexpectedly).*Restarts on next use\.$/);

    const crash = byName(tools, 'mcp__flaky__crash');
    const whoami = byName(tools, 'mcp__flaky__whoami');
    await assert.rejects(run(crash, {}), /stopped while running crash.*restarted on the next call/);
    await assert.rejects(run(crash, {}), /stopped while running crash.*will not be restarted/);
    assert.equal(state(m, 'flaky').status, 'error');
    assert.match(state(m, 'flaky').message, /Gave up after 2 failures within 300 s: fix the server, then restart it\.$/);
    await assert.rejects(run(whoami, {}), { name: 'ToolError', code: 'unavailable', message: /^MCP server "flaky": .*Gave up after 2 failures/ });

    await m.restart('flaky');
    assert.equal(state(m, 'flaky').status, 'running');
    assert.match(await run(whoami, {}), /^\d+$/);
  });

  it('times out a call that never answers and cancels the MCP request (the server sees notifications/cancelled)', async () => {
    // The fake server reports on stderr when the call reached it; the manager logs server stderr at debug level.
    let reached: () => void = () => {};
    const logger = { ...silentLogger, debug: (line: string) => line.includes('never_answers waiting') && reached() };
    const m = manager({ local: await stdio() }, { logger });
    const scheduler = new Scheduler({ tools: toolRegistry(await m.tools()), context: testContext(), perTool: { mcp__local__never_answers: { timeoutMs: 200 } } });
    const { results, log } = await runBatch(scheduler, [call('hang', 'mcp__local__never_answers', {}), call('ok', 'mcp__local__slow_echo', { text: 'fine', ms: 0 })]);
    assert.equal(results[0].content, 'Error (timeout): mcp__local__never_answers did not finish within 0.2 s and was stopped.');
    assert.equal(log.calls[0].error, 'timeout');
    assert.deepEqual([results[1].ok, results[1].content], [true, 'fine']);
    const cancelled = () => runBatch(scheduler, [call('c', 'mcp__local__cancelled_requests', {})]).then(({ results }) => JSON.parse(results[0].content) as string[]);
    assert.equal((await cancelled()).length, 1);

    // The user's stop cancels it the same way.
    const stop = new AbortController();
    reached = () => stop.abort(new Error('stop'));
    const batch = scheduler.startBatch(2, stop.signal);
    batch.add(call('hang2', 'mcp__local__never_answers', {}));
    const stopped = await batch.seal();
    assert.match(stopped.results[0].content, /^Error \(cancelled\)/);
    assert.equal((await cancelled()).length, 2);
  });

  it('does not offer disabled servers or tools, and applies changes to the lists', async () => {
    const m = manager({ a: await stdio(), b: await stdio() }, { disabledServers: ['b'], disabledTools: ['a/write_note', 'a/crash'] });
    const names = (tools: ToolDefinition[]) => tools.map((t) => t.name);
    const first = await m.tools();
    assert.ok(names(first).every((n) => n.startsWith('mcp__a__')));
    assert.ok(!names(first).includes('mcp__a__write_note') && !names(first).includes('mcp__a__crash'));
    assert.ok(names(first).includes('mcp__a__slow_echo'));
    assert.deepEqual([state(m, 'b').enabled, state(m, 'b').status, state(m, 'b').tools.length], [false, 'stopped', 0], 'a disabled server is never started');
    assert.equal(state(m, 'a').tools.find((t) => t.name === 'write_note')!.enabled, false);

    await m.setDisabled({ servers: [], tools: [] });
    const all = names(await m.tools());
    assert.ok(all.includes('mcp__a__write_note') && all.includes('mcp__b__slow_echo'));

    const echoA = byName(first, 'mcp__a__slow_echo');
    await m.setDisabled({ servers: ['a'] });
    assert.deepEqual([state(m, 'a').status, state(m, 'a').message], ['stopped', 'Disabled.']);
    assert.ok(names(await m.tools()).every((n) => n.startsWith('mcp__b__')));
    await assert.rejects(run(echoA, { text: 'x' }), { code: 'unavailable', message: 'The MCP server "a" is disabled.' });
  });

  it('keeps working servers when other entries are bad or cannot start, and says why for each', async () => {
    const m = manager({
      good: await stdio(),
      prompt: { command: 'node', env: { KEY: '${input:key}' } },
      empty: {},
      missing: { command: 'fanout-no-such-mcp-server' },
    });
    const tools = await m.tools();
    assert.ok(tools.length > 0 && tools.every((t) => t.name.startsWith('mcp__good__')));
    const s = Object.fromEntries(m.states().map((x) => [x.name, x]));
    assert.equal(s.good.status, 'running');
    assert.equal(s.prompt.status, 'error');
    assert.match(s.prompt.message, /\$\{input:key\} is not supported yet/);
    assert.match(s.empty.message, /needs "command" \(a stdio server\) or "url"/);
    assert.equal(s.missing.status, 'error');
    assert.match(s.missing.message, /^could not start: .*ENOENT/);
  });
});
