import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { ApprovalGate, ApprovalRequest } from '../../src/agent/approvals';
import { runAgent, type AgentConfig, type AgentEvent } from '../../src/agent/loop';
import { buildAgentConfig, defaultAgentSettings, type AgentSettings } from '../../src/agent/settings';
import { readUserSettings } from '../../src/agent/userSettings';
import { silentLogger } from '../../src/host/logger';
import { NodeProcessRunner } from '../../src/node/nodeProcessRunner';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import { createProvider } from '../../src/providers';
import type { Message, ToolResult } from '../../src/shared/transcript';
import { builtinTools } from '../../src/tools';
import { defineTool, toolRegistry, type ToolDefinition } from '../../src/tools/tool';
import type { Fault, RecordedRequest } from '../fakes/httpFake';
import { ConcurrencyProbe, sleepTool } from '../fakes/fakeTools';
import { FakeOpenAIServer, type ScriptedCall, type ScriptedTurn } from '../fakes/openaiServer';
import { runCli } from '../fakes/runCli';
import { callsWithResults, editorTurn, editTaskPrompt, isSubagentRequest, parseEditTask, stepOf, taskText, type EditTask } from '../fakes/subagentScript';
import { tempWorkspace } from '../fakes/tempWorkspace';

type Script = (req: RecordedRequest) => ScriptedTurn | Fault | Promise<ScriptedTurn | Fault>;

const delegate = (prompt: string, extra: { description?: string; canEdit?: boolean } = {}): ScriptedCall => ({ name: 'delegate', arguments: { prompt, ...extra } });
const isFinalState = (s: string) => ['done', 'failed', 'cancelled', 'denied'].includes(s);

describe('subagents (delegate) sharing one scheduler, over the OpenAI wire', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(script: Script, options: { files?: Record<string, string>; settings?: Partial<AgentSettings>; tools?: ToolDefinition[]; approvals?: ApprovalGate } = {}) {
    const ws = tempWorkspace(options.files ?? { 'a.txt': 'alpha\n', 'b.txt': 'beta\n' });
    cleanups.push(ws.cleanup);
    const server = await new FakeOpenAIServer((req) => script(req)).start();
    cleanups.push(() => server.close());
    const provider = await createProvider({ provider: 'openai', apiKey: 'k', baseUrl: server.url });
    const config: AgentConfig = buildAgentConfig(
      { ...defaultAgentSettings, model: 'gpt-fake', maxRetries: 0, ...options.settings },
      {
        provider,
        workspace: await NodeWorkspace.open(ws.dir),
        runner: new NodeProcessRunner(),
        tools: toolRegistry([...builtinTools, ...(options.tools ?? [])]),
        logger: silentLogger,
        approvals: options.approvals,
      },
    );
    const events: AgentEvent[] = [];
    const messages: Message[] = [];
    const listeners: ((e: AgentEvent) => void)[] = [];
    const run = (prompt: string, signal = new AbortController().signal) =>
      runAgent(config, messages, prompt, {
        signal,
        onEvent: (e) => {
          events.push(e);
          for (const l of listeners) l(e);
        },
      });
    const read = (rel: string) => readFileSync(path.join(ws.dir, rel), 'utf8');
    return { server, config, events, messages, run, read, listeners };
  }

  /** The parent's results for its delegate calls, in order. */
  const delegateResults = (messages: Message[]): ToolResult[] =>
    messages.flatMap((m) => (m.role === 'tool' ? m.results.filter((r) => r.name === 'delegate') : []));

  it('three edit-capable subagents edit one shared file at once: stale reads are refused and redone, every edit lands exactly once', async () => {
    const regions = ['A', 'B', 'C'];
    const shared = ['header: todo', ...regions.flatMap((r) => [`${r}1: todo`, 'filler', `${r}2: todo`, 'filler'])].join('\n') + '\n';
    const tasks: EditTask[] = regions.map((r) => ({ file: 'shared.txt', edits: [1, 2].map((k) => ({ oldText: `${r}${k}: todo`, newText: `${r}${k}: done by ${r}` })) }));
    // Each subagent's first edit turn is held until all three have read the file: then all three edit text that the
    // first edit to land makes stale, so refusals and re-reads are certain, not a matter of timing.
    const waiting = new Set<string>();
    let releaseEdits!: () => void;
    const allRead = new Promise<void>((r) => (releaseEdits = r));
    const parentEdit: ScriptedCall = { name: 'apply_edit', arguments: { path: 'shared.txt', oldText: 'header: todo', newText: 'header: done' } };
    const h = await setup(
      async (req) => {
        if (isSubagentRequest(req)) {
          const task = parseEditTask(req)!;
          const next = editorTurn(req, task);
          if (next.kind === 'edit' && !waiting.has(task.edits[0].oldText)) {
            waiting.add(task.edits[0].oldText);
            if (waiting.size === tasks.length) releaseEdits();
            await allRead;
          }
          return next.turn;
        }
        // The parent reads the file, delegates, then edits the header based on that (now stale) read.
        const calls = callsWithResults(req);
        if (stepOf(req) === 0) return { calls: [{ name: 'read_file', arguments: { path: 'shared.txt' } }, ...tasks.map((t, i) => delegate(editTaskPrompt(t), { canEdit: true, description: `region ${regions[i]}` }))] };
        const header = calls.filter((c) => c.name === 'apply_edit');
        if (header.some((c) => c.result.startsWith('Edited'))) return { text: 'All regions done.' };
        return { calls: [header.length && calls[calls.length - 1].name === 'apply_edit' ? { name: 'read_file', arguments: { path: 'shared.txt' } } : parentEdit] };
      },
      { files: { 'shared.txt': shared } },
    );
    const outcome = await h.run('edit the regions');
    assert.equal(outcome.status, 'final', outcome.text);

    const expected = tasks.reduce((t, task) => task.edits.reduce((u, e) => u.replace(e.oldText, e.newText), t), shared.replace('header: todo', 'header: done'));
    assert.equal(h.read('shared.txt'), expected, 'every edit landed, none twice, nothing else changed');

    const stale = h.events.filter((e) => e.type === 'tool-update' && e.agent && e.update.result?.content.startsWith('Error (stale_file)'));
    assert.ok(stale.length >= 2, `at least two subagents were refused as stale (got ${stale.length})`);
    const results = delegateResults(h.messages);
    assert.equal(results.length, 3);
    for (const [i, r] of results.entries()) {
      assert.ok(r.ok, r.content);
      assert.match(r.content, new RegExp(`^Applied 2 edit\\(s\\) to shared\\.txt\\.\\n\\nFiles changed by sub-${i + 1}: shared\\.txt`));
    }
    // The parent read before the subagents wrote: its edit is refused until it reads again.
    const parentEdits = h.messages.flatMap((m) => (m.role === 'tool' ? m.results.filter((r) => r.name === 'apply_edit') : []));
    assert.deepEqual(parentEdits.map((r) => r.content.split(':')[0]), ['Error (stale_file)', 'Edited shared.txt']);

    const lifecycle = h.events.flatMap((e) => (e.type === 'subagent' ? [`${e.agent} ${e.status}`] : []));
    assert.deepEqual(lifecycle.filter((l) => l.endsWith('started')).sort(), ['sub-1 started', 'sub-2 started', 'sub-3 started']);
    assert.deepEqual(lifecycle.filter((l) => l.endsWith('done')).sort(), ['sub-1 done', 'sub-2 done', 'sub-3 done']);
    // Every request's usage (100 in, 20 out per fake response), subagents' included, is in the parent's totals.
    assert.equal(outcome.usage.inputTokens, 100 * h.server.chatRequests.length);
    assert.equal(outcome.usage.outputTokens, 20 * h.server.chatRequests.length);
  });

  it('holds the global cap across all agents, and a small cap does not deadlock delegate calls against their subagents\' calls', async () => {
    for (const cap of [3, 2, 1]) {
      const probe = new ConcurrencyProbe();
      // Each call waits until `cap` calls are running at once, so the peak is exactly the cap unless it is exceeded.
      let waiting: (() => void)[] = [];
      const gate = defineTool({
        name: 'gate',
        description: 'Waits for company.',
        access: 'read',
        schema: z.strictObject({ n: z.number() }),
        async execute(_input, ctx) {
          probe.enter('');
          try {
            await new Promise<void>((resolve, reject) => {
              waiting.push(resolve);
              if (waiting.length === cap) for (const w of waiting.splice(0)) w();
              ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
            });
            return 'met';
          } finally {
            probe.leave();
          }
        },
      }) as ToolDefinition;
      const gates = (n: number): ScriptedCall[] => Array.from({ length: n }, (_, i) => ({ name: 'gate', arguments: { n: i } }));
      const h = await setup(
        (req) => {
          if (isSubagentRequest(req)) return stepOf(req) === 0 ? { calls: gates(2 * cap) } : { text: `${taskText(req)} finished` };
          // The parent's own calls share the cap with its four subagents' (all of them waiting on one another).
          return stepOf(req) === 0 ? { calls: [...gates(cap), ...[1, 2, 3, 4].map((i) => delegate(`part ${i}`))] } : { text: 'done' };
        },
        { tools: [gate], settings: { maxConcurrentTools: cap, parallelToolCalls: cap > 1 } },
      );
      waiting = [];
      const outcome = await h.run('fan out');
      assert.equal(outcome.status, 'final', outcome.text);
      assert.equal(probe.peak, cap, `cap ${cap}: never more than ${cap} calls at once across agents`);
      assert.equal(probe.order.length, cap + 4 * 2 * cap);
      for (const r of delegateResults(h.messages)) assert.ok(r.ok, r.content);
      for (const c of cleanups.splice(0).reverse()) await c();
    }
  });

  it('a stop mid-run ends every subagent and answers every call id of every agent; nothing they started outlives them', async () => {
    const probe = new ConcurrencyProbe();
    const slowRead = sleepTool(probe, { name: 'slow_read' });
    const slowWrite = sleepTool(probe, { name: 'slow_write', access: 'write' });
    const stop = new AbortController();
    const h = await setup(
      (req) => {
        if (isSubagentRequest(req)) {
          if (stepOf(req) > 0) return { text: 'should not get here' };
          return taskText(req) === 'writer'
            ? { calls: [{ name: 'slow_write', arguments: { ms: 60_000, path: 'a.txt' } }, { name: 'apply_edit', arguments: { path: 'a.txt', oldText: 'alpha', newText: 'ALPHA' } }] }
            : { calls: [{ name: 'slow_read', arguments: { ms: 60_000, label: 'r1' } }, { name: 'slow_read', arguments: { ms: 60_000, label: 'r2' } }] };
        }
        return stepOf(req) === 0 ? { calls: [delegate('writer', { canEdit: true }), delegate('reader'), { name: 'slow_read', arguments: { ms: 60_000 } }] } : { text: 'never' };
      },
      { tools: [slowRead, slowWrite] },
    );
    const running = new Set<string>();
    h.listeners.push((e) => {
      if (e.type === 'tool-update' && e.update.state === 'running') running.add(`${e.agent ?? 'main'}:${e.update.name}:${e.update.callId}`);
      // Stop once the writer holds a.txt (its edit queued behind it) and both of the reader's (distinct: identical calls
      // of a turn share one run) calls run.
      const subs = [...running].filter((r) => !r.startsWith('main'));
      // (From outside the event, as a user's click arrives.)
      if (subs.length === 3 && !stop.signal.aborted) setImmediate(() => stop.abort(new Error('stopped by the user')));
    });
    const outcome = await h.run('go', stop.signal);
    assert.equal(outcome.status, 'stopped');

    const calls = h.events.flatMap((e) => (e.type === 'tool-call' ? [`${e.agent ?? 'main'}:${e.call.id}`] : []));
    const answered = new Set(h.events.flatMap((e) => (e.type === 'tool-update' && isFinalState(e.update.state) ? [`${e.agent ?? 'main'}:${e.update.callId}`] : [])));
    assert.equal(calls.length, 7, 'three parent calls, two per subagent');
    for (const c of calls) assert.ok(answered.has(c), `${c} got no final state`);
    const results = delegateResults(h.messages);
    assert.equal(results.length, 2);
    for (const r of results) assert.match(r.content, /^Error \(cancelled\): Stopped by the user: subagent sub-\d ended after 1 turn\. Files changed by sub-\d: none\./);
    assert.equal(h.read('a.txt'), 'alpha\n', 'the edit queued behind the lock never ran');
    assert.equal(probe.running, 0, 'no tool is still running');
    assert.deepEqual(h.events.flatMap((e) => (e.type === 'subagent' && e.status !== 'started' ? [`${e.agent} ${e.status}`] : [])).sort(), ['sub-1 failed', 'sub-2 failed']);
  });

  it('a subagent that fails or hits its turn limit answers with an error result; the parent carries on', async () => {
    const h = await setup(
      (req) => {
        if (isSubagentRequest(req)) {
          const task = taskText(req);
          if (task === 'broken') return { kind: 'status', status: 400, body: { error: { message: 'bad request from the fake', type: 'invalid_request_error' } } };
          if (task === 'endless') return { calls: [{ name: 'list_files', arguments: {} }] };
          return { text: 'fine' };
        }
        return stepOf(req) === 0 ? { calls: ['broken', 'endless', 'fine'].map((p) => delegate(p)) } : { text: 'handled' };
      },
      { settings: { subagentMaxTurns: 2 } },
    );
    const outcome = await h.run('try them');
    assert.equal(outcome.status, 'final');
    assert.equal(outcome.text, 'handled');
    const [broken, endless, fine] = delegateResults(h.messages);
    assert.match(broken.content, /^Error \(failed\): Subagent sub-1 failed after 1 turn: .*bad request from the fake/);
    assert.match(endless.content, /^Error \(failed\): Subagent sub-2 hit its turn limit \(2 turns, fanout\.subagentMaxTurns\) without a final answer\. Files changed by sub-2: none\./);
    assert.equal(fine.content, 'fine\n\nFiles changed by sub-3: none.');
    assert.deepEqual(h.events.flatMap((e) => (e.type === 'subagent' && e.status !== 'started' ? [`${e.agent} ${e.status}`] : [])).sort(), ['sub-1 failed', 'sub-2 failed', 'sub-3 done']);
  });

  it('a subagent past its time budget (not the 30 s tool timeout) is stopped and answers with a timeout result', async () => {
    const h = await setup((req) => (isSubagentRequest(req) ? { kind: 'hang' } : stepOf(req) === 0 ? { calls: [delegate('hung')] } : { text: 'handled' }), {
      settings: { subagentTimeoutSeconds: 0.2, toolTimeoutSeconds: 3600 },
    });
    const outcome = await h.run('try it');
    assert.equal(outcome.status, 'final');
    const [hung] = delegateResults(h.messages);
    assert.match(hung.content, /^Error \(timeout\): Subagent sub-1 ran past its time budget after 1 turn and was stopped \(delegate did not finish within 0\.2 s and was stopped\.\)\. Files changed by sub-1: none\./);
  });

  it('gives a subagent the parent\'s tools without delegate, and only the read-only ones unless canEdit', async () => {
    const mcpLike = { ...sleepTool(new ConcurrencyProbe(), { name: 'srv__write_thing', access: 'write' }) };
    const h = await setup(
      (req) => (isSubagentRequest(req) ? { text: 'ok' } : stepOf(req) === 0 ? { calls: [delegate('look'), delegate('change', { canEdit: true })] } : { text: 'done' }),
      { tools: [mcpLike] },
    );
    await h.run('x');
    const toolsOf = (task: string) =>
      (h.server.chatRequests.find((r) => isSubagentRequest(r) && taskText(r) === task)!.body.tools as { function: { name: string } }[]).map((t) => t.function.name).sort();
    const names = (tools: readonly ToolDefinition[]) => tools.map((t) => t.name).sort();
    assert.deepEqual(toolsOf('look'), names(builtinTools.filter((t) => t.access === 'read')));
    assert.ok(toolsOf('look').includes('read_file') && !toolsOf('look').includes('apply_edit'));
    assert.deepEqual(toolsOf('change'), names([...builtinTools, mcpLike]));
    const parentTools = (h.server.chatRequests[0].body.tools as { function: { name: string } }[]).map((t) => t.function.name);
    assert.ok(parentTools.includes('delegate'));
  });

  it('asks approvals per agent, labelled, and one subagent waiting for an answer does not hold up another', async () => {
    const requests: ApprovalRequest[][] = [];
    let sub2Done!: () => void;
    const sub2Finished = new Promise<void>((r) => (sub2Done = r));
    const approvals: ApprovalGate = {
      needsApproval: (tool) => tool.access === 'write',
      async request(calls) {
        requests.push(calls);
        // sub-1's edit is answered only once sub-2 has finished: sub-2 must not wait for sub-1's card.
        if (calls[0].agent === 'sub-1') await sub2Finished;
        return new Map(calls.map((c) => [c.id, { allowed: true }]));
      },
    };
    const h = await setup(
      (req) => {
        if (isSubagentRequest(req)) return editorTurn(req, parseEditTask(req)!).turn;
        return stepOf(req) === 0
          ? {
              calls: [
                delegate(editTaskPrompt({ file: 'a.txt', edits: [{ oldText: 'alpha', newText: 'ALPHA' }] }), { canEdit: true }),
                delegate(editTaskPrompt({ file: 'b.txt', edits: [{ oldText: 'beta', newText: 'BETA' }] }), { canEdit: true }),
              ],
            }
          : { text: 'both edited' };
      },
      { approvals },
    );
    h.listeners.push((e) => e.type === 'subagent' && e.agent === 'sub-2' && e.status === 'done' && sub2Done());
    const outcome = await h.run('edit both');
    assert.equal(outcome.status, 'final');
    assert.deepEqual(requests.map((r) => r.map((c) => `${c.agent}:${c.name}`)).sort(), [['sub-1:apply_edit'], ['sub-2:apply_edit']]);
    assert.equal(h.read('a.txt'), 'ALPHA\n');
    assert.equal(h.read('b.txt'), 'BETA\n');
  });

  it('the CLI tags batch lines with their agent and reports each subagent\'s start and end', async () => {
    const ws = tempWorkspace({ 'a.txt': 'alpha\n' });
    cleanups.push(ws.cleanup);
    const server = await new FakeOpenAIServer((req) => {
      if (isSubagentRequest(req)) return stepOf(req) === 0 ? { calls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] } : { text: 'a.txt says alpha' };
      return stepOf(req) === 0 ? { calls: [delegate('read a.txt', { description: 'read a' })] } : { text: 'done' };
    }).start();
    cleanups.push(() => server.close());
    const { code, lines } = await runCli(['--workspace', ws.dir, '--base-url', server.url, '--json', 'go'], { OPENAI_API_KEY: 'k' });
    assert.equal(code, 0);
    const shapes = lines.map((l) => (l.type === 'batch' ? `batch ${l.agent} turn ${l.turn}` : l.type === 'subagent' ? JSON.stringify(l) : l.type));
    assert.deepEqual(shapes, [
      JSON.stringify({ type: 'subagent', agent: 'sub-1', description: 'read a', status: 'started', turns: 0 }),
      'batch sub-1 turn 1',
      JSON.stringify({ type: 'subagent', agent: 'sub-1', description: 'read a', status: 'done', turns: 2 }),
      'batch main turn 1',
      'final',
    ]);
    assert.equal(lines.at(-1).usage.inputTokens, 400, 'the final usage includes the subagent\'s two requests');
  });
});

describe('subagent settings', () => {
  it('reads fanout.subagentModel, maxSubagents (0 turns delegate off) and subagentMaxTurns, with defaults 4 and 15', () => {
    const read = (values: Record<string, unknown>) => readUserSettings((k) => values[k]);
    const defaults = read({}).settings.agent;
    assert.deepEqual([defaults.maxSubagents, defaults.subagentMaxTurns, defaults.subagentModel], [4, 15, undefined]);
    const { settings, problems } = read({ maxSubagents: 0, subagentMaxTurns: 500, subagentModel: ' gpt-mini ' });
    assert.deepEqual([settings.agent.maxSubagents, settings.agent.subagentMaxTurns, settings.agent.subagentModel], [0, 15, 'gpt-mini']);
    assert.deepEqual(problems, ['fanout.subagentMaxTurns must be a whole number from 1 to 200; using 15.']);
  });
});
