// Reliability: provider faults, hung tools and load. The run survives or ends cleanly, the transcript stays valid,
// and no call is ever left without exactly one result.
import * as assert from 'node:assert/strict';
import { runAgent, type AgentEvent } from '../../../src/agent/loop';
import { buildAgentConfig, defaultAgentSettings, type AgentSettings } from '../../../src/agent/settings';
import { readUserSettings } from '../../../src/agent/userSettings';
import { silentLogger } from '../../../src/host/logger';
import { NodeProcessRunner } from '../../../src/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/node/nodeWorkspace';
import { createProvider } from '../../../src/providers';
import type { Message } from '../../../src/shared/transcript';
import { builtinTools } from '../../../src/tools';
import { toolRegistry } from '../../../src/tools/tool';
import type { Fault } from '../../fakes/httpFake';
import { FakeOpenAIServer, toolMessages, type OpenAIScript, type ScriptedTurn } from '../../fakes/openaiServer';
import { runCli } from '../../fakes/runCli';
import { tempWorkspace } from '../../fakes/tempWorkspace';

/** Checks the invariant every request must satisfy: each assistant tool call is answered exactly once, in order. */
function assertValidWire(body: { messages: { role: string; tool_calls?: { id: string }[]; tool_call_id?: string }[] }) {
  const msgs = body.messages;
  for (let i = 0; i < msgs.length; i++) {
    const calls = msgs[i].tool_calls;
    if (!calls?.length) continue;
    const answers = msgs.slice(i + 1, i + 1 + calls.length).map((m) => (m.role === 'tool' ? m.tool_call_id : undefined));
    assert.deepEqual(answers, calls.map((c) => c.id));
  }
}

describe('reliability: faults and load', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  let server: FakeOpenAIServer;
  afterEach(async () => {
    ws?.cleanup();
    await server?.close();
  });

  async function run(script: OpenAIScript, settings: Partial<AgentSettings> = {}) {
    ws = tempWorkspace({ 'a.txt': 'alpha\n', 'package.json': '{}' });
    server = await new FakeOpenAIServer(script).start();
    const provider = await createProvider({ provider: 'openai', apiKey: 'k', baseUrl: server.url });
    const config = buildAgentConfig(
      { ...defaultAgentSettings, model: 'm', ...settings },
      { provider, workspace: await NodeWorkspace.open(ws.dir), runner: new NodeProcessRunner(), tools: toolRegistry(builtinTools), logger: silentLogger },
    );
    config.retryBaseDelayMs = 1;
    const messages: Message[] = [];
    const events: AgentEvent[] = [];
    const outcome = await runAgent(config, messages, 'go', { signal: new AbortController().signal, onEvent: (e) => events.push(e) });
    for (const r of server.chatRequests) assertValidWire(r.body);
    return { outcome, messages, events };
  }

  const faultThenOk = (faults: Fault[], ok: ScriptedTurn = { text: 'recovered' }): OpenAIScript => (_r, i) => faults[i] ?? ok;

  it('rides out a burst of 429s, honouring retry-after', async () => {
    const f: Fault = { kind: 'status', status: 429, headers: { 'retry-after': '0' } };
    const { outcome, events } = await run(faultThenOk([f, f, f]));
    assert.equal(outcome.status, 'final');
    assert.deepEqual(events.filter((e) => e.type === 'retry').map((e) => (e.type === 'retry' ? e.delayMs : -1)), [0, 0, 0]);
  });

  it('rides out 500, 502, 503 and a connection reset', async () => {
    const s = (status: number): Fault => ({ kind: 'status', status });
    const { outcome } = await run(faultThenOk([s(500), s(502), { kind: 'reset' }, s(503)]), { maxRetries: 4 });
    assert.equal(outcome.status, 'final');
    assert.equal(server.chatRequests.length, 5);
  });

  it('a stream cut in the middle of a tool call runs nothing of it, then retries the turn', async () => {
    const calls = [{ id: 'e', name: 'apply_edit', arguments: { path: 'a.txt', oldText: 'alpha', newText: 'ALPHA' } }];
    const { outcome, messages } = await run((_r, i) => (i === 0 ? { calls, argChunk: 10, dropAfterChunks: 4 } : i === 1 ? { calls } : { text: 'done' }));
    assert.equal(outcome.status, 'final');
    const toolMsgs = messages.filter((m) => m.role === 'tool');
    assert.equal(toolMsgs.length, 1, 'the edit ran once, from the complete retry');
  });

  it('a test command that never exits is killed at its timeout and the run goes on', async () => {
    const { outcome, messages } = await run(
      (_r, i) => (i === 0 ? { calls: [{ id: 't', name: 'run_tests', arguments: {} }, { id: 'r', name: 'read_file', arguments: { path: 'a.txt' } }] } : { text: 'ok' }),
      { testCommand: 'node -e "setInterval(()=>{},1000)"', toolLimits: { run_tests: { timeoutSeconds: 0.3 } } },
    );
    assert.equal(outcome.status, 'final');
    const results = messages.find((m) => m.role === 'tool');
    assert.ok(results && results.role === 'tool');
    assert.match(results.results[0].content, /^Error \(timeout\): run_tests did not finish within 0.3 s/);
    assert.equal(results.results[1].content, 'alpha\n');
  });

  it('1000 tool calls over 50 turns: every call answered exactly once, in order', async function () {
    this.timeout(60_000);
    const { outcome, messages } = await run((req) => {
      const turn = (req.body.messages as { role: string }[]).filter((m) => m.role === 'assistant').length;
      if (turn === 50) return { text: 'all done' };
      return { calls: Array.from({ length: 20 }, (_, i) => ({ id: `c${turn}_${i}`, name: 'read_file', arguments: { path: 'a.txt' } })) };
      // A window that holds the whole run: this is about load, not compaction (the unknown model 'm' gets 32k, which the
      // 1000 calls plus the tool declarations pass).
    }, { maxTurns: 60, contextWindow: 400_000 });
    assert.equal(outcome.status, 'final');
    const answered = messages.flatMap((m) => (m.role === 'tool' ? m.results.map((r) => r.callId) : []));
    assert.equal(answered.length, 1000);
    assert.equal(new Set(answered).size, 1000);
    assert.equal(toolMessages(server.chatRequests[50]).length, 1000);
  });
});

describe('reliability: secrets', () => {
  it('a sentinel API key never appears in output, logs, errors or the transcript', async () => {
    const sentinel = 'sk-SENTINEL-0123456789abcdef';
    const ws = tempWorkspace({ 'a.txt': 'x' });
    // A server that echoes the key in its error, as some do.
    const server = await new FakeOpenAIServer((req, i) =>
      i === 0
        ? { calls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] }
        : { kind: 'status', status: 401, body: { error: { message: `Incorrect API key provided: ${String(req.headers.authorization).slice(7)}` } } },
    ).start();
    try {
      const { code, out, err } = await runCli(['--workspace', ws.dir, '--base-url', server.url, '--verbose', '--json', 'hi'], { OPENAI_API_KEY: sentinel });
      const text = out + err;
      assert.equal(code, 1);
      assert.equal(server.requests[1].headers.authorization, `Bearer ${sentinel}`, 'the key was really used');
      assert.match(text, /rejected the API key/);
      assert.match(text, /Incorrect API key provided: \[redacted\]/);
      assert.ok(!text.includes(sentinel));
      assert.ok(!JSON.stringify(server.requests.map((r) => r.body)).includes(sentinel), 'not in the transcript sent to the model');
    } finally {
      await server.close();
      ws.cleanup();
    }
  });
});

describe('reliability: a model server that never answers', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  let server: FakeOpenAIServer;
  afterEach(async () => {
    ws?.cleanup();
    await server?.close();
  });

  // The server accepts every request and never sends a byte. Small timeouts: the assertions are on attempts and
  // outcome, never on how long it took.
  it('gives up once the timed-out attempts spend the budget (twice the request timeout), not after every retry', async () => {
    ws = tempWorkspace({ 'a.txt': 'x' });
    server = await new FakeOpenAIServer(() => ({ kind: 'hang' })).start();
    const { code, lines } = await runCli(['--workspace', ws.dir, '--base-url', server.url, '--request-timeout', '0.2', '--max-retries', '10', '--json', 'hi'], { OPENAI_API_KEY: 'k' });
    assert.equal(code, 1);
    assert.equal(server.chatRequests.length, 2, 'two attempts of 0.2 s spend the 0.4 s budget; 10 retries were allowed');
    assert.equal(lines.filter((l) => l.type === 'retry').length, 1);
    const end = lines.at(-1);
    assert.equal(end.type, 'error');
    assert.equal(end.kind, 'network');
    assert.match(end.reason, /did not answer within 0\.2 s.*Gave up after 2 attempts that timed out/);
  });

  it('--max-retries 0: one attempt', async () => {
    ws = tempWorkspace({ 'a.txt': 'x' });
    server = await new FakeOpenAIServer(() => ({ kind: 'hang' })).start();
    const { code, lines } = await runCli(['--workspace', ws.dir, '--base-url', server.url, '--request-timeout', '0.2', '--max-retries', '0', '--json', 'hi'], { OPENAI_API_KEY: 'k' });
    assert.equal(code, 1);
    assert.equal(server.chatRequests.length, 1);
    assert.equal(lines.filter((l) => l.type === 'retry').length, 0);
  });

  it('a server that answers after a timed-out attempt is used: the budget only counts timeouts', async () => {
    ws = tempWorkspace({ 'a.txt': 'x' });
    server = await new FakeOpenAIServer((_r, i) => (i === 0 ? { kind: 'hang' } : { text: 'here now' })).start();
    const { code, lines } = await runCli(['--workspace', ws.dir, '--base-url', server.url, '--request-timeout', '0.2', '--json', 'hi'], { OPENAI_API_KEY: 'k' });
    assert.equal(code, 0);
    assert.equal(lines.at(-1).text, 'here now');
    assert.equal(server.chatRequests.length, 2);
  });

  it('fanout.requestTimeoutSeconds and fanout.maxRetries reach the loop', () => {
    const { settings, problems } = readUserSettings((k) => ({ requestTimeoutSeconds: 15, maxRetries: 2 })[k as 'maxRetries']);
    assert.deepEqual(problems, []);
    assert.equal(settings.agent.requestTimeoutSeconds, 15);
    const config = buildAgentConfig(settings.agent, { provider: {} as never, workspace: { root: '/w' } as never, runner: new NodeProcessRunner(), tools: toolRegistry(builtinTools), logger: silentLogger });
    assert.equal(config.connectTimeoutMs, 15_000);
    assert.equal(config.timeoutBudgetMs, 30_000);
    assert.equal(config.maxRetries, 2);
  });
});
