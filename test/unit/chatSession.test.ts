import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ChatSession, SessionBusyError } from '../../src/agent/chatSession';
import { newConversation, parseConversation, serializeConversation, type Conversation } from '../../src/agent/conversation';
import { buildAgentConfig, defaultAgentSettings } from '../../src/agent/settings';
import { LANE_RESULT_CHARS } from '../../src/agent/subagents/laneRecord';
import { silentLogger } from '../../src/host/logger';
import { NodeProcessRunner } from '../../src/node/nodeProcessRunner';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import { createProvider } from '../../src/providers';
import { estimateCostUsd } from '../../src/providers/catalog';
import { uiAgentEventSchema, type UiAgentEvent } from '../../src/shared/protocol';
import { builtinRegistry } from '../../src/tools';
import { FakeOpenAIServer, toolMessages, type OpenAIScript } from '../fakes/openaiServer';
import { isSubagentRequest, stepOf } from '../fakes/subagentScript';
import { tempWorkspace } from '../fakes/tempWorkspace';

interface Harness {
  session: ChatSession;
  events: UiAgentEvent[];
  saves: Conversation[];
  changed: string[];
  server: FakeOpenAIServer;
  dir: string;
}

describe('ChatSession (one conversation over the OpenAI wire, on a real folder)', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function harness(script: OpenAIScript, options: { failConfigure?: boolean; model?: string } = {}): Promise<Harness> {
    const ws = tempWorkspace({ 'a.txt': 'alpha\n', 'b.txt': 'beta\n' });
    cleanups.push(ws.cleanup);
    const server = await new FakeOpenAIServer(script).start();
    cleanups.push(() => server.close());
    const workspace = await NodeWorkspace.open(ws.dir);
    const tools = builtinRegistry();
    const h = { events: [] as UiAgentEvent[], saves: [] as Conversation[], changed: [] as string[], server, dir: ws.dir } as Harness;
    h.session = new ChatSession({
      conversation: newConversation(),
      workspace: async () => workspace,
      tools,
      logger: silentLogger,
      emit: (e) => h.events.push(e),
      save: async (c) => void h.saves.push(structuredClone(c)),
      onFileChanged: (p) => h.changed.push(p),
      costUsd: estimateCostUsd,
      async configure(host) {
        if (options.failConfigure) throw new Error('No API key for OpenAI.');
        const provider = await createProvider({ provider: 'openai', apiKey: 'sk-test', baseUrl: server.url });
        return buildAgentConfig({ ...defaultAgentSettings, model: options.model ?? 'gpt-fake', maxRetries: 0 }, { provider, workspace: host.workspace, files: host.files, runner: new NodeProcessRunner(), tools, logger: silentLogger });
      },
    });
    return h;
  }

  it('runs a request, forwards protocol-valid events, tracks the edit for review, and saves the conversation', async () => {
    const h = await harness((_req, i) =>
      i === 0
        ? { calls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] }
        : i === 1
          ? { calls: [{ name: 'apply_edit', arguments: { path: 'a.txt', oldText: 'alpha', newText: 'ALPHA' } }, { name: 'apply_edit', arguments: { path: 'new.txt', oldText: '', newText: 'hi\n' } }] }
          : { text: 'Done.' },
    );
    const outcome = await h.session.send('Shout a.txt');
    assert.equal(outcome.status, 'final');
    assert.equal(outcome.text, 'Done.');
    for (const e of h.events) assert.ok(uiAgentEventSchema.safeParse(e).success, JSON.stringify(e));
    assert.deepEqual(h.events[0], { type: 'run-start', userText: 'Shout a.txt', messageIndex: 0 });
    assert.equal(h.events.at(-1)!.type, 'done');
    assert.deepEqual(h.events.filter((e) => e.type === 'batch').length, 2);
    assert.equal(readFileSync(path.join(h.dir, 'a.txt'), 'utf8'), 'ALPHA\n');
    assert.deepEqual(h.changed.sort(), ['a.txt', 'new.txt']);
    assert.equal(h.session.changes.original('a.txt'), 'alpha\n');
    assert.ok(h.session.changes.isPending('new.txt'));
    assert.equal(h.session.changes.original('new.txt'), undefined);

    const c = h.session.conversation;
    assert.equal(c.title, 'Shout a.txt');
    assert.equal(c.batches.length, 2);
    assert.equal(c.usage.inputTokens, 300);
    assert.ok(h.saves.length >= 4, `saved at each turn start, batch and the end (${h.saves.length})`);
    assert.deepEqual(h.saves.at(-1)!.messages, c.messages);
    assert.equal(h.session.running, false);
    assert.equal(h.session.view().running, false);
    assert.deepEqual(h.session.replay(), []);
  });

  it('lets a reloaded chat view catch up with a run in progress: transcript as of the turn start, then that turn replayed', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let secondTurnAsked!: () => void;
    const asked = new Promise<void>((r) => (secondTurnAsked = r));
    const h = await harness(async (_req, i) => {
      if (i === 0) return { text: 'Looking. ', calls: [{ name: 'read_file', arguments: { path: 'b.txt' } }] };
      secondTurnAsked();
      await held;
      return { text: 'It says beta.' };
    });
    const run = h.session.send('What is in b.txt?');
    await asked;
    assert.equal(h.session.running, true);
    const view = h.session.view();
    assert.equal(view.running, true);
    assert.deepEqual(view.messages.map((m) => m.role), ['user', 'assistant', 'tool'], 'turn 1 complete, turn 2 not in the view');
    assert.equal(view.batches.length, 1);
    assert.deepEqual(h.session.replay().map((e) => e.type), ['turn-start', 'context'], 'turn 2 started; its request sized for the meter');
    await assert.rejects(h.session.send('another'), SessionBusyError);
    release();
    assert.equal((await run).status, 'final');
    assert.equal(h.session.view().messages.length, 4);
  });

  it('keeps each subagent\'s lane with the conversation, compacted, so a reload or a reopened chat draws it again', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let answering!: () => void;
    const subAnswering = new Promise<void>((r) => (answering = r));
    const h = await harness(async (req) => {
      if (isSubagentRequest(req)) {
        if (stepOf(req) === 0) return { text: 'Reading ', calls: [{ name: 'read_file', arguments: { path: 'big.txt' } }], chunkDelayMs: 1 };
        answering();
        await held;
        return { text: 'big.txt is long.' };
      }
      return stepOf(req) === 0 ? { calls: [{ id: 'd1', name: 'delegate', arguments: { prompt: 'read big.txt', description: 'look' } }] } : { text: 'Done.' };
    });
    writeFileSync(path.join(h.dir, 'big.txt'), Array.from({ length: 100 }, (_, i) => `${i} ${'x'.repeat(80)}`).join('\n'));
    const run = h.session.send('Delegate the reading');
    await subAnswering;
    // A reload now: the lane in progress comes with the replayed turn, not also with the view.
    assert.equal(h.session.view().subagents?.length ?? 0, 0);
    assert.ok(h.session.replay().some((e) => e.type === 'subagent' && e.status === 'started'));
    release();
    assert.equal((await run).status, 'final');

    const [record, ...more] = h.session.conversation.subagents ?? [];
    assert.equal(more.length, 0);
    assert.equal(record.callId, 'd1');
    assert.equal(record.agent, 'sub-1');
    for (const e of record.events) assert.ok(uiAgentEventSchema.safeParse(e).success, JSON.stringify(e));
    const statuses = record.events.flatMap((e) => (e.type === 'subagent' ? [e.status] : []));
    assert.deepEqual(statuses, ['started', 'done']);
    // One text event per turn, a call's last update only, its long result cut.
    assert.deepEqual(record.events.filter((e) => e.type === 'text-delta').map((e) => e.type === 'text-delta' && [e.turn, e.text]), [[1, 'Reading '], [2, 'big.txt is long.']]);
    const updates = record.events.flatMap((e) => (e.type === 'tool-update' ? [e.update] : []));
    assert.deepEqual(updates.map((u) => u.state), ['done']);
    assert.ok(updates[0].result!.content.length < LANE_RESULT_CHARS + 100);
    assert.match(updates[0].result!.content, /more characters not kept with the conversation\)$/);
    assert.deepEqual(record.events.filter((e) => e.type === 'batch').length, 1);

    assert.deepEqual(h.session.view().subagents, [record], 'a reloaded view draws the lane');
    const saved = parseConversation(serializeConversation(h.saves.at(-1)!));
    assert.deepEqual(saved.subagents, JSON.parse(JSON.stringify([record])), 'saved with the conversation, so history reopens it');
    // A conversation cut back before its delegate call (saved mid-turn) drops the lane with the call.
    const cut = { ...h.saves.at(-1)!, messages: h.saves.at(-1)!.messages.slice(0, 2) };
    assert.equal(parseConversation(serializeConversation(cut)).subagents, undefined);
  });

  it('stops a run: the model request is aborted and the transcript stays valid for the next request', async () => {
    let asked!: () => void;
    const requested = new Promise<void>((r) => (asked = r));
    const h = await harness((_req, i) => {
      if (i === 0) {
        asked();
        return { kind: 'hang' };
      }
      return { text: 'fresh answer' };
    });
    const run = h.session.send('slow question');
    await requested;
    assert.equal(h.session.stop(), true);
    const outcome = await run;
    assert.equal(outcome.status, 'stopped');
    assert.equal(h.session.stop(), false, 'nothing left to stop');
    const next = await h.session.send('again');
    assert.equal(next.status, 'final');
    assert.deepEqual(h.server.chatRequests[1]!.body.messages.filter((m: { role: string }) => m.role === 'user').map((m: { content: string }) => m.content), ['slow question', 'again']);
  });

  it('keeps one checkpoint per request: restoring the second puts back only what it changed', async () => {
    const h = await harness((req) => {
      const last = (req.body.messages as { role: string; content: string }[]).at(-1)!;
      if (last.role === 'tool') return { text: 'ok' };
      const target = last.content.includes('first') ? 'a.txt' : 'b.txt';
      const old = target === 'a.txt' ? 'alpha' : 'beta';
      return { calls: [{ name: 'apply_edit', arguments: { path: target, oldText: old, newText: `${old}!` } }] };
    });
    await h.session.send('first edit');
    const second = h.session.conversation.messages.length;
    await h.session.send('second edit');
    assert.deepEqual(h.session.changes.restorePlan(second), [{ path: 'b.txt', content: 'beta\n', agent: { text: 'beta!\n' } }]);
    assert.deepEqual(
      h.session.changes.restorePlan(0).sort((x, y) => x.path.localeCompare(y.path)),
      [
        { path: 'a.txt', content: 'alpha\n', agent: { text: 'alpha!\n' } },
        { path: 'b.txt', content: 'beta\n', agent: { text: 'beta!\n' } },
      ],
    );
    assert.ok(toolMessages(h.server.chatRequests.at(-1)!).length >= 1);
  });

  it('prices each request with the run\'s model, and the run as their sum; unknown models have no cost', async () => {
    const script: OpenAIScript = (_req, i) => (i % 2 === 0 ? { calls: [{ name: 'list_files', arguments: {} }], usage: { prompt_tokens: 1_000_000, completion_tokens: 0 } } : { text: 'ok', usage: { prompt_tokens: 0, completion_tokens: 1_000_000 } });
    const priced = await harness(script, { model: 'gpt-4.1' });
    await priced.session.send('go');
    const costs = priced.events.filter((e) => e.type === 'usage').map((e) => (e as { costUsd?: number }).costUsd);
    assert.deepEqual(costs, [2, 8], 'gpt-4.1: $2 per million input tokens, $8 per million output tokens');
    assert.equal((priced.events.at(-1) as { costUsd?: number }).costUsd, 10);
    assert.equal(priced.session.conversation.costUsd, 10);
    await priced.session.send('again');
    assert.equal(priced.session.conversation.costUsd, 20, 'the conversation total adds up across requests');
    assert.equal((priced.events.at(-1) as { costUsd?: number }).costUsd, 10, 'done carries this run only');

    const unknown = await harness(script, { model: 'my-local-model' });
    await unknown.session.send('go');
    assert.ok(unknown.events.filter((e) => e.type === 'usage' || e.type === 'done').every((e) => (e as { costUsd?: number }).costUsd === undefined));
    assert.equal(unknown.session.conversation.costUsd, undefined);
  });

  it('retries a failed request with the same words, without sending them twice', async () => {
    const h = await harness((_req, i) => (i === 0 ? { kind: 'status', status: 400, body: { error: { message: 'model not found' } } } : { text: 'fine now' }));
    const failed = await h.session.send('explain x');
    assert.equal(failed.status, 'error');
    assert.equal(failed.error?.kind, 'bad_request');
    const text = h.session.retryText();
    assert.equal(text, 'explain x');
    assert.deepEqual(h.session.conversation.messages, []);
    assert.equal((await h.session.send(text!)).status, 'final');
    const users = h.server.chatRequests[1]!.body.messages.filter((m: { role: string }) => m.role === 'user');
    assert.equal(users.length, 1);
    assert.equal(h.session.retryText(), 'Continue where you left off.', 'after an answer, a retry continues instead');
  });

  it('does not start (nor save an empty chat) when the run cannot be configured', async () => {
    const h = await harness(() => ({ text: 'never' }), { failConfigure: true });
    await assert.rejects(h.session.send('hello'), /No API key/);
    assert.equal(h.session.running, false);
    assert.deepEqual(h.saves, []);
    assert.deepEqual(h.events, []);
    assert.equal(h.session.conversation.messages.length, 0);
  });
});
