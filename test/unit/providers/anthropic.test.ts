import * as assert from 'node:assert/strict';
import { toAnthropicMessages, toAnthropicSystem, toAnthropicTools } from '../../../src/providers/anthropic/convert';
import { AnthropicStreamParser } from '../../../src/providers/anthropic/streamParser';
import { createProvider } from '../../../src/providers';
import type { ModelEvent, ModelRequest } from '../../../src/providers/provider';
import type { Message } from '../../../src/shared/transcript';
import { anthropicMessages, FakeAnthropicServer, type AnthropicTurn } from '../../fakes/anthropicServer';
import type { Fault } from '../../fakes/httpFake';

const TOOLS = [
  { name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } },
  { name: 'list_files', description: 'List files', parameters: { type: 'object', properties: {} } },
];

const conversation: Message[] = [
  { role: 'user', text: 'Look at a and b' },
  {
    role: 'assistant',
    text: 'Reading both.',
    toolCalls: [
      { id: 'toolu_1', name: 'read_file', arguments: '{"path":"a"}' },
      { id: 'toolu_2', name: 'read_file', arguments: '{"path":"b"}' },
    ],
  },
  {
    role: 'tool',
    results: [
      { callId: 'toolu_1', name: 'read_file', ok: true, content: 'A' },
      { callId: 'toolu_2', name: 'read_file', ok: false, content: 'Error (not_found): b does not exist.' },
    ],
  },
  // The run stopped here (max turns); the user asked again.
  { role: 'user', text: 'Continue' },
];

describe('Anthropic converters', () => {
  it('puts every tool_result of a batch in ONE user message, in call order, with the next user text merged after them', () => {
    const out = toAnthropicMessages(conversation);
    assert.deepEqual(out.map((m) => m.role), ['user', 'assistant', 'user']);
    assert.deepEqual(out[1].content, [
      { type: 'text', text: 'Reading both.' },
      { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'a' } },
      { type: 'tool_use', id: 'toolu_2', name: 'read_file', input: { path: 'b' } },
    ]);
    assert.deepEqual(out[2].content, [
      { type: 'tool_result', tool_use_id: 'toolu_1', content: 'A' },
      { type: 'tool_result', tool_use_id: 'toolu_2', content: 'Error (not_found): b does not exist.', is_error: true },
      { type: 'text', text: 'Continue' },
    ]);
  });

  it('leaves out empty assistant turns (the API rejects empty text), merging the user turns around them', () => {
    const out = toAnthropicMessages([
      { role: 'user', text: 'hi' },
      { role: 'assistant', text: '  ', toolCalls: [] },
      { role: 'user', text: 'hello?' },
    ]);
    assert.deepEqual(out, [{ role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'text', text: 'hello?' }] }]);
  });

  it('sends garbled call arguments as an empty input object (the call was answered with an error)', () => {
    const out = toAnthropicMessages([{ role: 'user', text: 'x' }, { role: 'assistant', text: '', toolCalls: [{ id: 't', name: 'read_file', arguments: '{"path": ' }] }]);
    assert.deepEqual(out[1].content, [{ type: 'tool_use', id: 't', name: 'read_file', input: {} }]);
  });

  it('converts each transcript message once, and moves the cache breakpoint without touching the memoised blocks', () => {
    const transcript = conversation.slice(0, 3);
    const first = toAnthropicMessages(transcript, { cacheLastMessage: true });
    const lastBlock = first[2].content.at(-1) as { cache_control?: unknown };
    assert.deepEqual(lastBlock.cache_control, { type: 'ephemeral' });
    const grown = [...transcript, { role: 'assistant' as const, text: 'Done.', toolCalls: [] }];
    const second = toAnthropicMessages(grown, { cacheLastMessage: true });
    // Same block objects for the assistant turn: converted once, not rebuilt.
    assert.equal(second[1].content, first[1].content);
    const breakpoints = second.flatMap((m) => (m.content as { cache_control?: unknown }[]).filter((b) => b.cache_control));
    assert.equal(breakpoints.length, 1, 'only the last block carries a breakpoint');
    assert.deepEqual(second[3].content, [{ type: 'text', text: 'Done.', cache_control: { type: 'ephemeral' } }]);
  });

  it('caches the system prompt and the tool list (breakpoint on the last tool)', () => {
    assert.deepEqual(toAnthropicSystem('Be brief.'), [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }]);
    assert.equal(toAnthropicSystem(''), undefined);
    const tools = toAnthropicTools(TOOLS);
    assert.deepEqual(tools.map((t) => t.cache_control), [undefined, { type: 'ephemeral' }]);
    assert.deepEqual(tools[0].input_schema, TOOLS[0].parameters);
    assert.equal(toAnthropicTools(TOOLS), tools, 'memoised per tool list');
  });
});

describe('Anthropic stream parser', () => {
  it('emits a tool call at its content_block_stop, before the next block starts, and usage once at the end', () => {
    const p = new AnthropicStreamParser();
    const usage = { input_tokens: 10, output_tokens: 1, cache_read_input_tokens: 900, cache_creation_input_tokens: 50 };
    assert.deepEqual(p.push({ type: 'message_start', message: { usage } } as never), []);
    p.push({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'a', name: 'read_file', input: {} } } as never);
    p.push({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"path":' } } as never);
    p.push({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '"x"}' } } as never);
    assert.deepEqual(p.push({ type: 'content_block_stop', index: 0 } as never), [{ type: 'tool-call', call: { id: 'a', name: 'read_file', arguments: '{"path":"x"}' } }]);
    p.push({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'b', name: 'list_files', input: {} } } as never);
    assert.deepEqual(p.push({ type: 'content_block_stop', index: 1 } as never), [{ type: 'tool-call', call: { id: 'b', name: 'list_files', arguments: '{}' } }]);
    p.push({ type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 42, input_tokens: null, cache_read_input_tokens: null, cache_creation_input_tokens: null } } as never);
    assert.deepEqual(p.end(), [], 'no finish before message_stop');
    p.push({ type: 'message_stop' } as never);
    assert.deepEqual(p.end(), [
      { type: 'usage', usage: { inputTokens: 960, outputTokens: 42, cacheReadTokens: 900, cacheWriteTokens: 50 } },
      { type: 'finish', reason: 'tool_calls' },
    ]);
  });
});

describe('Anthropic adapter on the wire', () => {
  let server: FakeAnthropicServer;
  afterEach(() => server?.close());

  async function stream(script: (i: number) => AnthropicTurn | Fault, request: Partial<ModelRequest> = {}) {
    server = await new FakeAnthropicServer((_r, i) => script(i), { models: ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5'] }).start();
    const provider = await createProvider({ provider: 'anthropic', apiKey: 'sk-ant-test', baseUrl: server.url });
    const events: ModelEvent[] = [];
    const full: ModelRequest = { model: 'claude-haiku-4-5', system: 'Sys', messages: [{ role: 'user', text: 'hi' }], tools: TOOLS, parallelToolCalls: true, ...request };
    for await (const e of provider.stream(full, new AbortController().signal)) events.push(e);
    return { events, provider };
  }

  it('sends a streaming request with cache breakpoints, max_tokens and no tool_choice while parallel calls are on', async () => {
    await stream(() => ({ text: 'hello' }));
    const body = server.messageRequests[0].body;
    assert.equal(body.stream, true);
    assert.equal(body.max_tokens, 16384);
    assert.deepEqual(body.system, [{ type: 'text', text: 'Sys', cache_control: { type: 'ephemeral' } }]);
    assert.deepEqual(body.tools.at(-1).cache_control, { type: 'ephemeral' });
    assert.deepEqual(anthropicMessages(server.messageRequests[0]), [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] }]);
    assert.equal(body.tool_choice, undefined);
  });

  it('turns parallel calls off with disable_parallel_tool_use, and honours maxOutputTokens', async () => {
    await stream(() => ({ text: 'hello' }), { parallelToolCalls: false, maxOutputTokens: 1000 });
    assert.deepEqual(server.messageRequests[0].body.tool_choice, { type: 'auto', disable_parallel_tool_use: true });
    assert.equal(server.messageRequests[0].body.max_tokens, 1000);
  });

  it('reports cache reads and writes inside the prompt count', async () => {
    const { events } = await stream(() => ({ text: 'x', usage: { prompt_tokens: 20, completion_tokens: 5 }, cacheReadTokens: 1000, cacheWriteTokens: 200 }));
    assert.deepEqual(events.filter((e) => e.type === 'usage'), [{ type: 'usage', usage: { inputTokens: 1220, outputTokens: 5, cacheReadTokens: 1000, cacheWriteTokens: 200 } }]);
  });

  it('classifies 529 and an in-stream overloaded error as retryable overload, and a stream without message_stop as a drop', async () => {
    await assert.rejects(stream(() => ({ kind: 'status', status: 529 })), (e: Error & { kind?: string; retryable?: boolean }) => e.kind === 'overloaded' && e.retryable === true);
    await server.close();
    await assert.rejects(stream(() => ({ text: 'partial answer', errorAfterEvents: 3 })), (e: Error & { kind?: string }) => e.kind === 'overloaded' && /Overloaded/.test(e.message));
    await server.close();
    const { events } = await stream(() => ({ text: 'cut', dropAfterChunks: 4 })).catch((e) => ({ events: [e] as unknown as ModelEvent[] }));
    assert.ok(!events.some((e) => e.type === 'finish'), 'never finished');
  });

  it('sends thinking blocks back unchanged and in place, with the tool results', async () => {
    const first = await stream(() => ({ thinking: { text: 'Need a.', signature: 'sig-abc' }, text: 'Reading.', calls: [{ id: 'toolu_9', name: 'read_file', arguments: { path: 'a' } }] }));
    assert.ok(!first.events.some((e) => e.type === 'text-delta' && e.text.includes('Need a.')), 'thinking is not shown as answer text');
    const finish = first.events.find((e) => e.type === 'finish') as Extract<ModelEvent, { type: 'finish' }>;
    const messages: Message[] = [
      { role: 'user', text: 'hi' },
      { role: 'assistant', text: 'Reading.', toolCalls: [{ id: 'toolu_9', name: 'read_file', arguments: '{"path":"a"}' }], providerData: finish.providerData },
      { role: 'tool', results: [{ callId: 'toolu_9', name: 'read_file', ok: true, content: 'A' }] },
    ];
    for await (const _ of first.provider.stream({ model: 'claude-haiku-4-5', system: '', messages, tools: TOOLS, parallelToolCalls: true }, new AbortController().signal)) void _;
    assert.deepEqual(anthropicMessages(server.messageRequests[1])[1].content, [
      { type: 'thinking', thinking: 'Need a.', signature: 'sig-abc' },
      { type: 'text', text: 'Reading.' },
      { type: 'tool_use', id: 'toolu_9', name: 'read_file', input: { path: 'a' } },
    ]);
  });

  it('lists models', async () => {
    const { provider } = await stream(() => ({ text: 'x' }));
    assert.deepEqual(await provider.listModels!(new AbortController().signal), ['claude-haiku-4-5', 'claude-sonnet-4-5-20250929']);
  });
});
