import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runAgent, type AgentEvent } from '../../src/agent/loop';
import { buildAgentConfig, defaultAgentSettings } from '../../src/agent/settings';
import { silentLogger } from '../../src/host/logger';
import { NodeProcessRunner } from '../../src/node/nodeProcessRunner';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import { createProvider } from '../../src/providers';
import type { Message } from '../../src/shared/transcript';
import { builtinTools } from '../../src/tools';
import { toolRegistry, type ToolDefinition } from '../../src/tools/tool';
import { ConcurrencyProbe, sleepTool } from '../fakes/fakeTools';
import { FakeOpenAIServer, toolMessages, type OpenAIScript } from '../fakes/openaiServer';
import { tempWorkspace } from '../fakes/tempWorkspace';

describe('agent loop over the OpenAI wire', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  let server: FakeOpenAIServer;
  afterEach(async () => {
    ws?.cleanup();
    await server?.close();
  });

  async function setup(script: OpenAIScript, extraTools: ToolDefinition[] = [], settings: Partial<typeof defaultAgentSettings> = {}) {
    ws = tempWorkspace({ 'a.txt': 'alpha\n', 'b.txt': 'beta\n' });
    server = await new FakeOpenAIServer(script).start();
    const provider = await createProvider({ provider: 'openai', apiKey: 'k', baseUrl: server.url });
    const config = buildAgentConfig(
      { ...defaultAgentSettings, model: 'gpt-fake', ...settings },
      { provider, workspace: await NodeWorkspace.open(ws.dir), runner: new NodeProcessRunner(), tools: toolRegistry([...builtinTools, ...extraTools]), logger: silentLogger },
    );
    config.retryBaseDelayMs = 1;
    const messages: Message[] = [];
    const events: AgentEvent[] = [];
    return { config, messages, events, onEvent: (e: AgentEvent) => events.push(e) };
  }

  it('retries a stream that drops mid-turn: reads already done are reused, no write runs twice', async () => {
    const readProbe = new ConcurrencyProbe();
    const counted = { ...sleepTool(readProbe, { name: 'counted_read' }) };
    const calls = [
      { id: 'r1', name: 'counted_read', arguments: { ms: 1, label: 'once' } },
      { id: 'w1', name: 'apply_edit', arguments: { path: 'a.txt', oldText: 'alpha', newText: 'ALPHA' } },
    ];
    const { config, messages, events, onEvent } = await setup(
      (_r, i) => (i === 0 ? { calls, chunkDelayMs: 15, dropAfterChunks: 7 } : i === 1 ? { calls } : { text: 'done' }),
      [counted],
    );
    const outcome = await runAgent(config, messages, 'go', { signal: new AbortController().signal, onEvent });
    assert.equal(outcome.status, 'final');
    assert.equal(server.chatRequests.length, 3);
    assert.deepEqual(readProbe.order, ['once'], 'the read ran once, during the dropped attempt, and was reused');
    assert.equal(readFileSync(path.join(ws.dir, 'a.txt'), 'utf8'), 'ALPHA\n', 'the edit applied exactly once');
    assert.ok(events.some((e) => e.type === 'turn-reset'));
    const retry = events.find((e) => e.type === 'retry');
    assert.ok(retry && retry.type === 'retry' && /stream dropped/.test(retry.reason));
    assert.deepEqual(toolMessages(server.chatRequests[2]).map((m) => m.tool_call_id), ['r1', 'w1']);
  });

  it('a stop mid-batch keeps applied edits, cancels queued ones, and leaves a valid transcript', async () => {
    const slowWrite = sleepTool(new ConcurrencyProbe(), { name: 'slow_write', access: 'write' });
    const stop = new AbortController();
    const { config, messages, events, onEvent } = await setup(
      () => ({
        calls: [
          { id: 'e1', name: 'apply_edit', arguments: { path: 'b.txt', oldText: 'beta', newText: 'BETA' } },
          { id: 's1', name: 'slow_write', arguments: { ms: 10_000, path: 'a.txt' } },
          { id: 'e2', name: 'apply_edit', arguments: { path: 'a.txt', oldText: 'alpha', newText: 'ALPHA' } },
        ],
      }),
      [slowWrite],
    );
    const seen = new Set<string>();
    const run = runAgent(config, messages, 'edit', {
      signal: stop.signal,
      onEvent: (e) => {
        onEvent(e);
        if (e.type === 'tool-update') seen.add(`${e.update.callId}:${e.update.state}`);
        // Stop once the first edit has landed and the slow write holds a.txt's lock, with e2 queued behind it.
        if (seen.has('e1:done') && seen.has('s1:running') && !stop.signal.aborted) stop.abort();
      },
    });
    const outcome = await run;
    assert.equal(outcome.status, 'stopped');
    assert.equal(readFileSync(path.join(ws.dir, 'b.txt'), 'utf8'), 'BETA\n');
    assert.equal(readFileSync(path.join(ws.dir, 'a.txt'), 'utf8'), 'alpha\n', 'the edit queued behind the lock never ran');
    const last = messages.at(-1)!;
    assert.equal(last.role, 'tool');
    if (last.role !== 'tool') return;
    assert.deepEqual(last.results.map((r) => [r.callId, r.ok, r.content.slice(0, 18)]), [
      ['e1', true, 'Edited b.txt: repl'],
      ['s1', false, 'Error (cancelled):'],
      ['e2', false, 'Error (cancelled):'],
    ]);
    assert.ok(events.some((e) => e.type === 'done'));
  });

  it('renames a repeated call id and answers the repeat with an error instead of running it', async () => {
    const { config, messages, onEvent } = await setup((_r, i) =>
      i === 0
        ? { calls: [{ id: 'same', name: 'read_file', arguments: { path: 'a.txt' } }, { id: 'same', name: 'read_file', arguments: { path: 'b.txt' } }] }
        : { text: 'ok' },
    );
    await runAgent(config, messages, 'x', { signal: new AbortController().signal, onEvent });
    const results = toolMessages(server.chatRequests[1]);
    assert.deepEqual(results.map((r) => r.tool_call_id), ['same', 'same_dup2']);
    assert.match(results[1].content, /^Error \(duplicate_call_id\)/);
  });

  it('treats an empty response as an error, not a final answer', async () => {
    const { config, messages } = await setup(() => ({ text: '' }));
    const outcome = await runAgent(config, messages, 'x', { signal: new AbortController().signal });
    assert.equal(outcome.status, 'error');
    assert.equal(outcome.error?.kind, 'empty_response');
  });

  it('sends truncated tool-call JSON back to the model as an invalid_json error', async () => {
    const { config, messages } = await setup((_r, i) =>
      i === 0 ? { calls: [{ id: 't', name: 'apply_edit', arguments: '{"path":"a.txt","oldText":"al' }], finishReason: 'length' } : { text: 'sorry' },
    );
    await runAgent(config, messages, 'x', { signal: new AbortController().signal });
    assert.match(toolMessages(server.chatRequests[1])[0].content, /^Error \(invalid_json\)/);
    assert.equal(readFileSync(path.join(ws.dir, 'a.txt'), 'utf8'), 'alpha\n');
  });

  it('does not retry a 401 and says how to set the key', async () => {
    const { config, messages } = await setup(() => ({ kind: 'status', status: 401, body: { error: { message: 'Incorrect API key' } } }));
    const outcome = await runAgent(config, messages, 'x', { signal: new AbortController().signal });
    assert.equal(outcome.status, 'error');
    assert.equal(outcome.error?.kind, 'auth');
    assert.match(outcome.text, /OpenAI rejected the API key \(HTTP 401\)\. Run "Fanout: Set API Key" or set OPENAI_API_KEY/);
    assert.equal(server.chatRequests.length, 1);
  });

  it('gives up after maxRetries on repeated 5xx and keeps the transcript valid', async () => {
    const { config, messages } = await setup(() => ({ kind: 'status', status: 503, headers: { 'retry-after': '0' } }), [], { maxRetries: 2 });
    const outcome = await runAgent(config, messages, 'x', { signal: new AbortController().signal });
    assert.equal(outcome.status, 'error');
    assert.equal(outcome.error?.kind, 'overloaded');
    assert.equal(server.chatRequests.length, 3);
    assert.deepEqual(messages, [{ role: 'user', text: 'x' }]);
  });

  it('abandons a hung server after the idle timeout and retries the turn', async () => {
    const { config, messages, events, onEvent } = await setup((_r, i) => (i === 0 ? { kind: 'hang' } : i === 1 ? { text: 'late but fine', chunkDelayMs: 0 } : { text: 'x' }));
    config.connectTimeoutMs = 150;
    const outcome = await runAgent(config, messages, 'x', { signal: new AbortController().signal, onEvent });
    assert.equal(outcome.status, 'final');
    assert.equal(outcome.text, 'late but fine');
    const retry = events.find((e) => e.type === 'retry');
    assert.ok(retry && retry.type === 'retry' && /did not answer within 0.2 s/.test(retry.reason), JSON.stringify(retry));
  });

  it('counts a turn stopped before the provider reported usage (estimated), in the run total and as a usage event', async () => {
    const { config, messages, events } = await setup(() => ({ text: 'a long answer that streams slowly, '.repeat(20), chunkDelayMs: 20 }));
    const stop = new AbortController();
    const outcome = await runAgent(config, messages, 'explain', {
      signal: stop.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'text-delta') stop.abort(new Error('stopped by the user'));
      },
    });
    assert.equal(outcome.status, 'stopped');
    const usage = events.filter((e) => e.type === 'usage');
    assert.equal(usage.length, 1, 'one usage event for the stopped turn');
    assert.ok(outcome.usage.inputTokens > 0 && outcome.usage.outputTokens > 0, `stopped turn counted: ${JSON.stringify(outcome.usage)}`);
    const reported = usage[0]!.type === 'usage' ? usage[0]!.usage : undefined;
    assert.deepEqual([reported?.inputTokens, reported?.outputTokens], [outcome.usage.inputTokens, outcome.usage.outputTokens]);
  });

  it('a stop while the server hangs aborts the HTTP request at once', async () => {
    const stop = new AbortController();
    const { config, messages } = await setup(() => ({ kind: 'hang' }));
    const run = runAgent(config, messages, 'x', { signal: stop.signal, onEvent: (e) => e.type === 'turn-start' && setTimeout(() => stop.abort(), 50) });
    const outcome = await run;
    assert.equal(outcome.status, 'stopped');
  });
});
