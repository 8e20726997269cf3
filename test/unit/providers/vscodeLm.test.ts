import * as assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { readUserSettings } from '../../../src/agent/userSettings';
import { main } from '../../../src/cli';
import { requiresApiKey } from '../../../src/providers';
import { ONE_CALL_PER_TURN } from '../../../src/providers/parallelHint';
import { ProviderError, type ModelEvent } from '../../../src/providers/provider';
import { LmStreamAssembler, toLmMessages, toLmTools } from '../../../src/providers/vscodeLm/convert';
import { classifyLmError } from '../../../src/providers/vscodeLm/errors';
import type { Message } from '../../../src/shared/transcript';

const transcript: Message[] = [
  { role: 'user', text: 'fix the bug' },
  {
    role: 'assistant',
    text: 'Reading both.',
    toolCalls: [
      { id: 'c1', name: 'read_file', arguments: '{"path":"a.ts"}' },
      { id: 'c2', name: 'search_workspace', arguments: '{"query":"bug"}' },
    ],
  },
  {
    role: 'tool',
    results: [
      { callId: 'c1', name: 'read_file', ok: true, content: 'export const a = 1;' },
      { callId: 'c2', name: 'search_workspace', ok: false, content: 'Error (no_match): nothing' },
    ],
  },
];

describe('vscode-lm: transcript to Language Model API messages', () => {
  it('opens the first user message with the system prompt, then alternates user/assistant', () => {
    const out = toLmMessages({ system: 'You are Fanout.', messages: transcript, parallelToolCalls: true });
    assert.deepEqual(
      out.map((m) => m.role),
      ['user', 'assistant', 'user'],
    );
    assert.deepEqual(out[0].parts, [
      { kind: 'text', text: 'You are Fanout.' },
      { kind: 'text', text: 'fix the bug' },
    ]);
  });

  it('sends the calls as tool-call parts with their inputs as objects, after the text', () => {
    const [, assistant] = toLmMessages({ system: 's', messages: transcript, parallelToolCalls: true });
    assert.deepEqual(assistant.parts, [
      { kind: 'text', text: 'Reading both.' },
      { kind: 'tool-call', callId: 'c1', name: 'read_file', input: { path: 'a.ts' } },
      { kind: 'tool-call', callId: 'c2', name: 'search_workspace', input: { query: 'bug' } },
    ]);
  });

  it('answers a whole batch in ONE user message, results in call order, errors as their text', () => {
    const out = toLmMessages({ system: 's', messages: transcript, parallelToolCalls: true });
    assert.equal(out.length, 3);
    assert.deepEqual(out[2], {
      role: 'user',
      parts: [
        { kind: 'tool-result', callId: 'c1', text: 'export const a = 1;' },
        { kind: 'tool-result', callId: 'c2', text: 'Error (no_match): nothing' },
      ],
    });
  });

  it('sends unparsable or non-object arguments of an earlier call as {}', () => {
    const out = toLmMessages({
      system: '',
      parallelToolCalls: true,
      messages: [
        { role: 'user', text: 'x' },
        { role: 'assistant', text: '', toolCalls: [{ id: 'a', name: 't', arguments: '{"broken' }, { id: 'b', name: 't', arguments: '[1,2]' }, { id: 'c', name: 't', arguments: '' }] },
      ],
    });
    assert.deepEqual(
      out[1].parts.map((p) => (p.kind === 'tool-call' ? p.input : p)),
      [{}, {}, {}],
    );
  });

  it('merges a stopped run’s results with the next request into one user message', () => {
    const out = toLmMessages({ system: '', parallelToolCalls: true, messages: [...transcript, { role: 'user', text: 'go on' }] });
    assert.deepEqual(
      out.map((m) => m.role),
      ['user', 'assistant', 'user'],
    );
    assert.deepEqual(out[2].parts.at(-1), { kind: 'text', text: 'go on' });
  });

  it('with parallel calls off, adds the one-call-per-turn hint to the system text', () => {
    const out = toLmMessages({ system: 'You are Fanout.', messages: transcript, parallelToolCalls: false });
    const first = out[0].parts[0];
    assert.equal(first.kind, 'text');
    assert.ok(first.kind === 'text' && first.text.startsWith('You are Fanout.') && first.text.endsWith(ONE_CALL_PER_TURN));
    const parallel = toLmMessages({ system: 'You are Fanout.', messages: transcript, parallelToolCalls: true });
    assert.ok(parallel[0].parts[0].kind === 'text' && !parallel[0].parts[0].text.includes(ONE_CALL_PER_TURN));
  });

  it('declares tools with the same JSON schema as the other providers', () => {
    const parameters = { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] };
    assert.deepEqual(toLmTools([{ name: 'read_file', description: 'Read', parameters }]), [{ name: 'read_file', description: 'Read', inputSchema: parameters }]);
  });
});

describe('vscode-lm: response parts to model events', () => {
  it('turns text and complete tool calls into events, and finishes with tool_calls when the model called tools', () => {
    const a = new LmStreamAssembler(transcript);
    const events: ModelEvent[] = [
      ...a.push({ kind: 'text', text: 'Let me look. ' }),
      ...a.push({ kind: 'other' }),
      ...a.push({ kind: 'tool-call', callId: 'x1', name: 'read_file', input: { path: 'b.ts' } }),
      ...a.push({ kind: 'tool-call', callId: 'x2', name: 'list_files', input: undefined }),
      ...a.push({ kind: 'text', text: '' }),
      ...a.end(),
    ];
    assert.deepEqual(events, [
      { type: 'text-delta', text: 'Let me look. ' },
      { type: 'tool-call', call: { id: 'x1', name: 'read_file', arguments: '{"path":"b.ts"}' } },
      { type: 'tool-call', call: { id: 'x2', name: 'list_files', arguments: '{}' } },
      { type: 'finish', reason: 'tool_calls' },
    ]);
  });

  it('gives a fresh id to a call whose id is empty or already used in the conversation', () => {
    const a = new LmStreamAssembler(transcript);
    const ids = [...a.push({ kind: 'tool-call', callId: 'c1', name: 't', input: {} }), ...a.push({ kind: 'tool-call', callId: '', name: 't', input: {} })].map((e) => (e.type === 'tool-call' ? e.call.id : ''));
    assert.equal(new Set([...ids, 'c1', 'c2']).size, 4, ids.join());
    assert.ok(ids.every((id) => id.startsWith('lm_')));
  });

  it('finishes with stop when the model only answered', () => {
    const a = new LmStreamAssembler([]);
    a.push({ kind: 'text', text: 'Done.' });
    assert.deepEqual(a.end(), [{ type: 'finish', reason: 'stop' }]);
  });
});

describe('vscode-lm: LanguageModelError to ProviderError', () => {
  const ctx = { model: 'gpt-4o', started: false, aborted: false };
  const lmError = (code: string, message = '') => Object.assign(new Error(message), { name: `${code} (LanguageModelError)`, code });

  it('NoPermissions: an auth error asking the user to allow Fanout, never retried', () => {
    const e = classifyLmError(lmError('NoPermissions', 'consent denied'), ctx);
    assert.equal(e.kind, 'auth');
    assert.equal(e.retryable, false);
    assert.match(e.message, /Allow Fanout to use the model/);
    assert.match(e.message, /"gpt-4o"/);
    assert.match(e.message, /consent denied/);
  });

  it('Blocked: rate_limit (retried with backoff)', () => {
    const e = classifyLmError(lmError('Blocked', 'quota exceeded'), ctx);
    assert.equal(e.kind, 'rate_limit');
    assert.ok(e.retryable);
    assert.match(e.message, /quota or rate limit/);
  });

  it('NotFound: bad_request saying there is no such model', () => {
    const e = classifyLmError(lmError('NotFound'), ctx);
    assert.equal(e.kind, 'bad_request');
    assert.match(e.message, /No such model/);
  });

  it('cancellation, vendor errors in words, and a broken stream', () => {
    assert.equal(classifyLmError(Object.assign(new Error('Canceled'), { name: 'Canceled' }), ctx).kind, 'cancelled');
    assert.equal(classifyLmError(new Error('x'), { ...ctx, aborted: true }).kind, 'cancelled');
    assert.equal(classifyLmError(Object.assign(new Error('Request failed'), { code: 'Unknown', cause: new Error('HTTP 429 Too Many Requests') }), ctx).kind, 'rate_limit');
    assert.equal(classifyLmError(new Error('Server error: 503'), ctx).kind, 'overloaded');
    assert.equal(classifyLmError(new Error('socket hang up'), { ...ctx, started: true }).kind, 'stream_dropped');
    const unknown = classifyLmError(new Error('weird'), ctx);
    assert.equal(unknown.kind, 'unknown');
    assert.match(unknown.message, /weird/);
  });

  it('recognises a context overflow (Copilot words it as a prompt token limit) and the limit it states', () => {
    const stated = classifyLmError(Object.assign(new Error('Request Failed: 400'), { code: 'Unknown', cause: new Error('prompt token count of 130567 exceeds the limit of 128000') }), ctx);
    assert.equal(stated.kind, 'context_overflow');
    assert.equal(stated.options.contextLimit, 128000);
    const plain = classifyLmError(new Error('Message exceeds token limit.'), ctx);
    assert.equal(plain.kind, 'context_overflow');
    assert.equal(plain.options.contextLimit, undefined);
  });

  it('passes a ProviderError through unchanged', () => {
    const original = new ProviderError('bad_request', 'No such model: x');
    assert.equal(classifyLmError(original, ctx), original);
  });
});

describe('vscode-lm in the settings and the CLI', () => {
  it('is a valid fanout.provider that needs no key, with an empty default model (the first VS Code offers)', () => {
    const { settings, problems } = readUserSettings((key) => (key === 'provider' ? 'vscode-lm' : undefined));
    assert.deepEqual(problems, []);
    assert.equal(settings.provider, 'vscode-lm');
    assert.equal(settings.model, '');
    assert.equal(requiresApiKey('vscode-lm'), false);
  });

  it('the CLI rejects it with a clear message (exit 2)', async () => {
    let err = '';
    const sink = new Writable({ write(chunk, _enc, cb) { err += String(chunk); cb(); } });
    const code = await main(['--provider', 'vscode-lm', 'hi'], { out: sink, err: sink });
    assert.equal(code, 2);
    assert.match(err, /vscode-lm .*works only inside the Fanout extension/);
    assert.match(err, /openai, anthropic, gemini, openai-compatible/);
  });
});
