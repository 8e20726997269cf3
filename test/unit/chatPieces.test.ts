import * as assert from 'node:assert/strict';
import { ApprovalBroker, type ApprovalPrompt } from '../../src/agent/approvalBroker';
import { defaultApprovalPolicy, type ApprovalPolicy } from '../../src/agent/approvals';
import { Scheduler } from '../../src/agent/scheduler';
import { actionsForError, toUiEvent } from '../../src/agent/uiEvents';
import { readUserSettings } from '../../src/agent/userSettings';
import { attachmentLabel, fenceFor, formatUserText, withContent } from '../../src/shared/attachments';
import { parseHostMessage, uiAgentEventSchema } from '../../src/shared/protocol';
import { builtinRegistry } from '../../src/tools';
import { toolRegistry } from '../../src/tools/tool';
import { call, ConcurrencyProbe, sleepTool, testContext } from '../fakes/fakeTools';

describe('formatUserText (attachments)', () => {
  it('keeps the typed words first and fences each attachment with its path and lines', () => {
    const text = formatUserText('Why does this fail?', [
      { kind: 'selection', path: 'src/a.ts', startLine: 3, endLine: 5, text: 'const x = 1;\nthrow x;\n' },
      { kind: 'file', path: 'README.md', text: 'Title' },
    ]);
    assert.equal(
      text,
      'Why does this fail?\n\nSelection from src/a.ts (lines 3-5):\n```ts\nconst x = 1;\nthrow x;\n```\n\nFile README.md:\n```md\nTitle\n```',
    );
  });

  it('returns the text unchanged without attachments, and says when content is not attached', () => {
    assert.equal(formatUserText('hi', []), 'hi');
    assert.match(formatUserText('hi', [{ kind: 'file', path: 'big.bin' }]), /File big\.bin \(content not attached; read it with read_file/);
  });

  it('picks a fence the attached text cannot close', () => {
    assert.equal(fenceFor('no ticks'), '```');
    assert.equal(fenceFor('```js\nx\n```'), '````');
    const md = formatUserText('q', [{ kind: 'file', path: 'doc.md', text: 'a\n`````\nb' }]);
    assert.ok(md.includes('``````md\na\n`````\nb\n``````'));
  });

  it('labels single lines and ranges', () => {
    assert.equal(attachmentLabel({ path: 'a.ts', startLine: 7, endLine: 7 }), 'a.ts (line 7)');
    assert.equal(attachmentLabel({ path: 'a.ts' }), 'a.ts');
  });
});

describe('toUiEvent', () => {
  const tools = builtinRegistry();

  it('maps every AgentEvent to a UiAgentEvent the protocol accepts', () => {
    const usage = { inputTokens: 10, outputTokens: 5 };
    const events = [
      toUiEvent({ type: 'turn-start', turn: 1 }, { tools }),
      toUiEvent({ type: 'text-delta', turn: 1, text: 'hi' }, { tools }),
      toUiEvent({ type: 'tool-call', turn: 1, call: call('c1', 'read_file', { path: 'src/a.ts' }), atMs: 12 }, { tools }),
      toUiEvent({ type: 'tool-update', turn: 1, update: { callId: 'c1', name: 'read_file', summary: 'src/a.ts', state: 'done', atMs: 20, durationMs: 3, result: { callId: 'c1', name: 'read_file', ok: true, content: 'x' } } }, { tools }),
      toUiEvent({ type: 'batch', log: { turn: 1, wallMs: 30, calls: [] } }, { tools }),
      toUiEvent({ type: 'usage', turn: 1, usage }, { tools, costUsd: 0.01 }),
      toUiEvent({ type: 'retry', turn: 1, attempt: 1, delayMs: 100, reason: 'rate limit' }, { tools }),
      toUiEvent({ type: 'turn-reset', turn: 1 }, { tools }),
      toUiEvent({ type: 'notice', message: 'n' }, { tools }),
      toUiEvent({ type: 'done', outcome: { status: 'error', text: 'bad key', turns: 1, usage, error: { kind: 'auth', message: 'bad key' } } }, { tools, costUsd: 0.5 }),
    ];
    for (const e of events) assert.ok(uiAgentEventSchema.safeParse(e).success, JSON.stringify(e));
    assert.equal((events[2] as { summary: string }).summary, 'src/a.ts', 'a tool card shows its key argument from the start');
    assert.equal((events[5] as { costUsd?: number }).costUsd, 0.01);
    assert.deepEqual(events[9], { type: 'done', status: 'error', text: 'bad key', turns: 1, usage, costUsd: 0.5, errorKind: 'auth' });
    assert.ok(parseHostMessage({ type: 'event', conversationId: 'c', event: events[9] }));
  });

  it('gives an invalid call an empty summary instead of throwing', () => {
    const e = toUiEvent({ type: 'tool-call', turn: 1, call: call('c1', 'read_file', '{"path":'), atMs: 0 }, { tools });
    assert.equal((e as { summary: string }).summary, '');
  });

  it('offers the action that fixes each kind of failure', () => {
    assert.deepEqual(actionsForError('auth'), ['setApiKey', 'showLog']);
    assert.ok(actionsForError('rate_limit').includes('retry'));
    assert.ok(actionsForError('network').includes('retry'));
    assert.ok(actionsForError('bad_request').includes('selectModel'));
    assert.ok(actionsForError('unreachable').includes('openSettings'));
  });
});

describe('ApprovalBroker', () => {
  const setup = (policy: ApprovalPolicy) => {
    const prompts: ApprovalPrompt[] = [];
    const closed: string[] = [];
    const broker = new ApprovalBroker({ policy: () => policy, show: (p) => prompts.push(p), close: (id) => closed.push(id) });
    return { broker, prompts, closed };
  };

  it('asks once per batch for every call that needs approval; others run meanwhile; denials carry the reason', async () => {
    const { broker, prompts, closed } = setup({ ...defaultApprovalPolicy, edit: 'ask', runTests: 'ask' });
    const probe = new ConcurrencyProbe();
    const tools = toolRegistry([sleepTool(probe, { name: 'read' }), sleepTool(probe, { name: 'write', access: 'write' }), sleepTool(probe, { name: 'exec', access: 'exec' })]);
    const s = new Scheduler({ tools, context: testContext(), approvals: broker });
    const batch = s.startBatch(1, new AbortController().signal);
    batch.add(call('r', 'read', { ms: 1, label: 'r' }));
    batch.add(call('w1', 'write', { ms: 1, label: 'w1' }));
    batch.add(call('w2', 'write', { ms: 1, label: 'w2' }));
    batch.add(call('x', 'exec', { ms: 1, label: 'x' }));
    const sealed = batch.seal();
    while (prompts.length === 0) await new Promise((r) => setImmediate(r));
    assert.equal(prompts.length, 1);
    assert.deepEqual(prompts[0]!.calls.map((c) => c.id), ['w1', 'w2', 'x']);
    assert.deepEqual(probe.order, ['r'], 'the read ran while the user was deciding');
    assert.deepEqual(broker.openPrompts().map((p) => p.requestId), [prompts[0]!.requestId]);
    assert.ok(broker.respond(prompts[0]!.requestId, [{ id: 'w1', allowed: true }, { id: 'w2', allowed: false, reason: 'not that file' }]));
    const { results } = await sealed;
    assert.deepEqual(results.map((r) => r.ok), [true, true, false, false]);
    assert.equal(results[2]!.content, 'Error (denied): Denied by the user: not that file');
    assert.match(results[3]!.content, /^Error \(denied\): Denied by the user: no decision was given/);
    assert.deepEqual(closed, [prompts[0]!.requestId]);
    assert.equal(broker.respond(prompts[0]!.requestId, []), false, 'answered requests are closed');
    assert.deepEqual(broker.openPrompts(), []);
  });

  it('follows the policy per access class, read on every call', () => {
    let policy: ApprovalPolicy = { ...defaultApprovalPolicy };
    const broker = new ApprovalBroker({ policy: () => policy, show() {}, close() {} });
    assert.equal(broker.needsApproval({ access: 'write' } as never), false);
    policy = { ...policy, edit: 'ask' };
    assert.equal(broker.needsApproval({ access: 'write' } as never), true);
    assert.equal(broker.needsApproval({ access: 'exec' } as never), false);
    assert.equal(broker.needsApproval({ access: 'read' } as never), false);
    // A tool that names its own key follows that key, whatever its access class.
    assert.equal(broker.needsApproval({ access: 'exec', approval: 'command' } as never), true, 'commands ask by default');
    assert.equal(broker.needsApproval({ access: 'read', approval: 'network' } as never), true, 'fetches ask by default');
    policy = { ...policy, command: 'auto' };
    assert.equal(broker.needsApproval({ access: 'exec', approval: 'command' } as never), false);
  });

  it('closes an open request as denied when the run stops', async () => {
    const { broker, prompts, closed } = setup({ ...defaultApprovalPolicy, read: 'ask', edit: 'ask', runTests: 'ask' });
    const stop = new AbortController();
    const pending = broker.request([{ id: 'a', name: 'read_file', summary: 'x', access: 'read', arguments: '{}' }], stop.signal);
    assert.equal(prompts.length, 1);
    stop.abort();
    const decisions = await pending;
    assert.deepEqual(decisions.get('a'), { allowed: false, reason: 'the run was stopped' });
    assert.deepEqual(closed, [prompts[0]!.requestId]);
  });
});

describe('readUserSettings', () => {
  const read = (values: Record<string, unknown>) => readUserSettings((k) => values[k]);

  it('uses the documented defaults when nothing is set', () => {
    const { settings, problems } = read({});
    assert.deepEqual(problems, []);
    assert.equal(settings.provider, 'openai');
    assert.equal(settings.model, 'gpt-6.2-sol');
    assert.equal(settings.baseUrl, undefined);
    assert.deepEqual(settings.approval, { read: 'auto', edit: 'auto', runTests: 'auto', command: 'ask', network: 'ask' });
    assert.equal(settings.agent.maxConcurrentTools, 24);
    assert.equal(settings.agent.toolTimeoutSeconds, 30);
    assert.equal(settings.agent.maxTurns, 25);
    assert.equal(settings.agent.maxRetries, 4);
    assert.equal(settings.agent.parallelToolCalls, true);
    assert.equal(settings.agent.testCommand, undefined);
  });

  it('reads the context and rule-file settings, and notes bad ones', () => {
    const good = read({ contextWindow: 64000, autoCompactThreshold: 0.7, instructionFiles: ['docs/AGENTS.md'] });
    assert.deepEqual(good.problems, []);
    assert.equal(good.settings.agent.contextWindow, 64000);
    assert.equal(good.settings.agent.autoCompactThreshold, 0.7);
    assert.deepEqual(good.settings.agent.instructionFiles, ['docs/AGENTS.md']);
    assert.equal(read({ contextWindow: 0, instructionFiles: false }).settings.agent.contextWindow, undefined);
    assert.equal(read({ instructionFiles: false }).settings.agent.instructionFiles, false);
    const bad = read({ contextWindow: 12.5, autoCompactThreshold: 2, instructionFiles: 'AGENTS.md' });
    assert.equal(bad.problems.length, 3);
    assert.equal(bad.settings.agent.autoCompactThreshold, undefined);
  });

  it('takes valid values and the provider default model when model is empty', () => {
    const { settings, problems } = read({ provider: 'anthropic', model: '  ', baseUrl: 'http://localhost:11434/v1', maxConcurrentTools: 3, parallelToolCalls: false, approval: { edit: 'ask' }, testCommand: ' npm t ' });
    assert.deepEqual(problems, []);
    assert.equal(settings.model, 'claude-sonnet-5-5');
    assert.equal(settings.agent.model, 'claude-sonnet-5-5');
    assert.equal(settings.baseUrl, 'http://localhost:11434/v1');
    assert.equal(settings.agent.maxConcurrentTools, 3);
    assert.equal(settings.agent.parallelToolCalls, false);
    assert.equal(settings.agent.testCommand, 'npm t');
    assert.deepEqual(settings.approval, { read: 'auto', edit: 'ask', runTests: 'auto', command: 'ask', network: 'ask' });
  });

  it('falls back to defaults for out-of-range or mistyped values, and says which', () => {
    const { settings, problems } = read({ provider: 'openia', maxConcurrentTools: 0, maxTurns: 2.5, maxRetries: 99, approval: { read: 'never' }, baseUrl: 'localhost' });
    assert.equal(settings.provider, 'openai');
    assert.equal(settings.agent.maxConcurrentTools, 24);
    assert.equal(settings.agent.maxTurns, 25);
    assert.equal(settings.agent.maxRetries, 4);
    assert.equal(settings.approval.read, 'auto');
    assert.equal(problems.length, 6);
    assert.ok(problems.some((p) => p.includes('fanout.provider') && p.includes('openai-compatible')));
    assert.ok(problems.some((p) => p.includes('fanout.maxConcurrentTools must be a whole number from 1 to 64')));
  });
});

describe('withContent (attachments picked by path)', () => {
  const files: Record<string, string> = { 'a.ts': 'one\ntwo\nthree\n', 'big.txt': 'x'.repeat(200_001) };
  const read = async (p: string) => {
    if (!(p in files)) throw new Error('not found');
    return files[p]!;
  };

  it('reads whole files and selected lines, and leaves what it cannot read (or is too large) as a reference', async () => {
    const out = await withContent(
      [
        { kind: 'file', path: 'a.ts' },
        { kind: 'selection', path: 'a.ts', startLine: 2, endLine: 3 },
        { kind: 'file', path: 'missing.ts' },
        { kind: 'file', path: 'big.txt' },
        { kind: 'selection', path: 'a.ts', startLine: 1, endLine: 1, text: 'given' },
      ],
      read,
    );
    assert.deepEqual(
      out.map((a) => a.text),
      ['one\ntwo\nthree\n', 'two\nthree', undefined, undefined, 'given'],
    );
  });
});
