import * as assert from 'node:assert/strict';
import { createProvider } from '../../../src/providers';
import { toGeminiContents, toGeminiSystem, toGeminiTools } from '../../../src/providers/gemini/convert';
import { ONE_CALL_PER_TURN } from '../../../src/providers/parallelHint';
import type { ModelEvent, ModelProvider, ModelRequest } from '../../../src/providers/provider';
import type { AssistantMessage, Message, ToolCall } from '../../../src/shared/transcript';
import { FakeGeminiServer, geminiContents, type GeminiTurn } from '../../fakes/geminiServer';
import type { Fault } from '../../fakes/httpFake';

const TOOLS = [{ name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'], additionalProperties: false } }];

describe('Gemini converters', () => {
  it('answers a turn with ONE user content of functionResponse parts in call order, merged with the next user text', () => {
    const calls: ToolCall[] = [
      { id: 'gemini_x_0', name: 'read_file', arguments: '{"path":"a"}' },
      { id: 'gemini_x_1', name: 'read_file', arguments: '{"path":"b"}' },
    ];
    const out = toGeminiContents([
      { role: 'user', text: 'read a and b' },
      { role: 'assistant', text: '', toolCalls: calls },
      { role: 'tool', results: [{ callId: 'gemini_x_0', name: 'read_file', ok: true, content: 'A' }, { callId: 'gemini_x_1', name: 'read_file', ok: false, content: 'Error (not_found): b' }] },
      { role: 'user', text: 'and now?' },
    ]);
    assert.deepEqual(out, [
      { role: 'user', parts: [{ text: 'read a and b' }] },
      { role: 'model', parts: [{ functionCall: { name: 'read_file', args: { path: 'a' } } }, { functionCall: { name: 'read_file', args: { path: 'b' } } }] },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'read_file', response: { output: 'A' } } },
          { functionResponse: { name: 'read_file', response: { error: 'Error (not_found): b' } } },
          { text: 'and now?' },
        ],
      },
    ]);
  });

  it("echoes the model's parts exactly as streamed (thought parts and signatures), and answers by the API's call id", () => {
    const parts = [
      { text: 'thinking...', thought: true, thoughtSignature: 'sigT' },
      { functionCall: { id: 'api-1', name: 'read_file', args: { path: 'a' } }, thoughtSignature: 'sig1' },
    ];
    const assistant: AssistantMessage = {
      role: 'assistant',
      text: '',
      // The transcript id differs from the API's (it was already taken); the response must still use the API's.
      toolCalls: [{ id: 'gemini_renamed_0', name: 'read_file', arguments: '{"path":"a"}', providerData: { geminiId: 'api-1', thoughtSignature: 'sig1' } }],
      providerData: { geminiParts: parts },
    };
    const out = toGeminiContents([{ role: 'user', text: 'go' }, assistant, { role: 'tool', results: [{ callId: 'gemini_renamed_0', name: 'read_file', ok: true, content: 'A' }] }]);
    assert.equal(out[1].parts, parts);
    assert.deepEqual(out[2].parts, [{ functionResponse: { id: 'api-1', name: 'read_file', response: { output: 'A' } } }]);
  });

  it('rebuilds model parts from the transcript when none were kept, signature included', () => {
    const out = toGeminiContents([
      { role: 'user', text: 'go' },
      { role: 'assistant', text: 'ok', toolCalls: [{ id: 'c', name: 'read_file', arguments: '{"path":"a"}', providerData: { thoughtSignature: 's' } }] },
    ]);
    assert.deepEqual(out[1].parts, [{ text: 'ok' }, { functionCall: { name: 'read_file', args: { path: 'a' } }, thoughtSignature: 's' }]);
  });

  it('skips empty model turns and converts each message once', () => {
    const user: Message = { role: 'user', text: 'hi' };
    const a = toGeminiContents([user, { role: 'assistant', text: '', toolCalls: [] }, { role: 'user', text: 'again' }]);
    assert.deepEqual(a, [{ role: 'user', parts: [{ text: 'hi' }, { text: 'again' }] }]);
    const b = toGeminiContents([user]);
    assert.equal(toGeminiContents([user])[0], b[0], 'memoised');
  });

  it('asks for one call per turn in the system instruction when parallel calls are off (Gemini has no switch)', () => {
    assert.equal(toGeminiSystem('Sys', true), 'Sys');
    assert.equal(toGeminiSystem('Sys', false), `Sys\n\n${ONE_CALL_PER_TURN}`);
    assert.equal(toGeminiSystem('', true), undefined);
    assert.deepEqual(toGeminiTools(TOOLS), [{ functionDeclarations: [{ name: 'read_file', description: 'Read a file', parametersJsonSchema: TOOLS[0].parameters }] }]);
  });
});

describe('Gemini adapter on the wire', () => {
  let server: FakeGeminiServer;
  let provider: ModelProvider;
  afterEach(() => server?.close());

  async function start(script: (i: number) => GeminiTurn | Fault) {
    server = await new FakeGeminiServer((_r, i) => script(i), { models: ['gemini-2.5-flash', 'gemini-2.5-pro'] }).start();
    provider = await createProvider({ provider: 'gemini', apiKey: 'gk-test', baseUrl: server.url });
  }
  async function collect(request: Partial<ModelRequest> = {}) {
    const events: ModelEvent[] = [];
    const full: ModelRequest = { model: 'gemini-2.5-flash', system: 'Sys', messages: [{ role: 'user', text: 'hi' }], tools: TOOLS, parallelToolCalls: true, ...request };
    for await (const e of provider.stream(full, new AbortController().signal)) events.push(e);
    return events;
  }

  it('posts to /v1/models/{model}:streamGenerateContent?alt=sse with the key header, tools and system instruction', async () => {
    await start(() => ({ text: 'hello there' }));
    const events = await collect({ maxOutputTokens: 500 });
    const req = server.generateRequests[0];
    assert.equal(req.url, '/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    assert.equal(req.headers['x-goog-api-key'], 'gk-test');
    assert.deepEqual(req.body.systemInstruction, { parts: [{ text: 'Sys' }], role: 'user' });
    assert.deepEqual(req.body.tools, [{ functionDeclarations: [{ name: 'read_file', description: 'Read a file', parametersJsonSchema: TOOLS[0].parameters }] }]);
    assert.equal(req.body.generationConfig.maxOutputTokens, 500);
    assert.equal(events.filter((e) => e.type === 'text-delta').map((e) => (e as { text: string }).text).join(''), 'hello there');
    assert.deepEqual(events.filter((e) => e.type === 'usage'), [{ type: 'usage', usage: { inputTokens: 100, outputTokens: 20, cacheReadTokens: 0 } }], 'usage once, the latest totals');
  });

  it('keeps Gemini 3 call ids, answers by them, and echoes the thought part', async () => {
    await start((i) => (i === 0 ? { thought: { text: 'hmm', signature: 'sigT' }, calls: [{ id: 'fc-1', name: 'read_file', arguments: { path: 'a' } }], callIds: true, thoughtSignatures: ['sig1'] } : { text: 'done' }));
    const events = await collect();
    const call = (events.find((e) => e.type === 'tool-call') as { call: ToolCall }).call;
    assert.equal(call.id, 'fc-1');
    assert.deepEqual(call.providerData, { geminiId: 'fc-1', thoughtSignature: 'sig1' });
    assert.ok(!events.some((e) => e.type === 'text-delta'), 'thoughts are not answer text');
    const finish = events.find((e) => e.type === 'finish') as Extract<ModelEvent, { type: 'finish' }>;
    assert.equal(finish.reason, 'tool_calls');
    await collect({
      messages: [
        { role: 'user', text: 'hi' },
        { role: 'assistant', text: '', toolCalls: [call], providerData: finish.providerData },
        { role: 'tool', results: [{ callId: 'fc-1', name: 'read_file', ok: true, content: 'A' }] },
      ],
    });
    const contents = geminiContents(server.generateRequests[1]);
    assert.deepEqual(contents[1], {
      role: 'model',
      parts: [
        { text: 'hmm', thought: true, thoughtSignature: 'sigT' },
        { functionCall: { id: 'fc-1', name: 'read_file', args: { path: 'a' } }, thoughtSignature: 'sig1' },
      ],
    });
    assert.deepEqual(contents[2], { role: 'user', parts: [{ functionResponse: { id: 'fc-1', name: 'read_file', response: { output: 'A' } } }] });
  });

  it('gives calls without ids stable ids unique across turns', async () => {
    await start(() => ({ calls: [{ name: 'read_file', arguments: { path: 'a' } }, { name: 'read_file', arguments: { path: 'b' } }], singleChunk: true }));
    const first = (await collect()).flatMap((e) => (e.type === 'tool-call' ? [e.call] : []));
    const history: Message[] = [{ role: 'user', text: 'hi' }, { role: 'assistant', text: '', toolCalls: first }];
    const second = (await collect({ messages: history })).flatMap((e) => (e.type === 'tool-call' ? [e.call] : []));
    const ids = [...first, ...second].map((c) => c.id);
    assert.equal(new Set(ids).size, 4);
    assert.ok(ids.every((id) => /^gemini_[0-9a-f]{8}_\d+$/.test(id)), ids.join());
  });

  it('maps finish reasons, and treats a stream without one as dropped', async () => {
    await start((i) => [{ text: 'long', finishReason: 'MAX_TOKENS' }, { text: 'bad', finishReason: 'SAFETY' }, { text: 'x', calls: [{ name: 'read_file', arguments: { path: 'a' } }], dropInCall: 0 }][i]);
    assert.equal((await collect()).find((e) => e.type === 'finish')?.reason, 'length');
    assert.equal((await collect()).find((e) => e.type === 'finish')?.reason, 'content_filter');
    const cut = await collect().catch((e: { kind: string }) => e);
    assert.ok(Array.isArray(cut) ? !cut.some((e) => e.type === 'finish') : ['stream_dropped', 'network'].includes(cut.kind));
  });

  it('classifies 503 as overload and a 429 with RetryInfo as a rate limit with its delay', async () => {
    await start((i) => (i === 0 ? { kind: 'status', status: 503 } : { kind: 'status', status: 429, headers: { 'retry-after': '7' } }));
    await assert.rejects(collect(), (e: { kind: string; retryable: boolean }) => e.kind === 'overloaded' && e.retryable);
    await assert.rejects(collect(), (e: { kind: string; options: { retryAfterMs?: number }; message: string }) => e.kind === 'rate_limit' && e.options.retryAfterMs === 7000 && /RESOURCE_EXHAUSTED/.test(e.message));
  });

  it('lists the models that can generate content, without the models/ prefix', async () => {
    await start(() => ({ text: 'x' }));
    assert.deepEqual(await provider.listModels!(new AbortController().signal), ['gemini-2.5-flash', 'gemini-2.5-pro']);
  });

  it('reports the model\'s inputTokenLimit from models.get as its context window', async () => {
    await start(() => ({ text: 'x' }));
    assert.deepEqual(await provider.modelLimits!('gemini-2.5-flash', new AbortController().signal), { contextWindow: 1_048_576, maxOutputTokens: 65_536 });
    assert.ok(server.requests.some((r) => r.method === 'GET' && r.url.startsWith('/v1/models/gemini-2.5-flash')));
  });
});
