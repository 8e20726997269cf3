// Subagent lanes in a real browser under the extension's CSP: a delegate card opens into a lane per subagent with its
// own live turn, batch and timeline, status, turns and cost; subagent usage adds to the conversation total.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { ConversationView, UiAgentEvent } from '../../src/shared/protocol';
import { emptyConversation, ev, init } from './webviewFixtures';
import { sendHost, waitForPosted, useWebviewPage } from './webviewPage';


const call = (id: string, name: string, args: object) => ({ id, name, arguments: JSON.stringify(args) });
type SubagentEvent = Extract<UiAgentEvent, { type: 'subagent' }>;
const subEvent = (agent: string, callId: string, status: SubagentEvent['status'], turns: number, extra: Partial<SubagentEvent> = {}): SubagentEvent =>
  ({ type: 'subagent', agent, callId, description: `part ${agent}`, status, turns, model: 'gpt-4.1', ...extra });
const sub = (...args: Parameters<typeof subEvent>) => ev(subEvent(...args));

describe('chat webview: subagent lanes', function () {
  this.timeout(60_000);
  const view = useWebviewPage();
  let page: Page;
  beforeEach(() => {
    page = view.page;
  });

  it('opens each delegate card into its subagent\'s lane, live, and adds subagent cost to the total', async () => {
    const d1 = call('d1', 'delegate', { prompt: 'review src/a', description: 'review a' });
    const d2 = call('d2', 'delegate', { prompt: 'review src/b', description: 'review b' });
    await sendHost(
      page,
      init(),
      ev({ type: 'run-start', userText: 'review everything', messageIndex: 0 }),
      ev({ type: 'turn-start', turn: 1 }),
      ev({ type: 'tool-call', turn: 1, call: d1, summary: 'review a', atMs: 10 }),
      ev({ type: 'tool-call', turn: 1, call: d2, summary: 'review b', atMs: 12 }),
      ev({ type: 'tool-update', turn: 1, update: { callId: 'd1', name: 'delegate', summary: 'review a', state: 'running', atMs: 20 } }),
      ev({ type: 'tool-update', turn: 1, update: { callId: 'd2', name: 'delegate', summary: 'review b', state: 'running', atMs: 21 } }),
      sub('sub-1', 'd1', 'started', 0),
      sub('sub-2', 'd2', 'started', 0),
      ev({ type: 'turn-start', turn: 1, agent: 'sub-1' }),
      ev({ type: 'text-delta', turn: 1, text: 'Reading a.', agent: 'sub-1' }),
      ev({ type: 'tool-call', turn: 1, call: call('s1c1', 'read_file', { path: 'src/a.ts' }), summary: 'src/a.ts', atMs: 5, agent: 'sub-1' }),
      ev({ type: 'tool-update', turn: 1, update: { callId: 's1c1', name: 'read_file', summary: 'src/a.ts', state: 'running', atMs: 6 }, agent: 'sub-1' }),
      ev({ type: 'usage', turn: 1, usage: { inputTokens: 1000, outputTokens: 100 }, costUsd: 0.5, agent: 'sub-1' }),
    );
    const lane1 = page.locator('.tool-card[data-call-id="d1"] .subagent-lane[data-agent="sub-1"]');
    await lane1.waitFor();
    assert.equal(await page.locator('.tool-card[data-call-id="d1"]').evaluate((el) => (el as HTMLDetailsElement).open), true, 'the delegate card opened');
    assert.equal(await lane1.locator('.subagent-description').textContent(), 'part sub-1');
    assert.equal(await lane1.locator('.subagent-status').textContent(), 'Running');
    assert.equal(await lane1.locator('.turn[data-turn="1"] .assistant-text').textContent().then((t) => t?.trim()), 'Reading a.');
    await lane1.locator('.tool-card[data-call-id="s1c1"][data-state="running"]').waitFor();
    assert.equal(await page.locator('.tool-card[data-call-id="d2"] .subagent-lane[data-agent="sub-2"]').count(), 1, 'one lane per subagent, in its own card');
    assert.equal(await page.locator('.subagent-lane').count(), 2);
    // The subagent's call is in its lane, not in the main turn's batch.
    assert.equal(await page.locator('.conversation > .turn > .batch > .tool-cards > .tool-card').count(), 2);

    await sendHost(
      page,
      ev({ type: 'tool-update', turn: 1, update: { callId: 's1c1', name: 'read_file', summary: 'src/a.ts', state: 'done', atMs: 30, durationMs: 24, result: { callId: 's1c1', name: 'read_file', ok: true, content: 'x' } }, agent: 'sub-1' }),
      ev({ type: 'batch', log: { turn: 1, agent: 'sub-1', wallMs: 40, calls: [{ id: 's1c1', name: 'read_file', summary: 'src/a.ts', ok: true, state: 'done', ms: 24, startMs: 6, endMs: 30, early: true }] }, agent: 'sub-1' }),
      ev({ type: 'turn-start', turn: 2, agent: 'sub-1' }),
      sub('sub-1', 'd1', 'done', 2, { costUsd: 0.5 }),
      sub('sub-2', 'd2', 'failed', 1, { text: 'Subagent sub-2 failed after 1 turn: overloaded.' }),
    );
    await page.locator('.subagent-lane[data-agent="sub-1"][data-status="done"]').waitFor();
    assert.match((await lane1.locator('.subagent-stats').textContent()) ?? '', /^2 turns · 1\.0k in · 100 out · ≈ \$0\.500/);
    const lane2 = page.locator('.subagent-lane[data-agent="sub-2"]');
    assert.equal(await lane2.getAttribute('data-status'), 'failed');
    assert.equal(await lane2.locator('.subagent-outcome').textContent(), 'Subagent sub-2 failed after 1 turn: overloaded.');
    assert.match((await page.locator('.totals').textContent()) ?? '', /≈ \$0\.500/, 'the subagent\'s cost is in the conversation total');
  });

  it('draws the lanes of a reopened conversation again, inside their delegate cards, and a new run\'s sub-1 gets a lane of its own', async () => {
    const d1 = call('d1', 'delegate', { prompt: 'review src/a', description: 'review a' });
    const read = call('s1c1', 'read_file', { path: 'src/a.ts' });
    const lane = (e: UiAgentEvent) => ({ ...e, agent: 'sub-1' }) as UiAgentEvent;
    const view: ConversationView = {
      ...emptyConversation(),
      title: 'review everything',
      messages: [
        { role: 'user', text: 'review everything' },
        { role: 'assistant', text: '', toolCalls: [d1] },
        { role: 'tool', results: [{ callId: 'd1', name: 'delegate', ok: true, content: 'a is fine.\n\nFiles changed by sub-1: none.' }] },
        { role: 'assistant', text: 'All reviewed.', toolCalls: [] },
      ],
      batches: [{ turn: 1, wallMs: 900, calls: [{ id: 'd1', name: 'delegate', summary: 'review a', ok: true, state: 'done', ms: 880, startMs: 10, endMs: 890, early: true }] }],
      usage: { inputTokens: 3000, outputTokens: 300 },
      costUsd: 1.5,
      subagents: [
        {
          callId: 'd1',
          agent: 'sub-1',
          events: [
            subEvent('sub-1', 'd1', 'started', 0),
            lane({ type: 'turn-start', turn: 1 }),
            lane({ type: 'text-delta', turn: 1, text: 'Reading a.' }),
            lane({ type: 'tool-call', turn: 1, call: read, summary: 'src/a.ts', atMs: 5 }),
            lane({ type: 'tool-update', turn: 1, update: { callId: 's1c1', name: 'read_file', summary: 'src/a.ts', state: 'done', atMs: 30, durationMs: 24, result: { callId: 's1c1', name: 'read_file', ok: true, content: 'export const a = 1;' } } }),
            lane({ type: 'batch', log: { turn: 1, agent: 'sub-1', wallMs: 40, calls: [{ id: 's1c1', name: 'read_file', summary: 'src/a.ts', ok: true, state: 'done', ms: 24, startMs: 6, endMs: 30, early: true }] } }),
            lane({ type: 'usage', turn: 1, usage: { inputTokens: 1000, outputTokens: 100 }, costUsd: 0.5 }),
            lane({ type: 'turn-start', turn: 2 }),
            lane({ type: 'text-delta', turn: 2, text: 'a is fine.' }),
            subEvent('sub-1', 'd1', 'done', 2, { costUsd: 0.5, text: 'a is fine.' }),
          ],
        },
      ],
    };
    await sendHost(page, init(view));
    const restored = page.locator('.tool-card[data-call-id="d1"] .subagent-lane[data-agent="sub-1"]');
    await restored.waitFor();
    assert.equal(await restored.getAttribute('data-status'), 'done');
    assert.equal(await restored.locator('.subagent-description').textContent(), 'part sub-1');
    assert.match((await restored.locator('.subagent-stats').textContent()) ?? '', /^2 turns · 1\.0k in · 100 out · ≈ \$0\.500/);
    assert.equal(await restored.locator('.turn[data-turn="1"] .assistant-text').textContent().then((t) => t?.trim()), 'Reading a.');
    await restored.locator('.tool-card[data-call-id="s1c1"][data-state="done"]').waitFor();
    // The view's totals already include the subagent: drawing its lane adds nothing.
    assert.match((await page.locator('.totals').textContent()) ?? '', /≈ \$1\.50/);

    // A new run: its sub-1 is another subagent, in its own delegate card; the restored lane stays.
    const d2 = call('d2', 'delegate', { prompt: 'review src/b', description: 'review b' });
    await sendHost(
      page,
      ev({ type: 'run-start', userText: 'and b', messageIndex: 4 }),
      ev({ type: 'turn-start', turn: 1 }),
      ev({ type: 'tool-call', turn: 1, call: d2, summary: 'review b', atMs: 10 }),
      sub('sub-1', 'd2', 'started', 0),
    );
    await page.locator('.tool-card[data-call-id="d2"] .subagent-lane[data-agent="sub-1"][data-status="started"]').waitFor();
    assert.equal(await restored.getAttribute('data-status'), 'done', 'the earlier lane is left as it was');
    assert.equal(await page.locator('.subagent-lane').count(), 2);
  });

  it('shows approvals asked by two subagents at once, each labelled by agent; answering one leaves the other open', async () => {
    const ask = (requestId: string, id: string, agent: string, command: string) => ({
      type: 'approval-request' as const,
      requestId,
      calls: [{ id, name: 'run_command', summary: command, access: 'exec' as const, arguments: JSON.stringify({ command }), why: 'setting' as const, setting: 'command', agent }],
    });
    await sendHost(page, init(), ask('r1', 'c1', 'sub-1', 'make lint'), ask('r2', 'c2', 'sub-2', 'make docs'));
    const first = page.locator('.approval-card[data-request-id="r1"]');
    const second = page.locator('.approval-card[data-request-id="r2"]');
    await second.waitFor();
    assert.equal(await first.locator('[data-call-id="c1"] .agent-badge').textContent(), 'sub-1');
    assert.equal(await second.locator('[data-call-id="c2"] .agent-badge').textContent(), 'sub-2');
    assert.equal(await first.locator('[data-call-id="c1"] .agent-badge').getAttribute('title'), 'Asked by sub-1');

    await second.locator('[data-call-id="c2"]').getByRole('button', { name: 'Allow', exact: true }).click();
    assert.deepEqual(await waitForPosted(page, 'approval-response'), { type: 'approval-response', requestId: 'r2', decisions: [{ id: 'c2', allowed: true }] });
    await sendHost(page, { type: 'approval-closed', requestId: 'r2' });
    await second.waitFor({ state: 'detached' });
    assert.equal(await first.locator('[data-call-id="c1"] .decision-allow').isEnabled(), true, 'sub-1\'s card is still waiting for its own answer');
  });
});
