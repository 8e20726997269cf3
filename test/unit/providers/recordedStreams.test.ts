// The real SDKs and adapters over response bodies recorded from the real APIs, served byte for byte.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createProvider } from '../../../src/providers';
import type { ModelEvent, ModelRequest, ProviderId } from '../../../src/providers/provider';
import type { ToolCall } from '../../../src/shared/transcript';
import { FakeHttpServer, type RecordedRequest } from '../../fakes/httpFake';

const DIR = '/work/shared/reference/recorded-streams';

const TOOLS = ['add', 'multiply'].map((name) => ({
  name,
  description: `${name} two numbers`,
  parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
}));

function request(model: string): ModelRequest {
  return { model, system: 'You are a calculator.', messages: [{ role: 'user', text: 'Add and multiply 2 and 3.' }], tools: TOOLS, parallelToolCalls: true };
}

async function replay(file: string, provider: ProviderId, model: string) {
  const body = readFileSync(path.join(DIR, file));
  const server = await new FakeHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(body);
  }).start();
  try {
    const adapter = await createProvider({ provider, apiKey: 'test-key', baseUrl: provider === 'openai' || provider === 'openai-compatible' ? `${server.url}/v1` : server.url });
    const events: ModelEvent[] = [];
    for await (const e of adapter.stream(request(model), new AbortController().signal)) events.push(e);
    return { events, req: server.requests[0] as RecordedRequest };
  } finally {
    await server.close();
  }
}

const text = (events: ModelEvent[]) => events.map((e) => (e.type === 'text-delta' ? e.text : '')).join('');
const calls = (events: ModelEvent[]) => events.flatMap((e) => (e.type === 'tool-call' ? [e.call] : []));
const usages = (events: ModelEvent[]) => events.flatMap((e) => (e.type === 'usage' ? [e.usage] : []));
const finish = (events: ModelEvent[]) => events.find((e): e is Extract<ModelEvent, { type: 'finish' }> => e.type === 'finish');

function assertAddMultiply(got: ToolCall[]) {
  assert.deepEqual(got.map((c) => c.name), ['add', 'multiply']);
  for (const c of got) assert.deepEqual(JSON.parse(c.arguments), { a: 2, b: 3 });
  assert.equal(new Set(got.map((c) => c.id)).size, 2, 'ids are unique');
  assert.ok(got.every((c) => c.id.length > 0));
}

describe('adapters over recorded real provider streams', () => {
  it('OpenAI gpt-4o: header chunk then argument fragments, usage chunk, [DONE]', async () => {
    const { events, req } = await replay('openai-gpt4o-stream-2calls-add-multiply.sse', 'openai', 'gpt-4o');
    assert.equal(req.url, '/v1/chat/completions');
    assert.equal(text(events), '');
    assertAddMultiply(calls(events));
    assert.deepEqual(calls(events).map((c) => c.id), ['call_ehIWdjL1abZk1h8FWGLQ0Hie', 'call_fBSgA47J5VeONggizTIvl7AH']);
    assert.deepEqual(usages(events), [{ inputTokens: 106, outputTokens: 50, cacheReadTokens: 0 }]);
    assert.equal(finish(events)?.reason, 'tool_calls');
    assert.equal(events.at(-1)?.type, 'finish');
  });

  it('Anthropic claude-sonnet-4: text block, two tool_use blocks, ping events, padded JSON', async () => {
    const { events, req } = await replay('anthropic-sonnet4-stream-text-plus-2calls.sse', 'anthropic', 'claude-sonnet-4-20250514');
    assert.equal(req.url, '/v1/messages');
    // @anthropic-ai/sdk 1.x sends the API key as a bearer token, not as x-api-key.
    assert.equal(req.headers.authorization, 'Bearer test-key');
    assert.ok(req.headers['anthropic-version']);
    assert.equal(text(events), "I'll add and multiply the numbers 2 and 3 for you.");
    assertAddMultiply(calls(events));
    assert.deepEqual(calls(events).map((c) => c.id), ['toolu_01UYxUYC2zRPY8wiutnF48eP', 'toolu_01VaRx1jpWCvPhi7L4kywAcd']);
    // Each call is emitted at its content_block_stop: before the next block's events, not at the end.
    const order = events.map((e) => e.type);
    assert.deepEqual(order.slice(-4), ['tool-call', 'tool-call', 'usage', 'finish']);
    assert.deepEqual(usages(events), [{ inputTokens: 502, outputTokens: 137, cacheReadTokens: 0, cacheWriteTokens: 0 }]);
    assert.equal(finish(events)?.reason, 'tool_calls');
  });

  it('Gemini 2.5 flash: CRLF framing, both calls in ONE chunk with finishReason, no ids, one thought signature', async () => {
    const { events, req } = await replay('gemini-gemini25flash-stream-2calls-single-chunk.sse', 'gemini', 'gemini-2.5-flash');
    assert.equal(req.url, '/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    assert.equal(req.headers['x-goog-api-key'], 'test-key');
    assert.equal(text(events), '');
    const got = calls(events);
    assertAddMultiply(got);
    const signature = readFileSync(path.join(DIR, 'gemini-gemini25flash-stream-2calls-single-chunk.sse'), 'utf8').match(/"thoughtSignature": "([^"]+)"/)![1];
    assert.deepEqual(got[0].providerData, { thoughtSignature: signature });
    assert.equal(got[1].providerData, undefined);
    const parts = (finish(events)?.providerData as { geminiParts: unknown[] }).geminiParts;
    assert.deepEqual(parts, [
      { functionCall: { name: 'add', args: { b: 3, a: 2 } }, thoughtSignature: signature },
      { functionCall: { name: 'multiply', args: { a: 2, b: 3 } } },
    ]);
    assert.deepEqual(usages(events), [{ inputTokens: 121, outputTokens: 74, cacheReadTokens: 0 }]);
    assert.equal(finish(events)?.reason, 'tool_calls');
  });

  it('Groq Kimi K2 (OpenAI-compatible): text, each call whole in one chunk, usage sent twice', async () => {
    const { events, req } = await replay('openai-compatible-groq-kimik2-stream-text-then-2calls.sse', 'openai-compatible', 'moonshotai/kimi-k2-instruct-0905');
    assert.equal(req.url, '/v1/chat/completions');
    assert.equal(text(events), "I'll perform both addition and multiplication on the numbers 2 and 3 for you.");
    assertAddMultiply(calls(events));
    assert.deepEqual(calls(events).map((c) => c.id), ['functions.add:0', 'functions.multiply:1']);
    assert.deepEqual(usages(events), [{ inputTokens: 201, outputTokens: 58, cacheReadTokens: 0 }], 'usage counted once');
    assert.equal(finish(events)?.reason, 'tool_calls');
  });
});
