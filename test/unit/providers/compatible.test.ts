import * as assert from 'node:assert/strict';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { runAgent, type AgentEvent } from '../../../src/agent/loop';
import { buildAgentConfig, defaultAgentSettings } from '../../../src/agent/settings';
import { silentLogger } from '../../../src/host/logger';
import { NodeProcessRunner } from '../../../src/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/node/nodeWorkspace';
import { createProvider } from '../../../src/providers';
import { OpenAIStreamAssembler } from '../../../src/providers/openai/streamAssembler';
import { splitConcatenatedJson } from '../../../src/providers/openai/splitJson';
import { GARBLED_NOTICE } from '../../../src/providers/openaiCompatible/compatibleProvider';
import { ONE_CALL_PER_TURN } from '../../../src/providers/parallelHint';
import type { ModelEvent, ModelRequest } from '../../../src/providers/provider';
import type { Message } from '../../../src/shared/transcript';
import { builtinRegistry } from '../../../src/tools';
import { FakeCompatibleServer, type CompatibleServerOptions, type CompatibleTurn } from '../../fakes/compatibleServer';
import type { Fault } from '../../fakes/httpFake';
import { toolMessages } from '../../fakes/openaiServer';
import { tempWorkspace } from '../../fakes/tempWorkspace';

type Delta = ChatCompletionChunk.Choice.Delta.ToolCall;
const chunk = (toolCalls: Partial<Delta>[] | undefined, finish: string | null = null): ChatCompletionChunk =>
  ({ id: 'x', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: toolCalls ? { tool_calls: toolCalls } : {}, finish_reason: finish }] }) as ChatCompletionChunk;
const callsOf = (events: ModelEvent[]) => events.flatMap((e) => (e.type === 'tool-call' ? [e.call] : []));

describe('stream assembler tolerances (OpenAI-compatible servers)', () => {
  it('splits arguments glued together ({..}{..}) only when asked, and leaves valid or broken JSON alone', () => {
    assert.deepEqual(splitConcatenatedJson('{"a":1}{"b":"}{"}'), ['{"a":1}', '{"b":"}{"}']);
    assert.deepEqual(splitConcatenatedJson(' {"a":1} , {"b":[1,{"c":2}]} '), ['{"a":1}', '{"b":[1,{"c":2}]}']);
    assert.equal(splitConcatenatedJson('{"a":1}'), undefined);
    assert.equal(splitConcatenatedJson('{"a":1}{"b":'), undefined);
    assert.equal(splitConcatenatedJson('{"a":1} trailing'), undefined);
    assert.equal(splitConcatenatedJson(''), undefined);

    const glued = [chunk([{ index: 0, id: 'c1', function: { name: 'read_file', arguments: '{"path":"a"}{"path":"b"}' } }], 'tool_calls')];
    assert.equal(callsOf(new OpenAIStreamAssembler().push(glued[0])).length, 1, 'OpenAI itself: untouched');
    const a = new OpenAIStreamAssembler({ splitConcatenatedArguments: true });
    assert.deepEqual(callsOf(a.push(glued[0])), [
      { id: 'c1', name: 'read_file', arguments: '{"path":"a"}' },
      { id: '', name: 'read_file', arguments: '{"path":"b"}' },
    ]);
    assert.equal(a.concatenatedCalls, 1);
  });

  it('without `index`: a new id, or a new name after complete arguments, starts the next call', () => {
    const a = new OpenAIStreamAssembler({ lenientIndex: true });
    const events = [
      ...a.push(chunk([{ id: 'x1', function: { name: 'read_file', arguments: '{"pa' } }])),
      ...a.push(chunk([{ function: { arguments: 'th":"a"}' } }])),
      ...a.push(chunk([{ id: 'x2', function: { name: 'list_files', arguments: '{}' } }])),
      ...a.push(chunk([{ function: { name: 'read_file', arguments: '{"path":"b"}' } }])),
      ...a.push(chunk(undefined, 'tool_calls')),
    ];
    assert.deepEqual(callsOf(events), [
      { id: 'x1', name: 'read_file', arguments: '{"path":"a"}' },
      { id: 'x2', name: 'list_files', arguments: '{}' },
      { id: '', name: 'read_file', arguments: '{"path":"b"}' },
    ]);
  });

  it('a reused index with a different id is a new call; later fragments for that index follow it', () => {
    const a = new OpenAIStreamAssembler({ lenientIndex: true });
    const events = [
      ...a.push(chunk([{ index: 0, id: 'a', function: { name: 'read_file', arguments: '{"path":"a"}' } }])),
      ...a.push(chunk([{ index: 0, id: 'b', function: { name: 'read_file', arguments: '{"path"' } }])),
      ...a.push(chunk([{ index: 0, function: { arguments: ':"b"}' } }], 'tool_calls')),
    ];
    assert.deepEqual(callsOf(events).map((c) => [c.id, c.arguments]), [['a', '{"path":"a"}'], ['b', '{"path":"b"}']]);
  });

  it('emits usage once even when the server sends it twice', () => {
    const a = new OpenAIStreamAssembler();
    a.push({ ...chunk(undefined, 'stop'), usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 } });
    a.push({ ...chunk(undefined), choices: [], usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 } });
    assert.deepEqual(a.end(), [{ type: 'usage', usage: { inputTokens: 5, outputTokens: 1, cacheReadTokens: 0 } }, { type: 'finish', reason: 'stop' }]);
  });
});

describe('OpenAI-compatible adapter on quirky servers', () => {
  let server: FakeCompatibleServer;
  afterEach(() => server?.close());

  async function provider(script: (i: number) => CompatibleTurn | Fault, options: CompatibleServerOptions = {}, apiKey?: string) {
    server = await new FakeCompatibleServer((_r, i) => script(i), options).start();
    return createProvider({ provider: 'openai-compatible', baseUrl: `${server.url}/v1`, apiKey });
  }
  async function collect(p: Awaited<ReturnType<typeof provider>>, request: Partial<ModelRequest> = {}) {
    const events: ModelEvent[] = [];
    const full: ModelRequest = { model: 'llama3.1', system: 'Sys', messages: [{ role: 'user', text: 'hi' }], tools: [{ name: 'read_file', description: 'r', parameters: { type: 'object' } }], parallelToolCalls: true, ...request };
    for await (const e of p.stream(full, new AbortController().signal)) events.push(e);
    return events;
  }
  const two = [
    { name: 'read_file', arguments: { path: 'a' } },
    { name: 'read_file', arguments: { path: 'b' } },
  ];

  it('needs no key (sends a placeholder), uses max_tokens, and needs a base URL', async () => {
    const p = await provider(() => ({ text: 'ok' }));
    await collect(p, { maxOutputTokens: 256 });
    const req = server.chatRequests[0];
    assert.equal(req.headers.authorization, 'Bearer no-key');
    assert.equal(req.body.max_tokens, 256);
    assert.equal(req.body.max_completion_tokens, undefined);
    await assert.rejects(createProvider({ provider: 'openai-compatible' }), /needs a base URL/);
  });

  for (const [label, turn] of [
    ['missing ids', { quirks: { omitIds: true } }],
    ['one id for every call', { quirks: { sameId: 'call_0' } }],
    ['missing index', { quirks: { omitIndex: true } }],
    ['arguments as an object', { quirks: { argsAsObject: true } }],
    ['missing ids and index, arguments as objects', { quirks: { omitIds: true, omitIndex: true, argsAsObject: true } }],
    ['both in one chunk with the finish, no index', { singleChunk: true, quirks: { omitIndex: true } }],
    ['arguments split into single characters', { argChunk: 1 }],
  ] as const) {
    it(`assembles two calls with ${label} into two calls with unique ids`, async () => {
      const p = await provider(() => ({ calls: two, ...turn }));
      const calls = callsOf(await collect(p));
      assert.deepEqual(calls.map((c) => JSON.parse(c.arguments)), [{ path: 'a' }, { path: 'b' }]);
      assert.equal(new Set(calls.map((c) => c.id)).size, 2);
      assert.ok(calls.every((c) => c.id));
    });
  }

  it('renames an id the server already used in an earlier turn', async () => {
    const p = await provider(() => ({ calls: [two[0]], quirks: { sameId: 'call_0' } }));
    const history: Message[] = [{ role: 'user', text: 'x' }, { role: 'assistant', text: '', toolCalls: [{ id: 'call_0', name: 'read_file', arguments: '{}' }] }];
    const [call] = callsOf(await collect(p, { messages: history }));
    assert.notEqual(call.id, 'call_0');
  });

  it('retries without parallel_tool_calls when the server rejects it, asks in the prompt instead, and stops sending it', async () => {
    const p = await provider(() => ({ text: 'ok' }), { rejectParams: ['parallel_tool_calls'] });
    const events = await collect(p, { parallelToolCalls: false });
    assert.equal(events.at(-1)?.type, 'finish');
    assert.equal(server.chatRequests.length, 2);
    assert.equal(server.chatRequests[0].body.parallel_tool_calls, false);
    assert.equal('parallel_tool_calls' in server.chatRequests[1].body, false);
    assert.match(server.chatRequests[1].body.messages[0].content, new RegExp(ONE_CALL_PER_TURN));
    await collect(p, { parallelToolCalls: false });
    assert.equal(server.chatRequests.length, 3, 'no second refusal');
  });

  it('retries without stream_options when the server rejects it', async () => {
    const p = await provider(() => ({ text: 'ok' }), { rejectParams: ['stream_options'] });
    const events = await collect(p);
    assert.equal(events.at(-1)?.type, 'finish');
    assert.equal('stream_options' in server.chatRequests[1].body, false);
  });

  it('passes other 400s through as bad requests, unretried', async () => {
    const p = await provider(() => ({ kind: 'status', status: 400, body: { error: { message: 'model "nope" not found' } } }));
    await assert.rejects(collect(p), (e: { kind: string }) => e.kind === 'bad_request');
    assert.equal(server.chatRequests.length, 1);
  });

  it('lists models from /models', async () => {
    const p = await provider(() => ({ text: 'x' }), { models: ['qwen2.5-coder', 'llama3.1'] });
    assert.deepEqual(await p.listModels!(new AbortController().signal), ['llama3.1', 'qwen2.5-coder']);
  });

  it('reads the context length from vLLM\'s max_model_len, or from Ollama\'s /api/show (num_ctx first)', async () => {
    const signal = new AbortController().signal;
    let p = await provider(() => ({ text: 'x' }), { models: ['qwen'], modelFields: { max_model_len: 32768 } });
    assert.deepEqual(await p.modelLimits!('qwen', signal), { contextWindow: 32768, maxOutputTokens: undefined });
    await server.close();
    p = await provider(() => ({ text: 'x' }), { models: ['llama3.1'], ollamaShow: { model_info: { 'general.architecture': 'llama', 'llama.context_length': 131072 }, parameters: 'stop "<|eot_id|>"' } });
    assert.deepEqual(await p.modelLimits!('llama3.1', signal), { contextWindow: 131072 });
    await server.close();
    p = await provider(() => ({ text: 'x' }), { models: ['llama3.1'], ollamaShow: { model_info: { 'llama.context_length': 131072 }, parameters: 'num_ctx 8192\nstop "x"' } });
    assert.deepEqual(await p.modelLimits!('llama3.1', signal), { contextWindow: 8192 });
    await server.close();
    p = await provider(() => ({ text: 'x' }), { models: ['m'] });
    assert.equal(await p.modelLimits!('m', signal), undefined);
  });

  it('splits parallel calls glued into one, runs them all, then falls back to one call per turn with ONE notice', async () => {
    const ws = tempWorkspace({ 'a.txt': 'A\n', 'b.txt': 'B\n' });
    try {
      const reads = [
        { name: 'read_file', arguments: { path: 'a.txt' } },
        { name: 'read_file', arguments: { path: 'b.txt' } },
      ];
      const p = await provider((i) => (i < 2 ? { calls: reads, quirks: { glued: true } } : { text: 'A and B.' }));
      const config = buildAgentConfig(
        { ...defaultAgentSettings, model: 'llama3.1' },
        { provider: p, workspace: await NodeWorkspace.open(ws.dir), runner: new NodeProcessRunner(), tools: builtinRegistry(), logger: silentLogger },
      );
      const events: AgentEvent[] = [];
      const outcome = await runAgent(config, [], 'read both', { signal: new AbortController().signal, onEvent: (e) => events.push(e) });
      assert.equal(outcome.status, 'final');
      assert.deepEqual(events.filter((e) => e.type === 'notice'), [{ type: 'notice', message: GARBLED_NOTICE }]);
      const [first, second, third] = server.chatRequests;
      assert.equal(first.body.parallel_tool_calls, undefined);
      const results = toolMessages(second);
      assert.deepEqual(results.map((r) => r.content), ['A\n', 'B\n']);
      assert.equal(new Set(results.map((r) => r.tool_call_id)).size, 2);
      for (const req of [second, third]) {
        assert.equal(req.body.parallel_tool_calls, false);
        assert.match(req.body.messages[0].content, new RegExp(ONE_CALL_PER_TURN));
      }
    } finally {
      ws.cleanup();
    }
  });
});
