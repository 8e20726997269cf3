import * as assert from 'node:assert/strict';
import { recentStart } from '../../../src/agent/context/compaction';
import { latestUserIndex, newContextState, RequestView, SUMMARY_INTRO } from '../../../src/agent/context/requestView';
import { shareBudget, SHARED_BUDGET_HINT } from '../../../src/agent/context/resultBudget';
import { TokenEstimator } from '../../../src/agent/context/tokens';
import { contextOverflow } from '../../../src/providers/contextOverflow';
import type { Message, ToolResult } from '../../../src/shared/transcript';

const result = (callId: string, content: string): ToolResult => ({ callId, name: 'read_file', ok: true, content });
const turn = (id: string, content: string): Message[] => [
  { role: 'assistant', text: '', toolCalls: [{ id, name: 'read_file', arguments: '{"path":"a.ts"}' }] },
  { role: 'tool', results: [result(id, content)] },
];

describe('context: the request view', () => {
  const transcript: Message[] = [{ role: 'user', text: 'first' }, ...turn('c1', 'x'.repeat(5000)), { role: 'assistant', text: 'done', toolCalls: [] }, { role: 'user', text: 'second request' }, ...turn('c2', 'y'.repeat(5000)), ...turn('c3', 'z')];

  it('replaces elided results by a note and keeps the call; the same object request after request', () => {
    const view = new RequestView();
    const state = { ...newContextState(), elided: ['c1'] };
    const a = view.build(transcript, state);
    const b = view.build(transcript, state);
    const tool = a[2] as Extract<Message, { role: 'tool' }>;
    assert.match(tool.results[0]!.content, /Result elided to keep the conversation within the context window: read_file returned 5,000 characters/);
    assert.equal(a[1], transcript[1], 'the call stays');
    assert.equal(a[2], b[2], 'memoised copy');
    assert.equal(a[6], transcript[6], 'other results untouched');
  });

  it('opens with the summary; carries the current request verbatim when it was summarised away', () => {
    const view = new RequestView();
    const atUser = view.build(transcript, { ...newContextState(), summary: 'S', summarisedUpTo: 4 });
    assert.deepEqual(atUser.slice(0, 3).map((m) => m.role), ['user', 'assistant', 'user']);
    assert.equal((atUser[0] as { text: string }).text, `${SUMMARY_INTRO}\n\nS`);
    assert.equal(atUser[2], transcript[4]);
    const midRun = view.build(transcript, { ...newContextState(), summary: 'S', summarisedUpTo: 7 });
    assert.deepEqual(midRun.map((m) => m.role), ['user', 'assistant', 'tool']);
    assert.match((midRun[0] as { text: string }).text, /The user's current request, verbatim:\n\nsecond request$/);
  });

  it('finds the recent turns to keep and the latest request', () => {
    assert.equal(latestUserIndex(transcript), 4);
    assert.equal(recentStart(transcript, 2), 5);
    assert.equal(recentStart(transcript, 1), 7);
    assert.equal(recentStart(transcript, 5), 4, 'never past the current request');
  });
});

describe('context: one batch shares what is left', () => {
  it('leaves results alone when they fit, and otherwise gives small ones all they need and cuts the large ones alike', () => {
    const small = [result('a', 'x'.repeat(100)), result('b', 'y'.repeat(200))];
    assert.equal(shareBudget(small, 1000), small);
    const mixed = [result('a', 'a'.repeat(500)), result('b', 'b\n'.repeat(20_000)), result('c', 'c\n'.repeat(20_000))];
    const out = shareBudget(mixed, 10_500);
    assert.equal(out[0]!.content, mixed[0]!.content);
    for (const r of out.slice(1)) {
      assert.ok(r.content.length <= 5000 + 400, `${r.content.length}`);
      assert.ok(r.content.includes(SHARED_BUDGET_HINT));
      assert.ok(r.content.startsWith('b') || r.content.startsWith('c'));
    }
    assert.ok(out.reduce((n, r) => n + r.content.length, 0) < 11_500);
  });
});

describe('context: estimates and overflow errors', () => {
  it('starts conservative and calibrates on reported usage, ignoring implausible reports', () => {
    const e = new TokenEstimator();
    assert.equal(e.estimate(3000), 1000);
    e.observe(100_000, 100); // a fake reporting a fixed 100 tokens
    assert.equal(e.estimate(3000), 1000);
    e.observe(40_000, 10_000);
    assert.equal(e.estimate(44_000), 11_000, 'last usage plus what was added at the observed ratio');
  });

  it("recognises each vendor's overflow wording and the limit it states, and nothing else", () => {
    assert.deepEqual(contextOverflow("This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.", 400), { limit: 128000 });
    assert.deepEqual(contextOverflow('prompt is too long: 215000 tokens > 200000 maximum', 400), { limit: 200000 });
    assert.deepEqual(contextOverflow('The input token count (1200000) exceeds the maximum number of tokens allowed (1048576). (INVALID_ARGUMENT)', 400), { limit: 1048576 });
    assert.deepEqual(contextOverflow('weird', 400, 'context_length_exceeded'), {});
    assert.equal(contextOverflow('Rate limit reached: too many tokens per min', 429), undefined);
    assert.equal(contextOverflow('model "x" not found', 404), undefined);
  });
});
