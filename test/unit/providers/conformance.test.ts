// One suite, four adapters: the agent loop with real tools on a temp folder, each official SDK pointed at a fake
// server that speaks its vendor's wire format. Every test checks what went over the wire.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runAgent, type AgentEvent, type RunOutcome } from '../../../src/agent/loop';
import { buildAgentConfig, defaultAgentSettings, type AgentSettings } from '../../../src/agent/settings';
import { silentLogger } from '../../../src/host/logger';
import { NodeProcessRunner } from '../../../src/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/node/nodeWorkspace';
import { createProvider, DEFAULT_MODELS } from '../../../src/providers';
import type { Message } from '../../../src/shared/transcript';
import { builtinRegistry } from '../../../src/tools';
import { toolRegistry } from '../../../src/tools/tool';
import { ConcurrencyProbe, sleepTool } from '../../fakes/fakeTools';
import type { RecordedRequest } from '../../fakes/httpFake';
import { tempWorkspace } from '../../fakes/tempWorkspace';
import { HARNESSES, type Harness, type Script } from './harness';

const KEY_ENV = { openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY', gemini: 'GEMINI_API_KEY', 'openai-compatible': 'OPENAI_API_KEY' };
const LABEL = { openai: 'OpenAI', anthropic: 'Anthropic', gemini: 'Gemini', 'openai-compatible': 'OpenAI-compatible server' };

for (const h of HARNESSES) {
  describe(`provider conformance: ${h.id}`, () => {
    let ws: ReturnType<typeof tempWorkspace>;
    let server: Awaited<ReturnType<Harness['start']>> | undefined;
    let probe: ConcurrencyProbe;
    beforeEach(() => {
      ws = tempWorkspace({ 'src/a.ts': 'export const a = 1;\n', 'src/b.ts': 'export const b = a + 1;\n' });
      probe = new ConcurrencyProbe();
    });
    afterEach(async () => {
      ws.cleanup();
      await server?.close();
      server = undefined;
    });

    async function run(script: Script, options: { settings?: Partial<AgentSettings>; messages?: Message[]; prompt?: string; retryBaseDelayMs?: number; onEvent?: (e: AgentEvent, stop: () => void) => void } = {}) {
      server ??= await h.start(script);
      const provider = await createProvider({ provider: h.id, apiKey: 'test-key-123456', baseUrl: server.url });
      // `sleep` reads (starts while the model streams); `wait` executes (starts only once the turn is complete).
      const tools = toolRegistry([...builtinRegistry().values(), sleepTool(probe), sleepTool(probe, { name: 'wait', access: 'exec' })]);
      const config = buildAgentConfig(
        { ...defaultAgentSettings, model: h.model ?? DEFAULT_MODELS[h.id], ...options.settings },
        { provider, workspace: await NodeWorkspace.open(ws.dir), runner: new NodeProcessRunner(), tools, logger: silentLogger },
      );
      config.retryBaseDelayMs = options.retryBaseDelayMs ?? 5;
      config.retryMaxDelayMs = Math.max(20, config.retryBaseDelayMs);
      const stop = new AbortController();
      const events: AgentEvent[] = [];
      const messages = options.messages ?? [];
      const outcome: RunOutcome = await runAgent(config, messages, options.prompt ?? 'do the task', {
        signal: stop.signal,
        onEvent: (e) => {
          events.push(e);
          options.onEvent?.(e, () => stop.abort(new Error('stopped by test')));
        },
      });
      return { outcome, events, messages, requests: server.requests() };
    }

    const results = (req: RecordedRequest) => h.tail(req).items.filter((i) => i.kind === 'result');

    it('runs a parallel batch of mixed tools, one failing, and sends every result back in call order', async () => {
      const { outcome, requests } = await run((_r, i) =>
        i === 0
          ? {
              text: 'Looking.',
              calls: [
                { name: 'read_file', arguments: { path: 'src/a.ts' } },
                { name: 'search_workspace', arguments: { query: 'export const' } },
                { name: 'list_files', arguments: { path: 'src' } },
                { name: 'apply_edit', arguments: { path: 'src/b.ts', oldText: 'a + 1', newText: 'a + 2' } },
                { name: 'read_file', arguments: { path: 'src/missing.ts' } },
              ],
            }
          : { text: 'Done.' },
      );
      assert.equal(outcome.status, 'final');
      assert.equal(outcome.text, 'Done.');
      assert.equal(readFileSync(path.join(ws.dir, 'src/b.ts'), 'utf8'), 'export const b = a + 2;\n');
      assert.equal(requests.length, 2);
      const [calls] = h.assistantCalls(requests[1]);
      assert.deepEqual(calls.map((c) => c.name), ['read_file', 'search_workspace', 'list_files', 'apply_edit', 'read_file']);
      const got = results(requests[1]);
      assert.equal(got.length, 5);
      assert.deepEqual(got.map((r) => r.ok), [true, true, true, true, false]);
      assert.equal(got[0].content, 'export const a = 1;\n');
      assert.match(got[1].content, /src\/a\.ts:1: export const a = 1;/);
      assert.match(got[2].content, /b\.ts/);
      assert.match(got[3].content, /^Edited src\/b\.ts/);
      assert.match(got[4].content, /^Error \(not_found\)/);
      // Matched to their calls: by id where the API has ids, by name and order where it has none (Gemini 2.5).
      if (calls.every((c) => c.id)) assert.deepEqual(got.map((r) => r.id), calls.map((c) => c.id));
      else assert.deepEqual(got.map((r) => (r as { name?: string }).name), calls.map((c) => c.name));
      // Anthropic and Gemini: ONE user message holds every result; Chat Completions: one role:"tool" per call.
      assert.equal(h.tail(requests[1]).messages, h.id === 'anthropic' || h.id === 'gemini' ? 1 : 5);
      assert.equal(h.parallelSwitch(requests[0]), 'on');
    });

    it('emits a completed call while the model still streams the next one, so reads start before the stream ends', async () => {
      // The server holds the turn partway through the second call until the first call has RUN to the end. An adapter
      // that kept its calls until the stream ended would never let it run: the turn would hang and the test fail.
      let release!: () => void;
      const until = new Promise<void>((r) => (release = r));
      const order: string[] = [];
      const calls = [
        { name: 'sleep', arguments: { ms: 1, label: 'first' } },
        { name: 'sleep', arguments: { ms: 1, label: 'second' } },
      ];
      const { outcome, events } = await run((_r, i) => (i === 0 ? { calls, holdInCall: { call: 1, until } } : { text: 'Done.' }), {
        onEvent: (e) => {
          if (e.type === 'tool-call') order.push(`streamed ${JSON.parse(e.call.arguments).label}`);
          if (e.type === 'tool-update' && e.update.state === 'done') {
            order.push(`ran ${e.update.summary}`);
            if (e.update.summary === 'first') release();
          }
        },
      });
      assert.equal(outcome.status, 'final');
      assert.deepEqual(order, ['streamed first', 'ran first', 'streamed second', 'ran second']);
      const batch = events.find((e) => e.type === 'batch');
      assert.ok(batch && batch.type === 'batch');
      assert.equal(batch.log.calls[0].early, true, 'the first call ran while the model streamed');
    });

    it('reports a tool that overran its timeout as an error result, and the rest normally', async () => {
      const { outcome, requests } = await run(
        (_r, i) =>
          i === 0
            ? { calls: [{ name: 'sleep', arguments: { ms: 10_000, label: 'slow' } }, { name: 'read_file', arguments: { path: 'src/a.ts' } }] }
            : { text: 'The sleep timed out.' },
        { settings: { toolTimeoutSeconds: 0.2 } },
      );
      assert.equal(outcome.status, 'final');
      const got = results(requests[1]);
      assert.deepEqual(got.map((r) => r.ok), [false, true]);
      assert.match(got[0].content, /^Error \(timeout\)/);
    });

    it('stops mid-batch: every call still gets a result, and the next prompt joins them in one user turn', async () => {
      const first = await run(
        () => ({ calls: [{ name: 'read_file', arguments: { path: 'src/a.ts' } }, { name: 'wait', arguments: { ms: 30_000, label: 'long' } }] }),
        // Stopped once the tool's body runs (the 'running' update comes just before it starts).
        { onEvent: (e, stop) => e.type === 'tool-update' && e.update.name === 'wait' && e.update.state === 'running' && setImmediate(stop) },
      );
      assert.equal(first.outcome.status, 'stopped');
      assert.deepEqual(first.messages.map((m) => m.role), ['user', 'assistant', 'tool']);
      const stored = first.messages[2] as Extract<Message, { role: 'tool' }>;
      assert.deepEqual(stored.results.map((r) => r.ok), [true, false]);
      assert.match(stored.results[1].content, /^Error \(cancelled\)/);

      await server!.close();
      server = undefined;
      const second = await run(() => ({ text: 'Resumed.' }), { messages: first.messages, prompt: 'go on' });
      assert.equal(second.outcome.status, 'final');
      const tail = h.tail(second.requests[0]);
      assert.deepEqual(tail.items.map((i) => (i.kind === 'text' ? i.text : i.ok)), [true, false, 'go on']);
      assert.equal(tail.messages, h.id === 'anthropic' || h.id === 'gemini' ? 1 : 3);
    });

    it('stops while the server hangs before answering', async () => {
      let arrived!: () => void;
      const requestArrived = new Promise<void>((r) => (arrived = r));
      const running = run(() => {
        arrived();
        return { kind: 'hang' };
      }, { onEvent: (e, stop) => e.type === 'turn-start' && void requestArrived.then(stop) });
      const { outcome } = await running;
      assert.equal(outcome.status, 'stopped');
    });

    it('stops mid-stream: keeps the text so far, and the stream ends at once', async function () {
      if (!h.canStall) this.skip();
      const text = 'A partial answer that the model never gets to finish.';
      const { outcome, messages } = await run(() => ({ text, stallAfterChunks: 4 }), { onEvent: (e, stop) => e.type === 'text-delta' && stop() });
      assert.equal(outcome.status, 'stopped');
      const kept = messages[1] as Extract<Message, { role: 'assistant' }>;
      assert.ok(kept.text.length > 0 && text.startsWith(kept.text) && kept.text !== text, kept.text);
    });

    it('with parallel calls off, says so on the wire', async () => {
      const { outcome, requests } = await run((_r, i) => (i === 0 ? { calls: [{ name: 'read_file', arguments: { path: 'src/a.ts' } }] } : { text: 'ok' }), {
        settings: { parallelToolCalls: false },
      });
      assert.equal(outcome.status, 'final');
      assert.equal(h.parallelSwitch(requests[0]), 'off');
      assert.equal(h.parallelSwitch(requests[1]), 'off');
    });

    it('retries a 429 after the server-given delay, then succeeds', async () => {
      const { outcome, events, requests } = await run((_r, i) => (i === 0 ? { kind: 'status', status: 429, headers: { 'retry-after': '0.05' } } : { text: 'ok' }), {
        // Far from 50 ms: only the server's hint can produce that delay.
        retryBaseDelayMs: 4000,
      });
      assert.equal(outcome.status, 'final');
      const retries = events.filter((e): e is Extract<AgentEvent, { type: 'retry' }> => e.type === 'retry');
      assert.equal(retries.length, 1);
      assert.equal(retries[0].delayMs, 50);
      assert.match(retries[0].reason, /HTTP 429/);
      assert.equal(requests.length, 2);
    });

    it('retries a dropped stream cleanly: no partial call runs, no tool runs twice', async () => {
      const calls = [
        { name: 'read_file', arguments: { path: 'src/a.ts' } },
        { name: 'apply_edit', arguments: { path: 'src/b.ts', oldText: 'a + 1', newText: 'a + 2' } },
        { name: 'sleep', arguments: { ms: 1, label: 'third' } },
      ];
      const { outcome, events, requests } = await run((_r, i) => (i === 0 ? { text: 'Working.', calls, dropInCall: 2 } : i === 1 ? { text: 'Working.', calls } : { text: 'Edited.' }));
      assert.equal(outcome.status, 'final');
      assert.equal(requests.length, 3);
      assert.equal(events.filter((e) => e.type === 'turn-reset').length, 1);
      assert.match((events.find((e) => e.type === 'retry') as { reason: string }).reason, /stream dropped|network/);
      // The edit was held until a complete stream: applied once, so its result is a success, not "not found".
      assert.equal(readFileSync(path.join(ws.dir, 'src/b.ts'), 'utf8'), 'export const b = a + 2;\n');
      assert.deepEqual(probe.order, ['third'], 'the call cut off mid-arguments never ran; the retried one ran once');
      assert.equal(h.assistantCalls(requests[2]).length, 1, 'nothing of the dropped attempt is in the transcript');
      assert.deepEqual(results(requests[2]).map((r) => r.ok), [true, true, true]);
    });

    it('carries a multi-turn conversation with every earlier turn intact', async () => {
      const { outcome, messages, requests } = await run((_r, i) =>
        [
          { text: 'Reading.', calls: [{ name: 'read_file', arguments: { path: 'src/a.ts' } }, { name: 'read_file', arguments: { path: 'src/b.ts' } }] },
          { calls: [{ name: 'apply_edit', arguments: { path: 'src/b.ts', oldText: 'a + 1', newText: 'a * 2' } }] },
          { text: 'b is now a * 2.', usage: { prompt_tokens: 300, completion_tokens: 10 } },
        ][i],
      );
      assert.equal(outcome.status, 'final');
      assert.equal(outcome.turns, 3);
      assert.equal(messages.length, 6);
      const roles = h.roles(requests[2]);
      if (h.id === 'anthropic') assert.deepEqual(roles, ['user', 'assistant', 'user', 'assistant', 'user']);
      if (h.id === 'gemini') assert.deepEqual(roles, ['user', 'model', 'user', 'model', 'user']);
      if (h.id === 'openai' || h.id === 'openai-compatible') assert.deepEqual(roles, ['user', 'assistant', 'tool', 'tool', 'assistant', 'tool']);
      assert.deepEqual(h.assistantCalls(requests[2]).map((turn) => turn.map((c) => c.name)), [['read_file', 'read_file'], ['apply_edit']]);
      // The earlier turns are sent exactly as in the previous request: a stable prefix, cacheable.
      assert.deepEqual(h.assistantCalls(requests[1]), h.assistantCalls(requests[2]).slice(0, 1));
      assert.ok(outcome.usage.inputTokens >= 300);
      if (h.id === 'gemini') {
        // Each turn's thought signature goes back on the part it came with.
        const signed = (requests[2].body.contents as { role: string; parts: { functionCall?: unknown; thoughtSignature?: string }[] }[])
          .filter((c) => c.role === 'model')
          .map((c) => c.parts.map((p) => p.thoughtSignature ?? null));
        assert.deepEqual(signed, [[null, 'sig-turn-0', null], ['sig-turn-1']]); // text part, first call, second call
      }
    });

    it('explains a rejected key, naming the provider and where the key goes, and does not retry', async () => {
      const { outcome, requests } = await run(() => h.authFault);
      assert.equal(outcome.status, 'error');
      assert.equal(outcome.error?.kind, 'auth');
      assert.ok(outcome.text.includes(LABEL[h.id]), outcome.text);
      assert.ok(outcome.text.includes(KEY_ENV[h.id]), outcome.text);
      assert.ok(!outcome.text.includes('test-key-123456'));
      assert.equal(requests.length, 1);
    });
  });
}
