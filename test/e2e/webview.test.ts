// The chat webview in a real browser (Debian's chromium through playwright-core), under the extension's CSP, driven
// by a scripted host: every test waits on DOM or posted-message events, never on timers.
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { ConversationView } from '../../src/shared/protocol';
import { ev, init, parallelBatch } from './webviewFixtures';
import { posted, sendHost, setTheme, useWebviewPage, waitForPosted } from './webviewPage';

const ROOT = resolve(__dirname, '../..');
const SCREENSHOT = resolve(ROOT, 'test-results/webview-chat.png');

describe('chat webview in a real browser', function () {
  this.timeout(60_000);
  const view = useWebviewPage({ clipboard: true });
  let page: Page;
  beforeEach(() => {
    page = view.page;
  });

  it('loads under the strict CSP with codicons and says ready', async () => {
    await sendHost(page, init());
    await page.locator('.empty-state').waitFor();
    assert.equal(await page.locator('.model-name').textContent(), 'openai · gpt-4.1');
    // The codicon font really loaded from dist/codicons (font-src is the host origin only).
    const fontFamily = await page.locator('.toolbar .codicon-history').evaluate((el) => getComputedStyle(el).fontFamily);
    assert.match(fontFamily, /codicon/);
    assert.ok(await page.evaluate(async () => (await document.fonts.load('16px codicon')).length > 0));
    assert.equal((await page.locator('main[role=log]').getAttribute('aria-live')), 'polite');
  });

  it('streams assistant markdown with a code block and a working copy button, re-rendering only the current turn', async () => {
    await sendHost(page, init(), ev({ type: 'run-start', userText: 'Explain', messageIndex: 0 }), ev({ type: 'turn-start', turn: 1 }));
    const chunks = ['Here is **the fix**', ':\n\n```ts\nconst limit', ' = pLimit(8);\n```\n\n| a | b |\n|:-|-:|\n| 1 | 2 |\n', '\nAnd a [link](https://example.com).'];
    for (const text of chunks) await sendHost(page, ev({ type: 'text-delta', turn: 1, text }));
    await page.locator('.turn[data-turn="1"] a').waitFor();
    const turn1 = page.locator('.turn[data-turn="1"] .assistant-text');
    assert.equal(await turn1.locator('strong').textContent(), 'the fix');
    assert.equal(await turn1.locator('.code-block pre code').textContent(), 'const limit = pLimit(8);\n');
    assert.equal(await turn1.locator('.code-lang').textContent(), 'ts');
    assert.equal(await turn1.locator('td.align-right').textContent(), '2');
    await turn1.locator('.code-copy').click();
    await page.locator('.code-copy[data-copied="true"]').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'const limit = pLimit(8);\n');

    // Turn 2 streams; turn 1's DOM nodes must stay the very same nodes (not re-parsed per delta).
    await turn1.locator('p').first().evaluate((p) => ((p as HTMLElement).dataset.marker = 'kept'));
    await sendHost(page, ev({ type: 'turn-start', turn: 2 }));
    for (const text of ['Now ', 'the ', '`loop`', ' is fine.']) await sendHost(page, ev({ type: 'text-delta', turn: 2, text }));
    await page.locator('.turn[data-turn="2"] code', { hasText: 'loop' }).waitFor();
    assert.equal(await turn1.locator('p[data-marker="kept"]').count(), 1);
    assert.equal((await page.locator('.turn[data-turn="2"] .assistant-text').textContent())?.trim(), 'Now the loop is fine.');
  });

  it('never renders raw HTML from the model', async () => {
    await sendHost(page, init(), ev({ type: 'run-start', userText: 'x', messageIndex: 0 }), ev({ type: 'turn-start', turn: 1 }));
    await sendHost(page, ev({ type: 'text-delta', turn: 1, text: '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> [click](javascript:alert(1)) done' }));
    await page.locator('.assistant-text', { hasText: 'done' }).waitFor();
    assert.equal(await page.locator('.assistant-text img, .assistant-text script').count(), 0);
    assert.equal(await page.locator('.assistant-text a[href^="javascript"]').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  });

  it('shows tool cards through their states, grouped per batch, with arguments and results', async () => {
    const batch = parallelBatch();
    const upto = (n: number) => batch.slice(0, n);
    await sendHost(page, init(), ...upto(6)); // read_file is running
    const card = (id: string) => page.locator(`.tool-card[data-call-id="${id}"]`);
    await card('call_a').and(page.locator('[data-state="running"]')).waitFor();
    assert.equal(await card('call_a').locator('.state-badge').textContent(), 'Running');
    assert.equal(await card('call_a').locator('.state-badge .codicon-loading.codicon-modifier-spin').count(), 1);
    assert.equal(await card('call_a').locator('.tool-summary').textContent(), 'src/scheduler.ts');
    assert.equal(await card('call_a').locator('.tool-icon .codicon-file').count(), 1);

    await sendHost(page, ...batch.slice(6, 13)); // search running, tests + edit queued
    await card('call_d').waitFor();
    assert.equal(await card('call_c').locator('.state-badge').textContent(), 'Queued');
    await sendHost(page, ...batch.slice(13, 16)); // read done, tests running, edit waiting on the lock
    await card('call_d').and(page.locator('[data-state="waiting_lock"]')).waitFor();
    assert.equal(await card('call_d').locator('.state-badge').textContent(), 'Waiting on file lock');
    assert.equal(await card('call_a').locator('.state-badge').textContent(), 'Done');
    assert.equal(await card('call_a').locator('.tool-duration').textContent(), '165 ms');

    await sendHost(page, ...batch.slice(16));
    await page.locator('.batch-stats', { hasText: 'wall' }).waitFor();
    assert.equal(await page.locator('.batch').count(), 1, 'one group per turn');
    assert.equal(await page.locator('.batch .tool-card').count(), 4);
    assert.equal(await card('call_c').getAttribute('data-state'), 'failed');
    assert.equal(await card('call_c').locator('.tool-duration').textContent(), '1.2 s');
    assert.equal(await page.locator('.batch-stats').textContent(), '4 calls · 1.5 s wall · 2.0 s of tool time · 1 not ok');

    // Expand: arguments (pretty JSON) and the result, monospace.
    await card('call_c').locator('summary').click();
    assert.ok(await card('call_c').evaluate((d) => (d as HTMLDetailsElement).open));
    assert.equal(await card('call_c').locator('.tool-args').textContent(), '{\n  "command": "npm test"\n}');
    assert.match((await card('call_c').locator('.tool-result').textContent()) ?? '', /^Error \(exit_code\)/);
    assert.equal(await card('call_c').locator('.tool-result.is-error').count(), 1);
    assert.match(await card('call_c').locator('.tool-result').evaluate((el) => getComputedStyle(el).fontFamily), /mono/i);

    assert.equal(await page.locator('.turn-meta').textContent(), '5.2k in · 240 out · ≈ $0.012');
    assert.equal(await page.locator('.totals').textContent(), 'Σ 5.2k in · 240 out · ≈ $0.012');
  });

  it('draws the batch timeline: overlapping bars, lighter waits, the stream-end marker, growing live', async () => {
    const batch = parallelBatch();
    await sendHost(page, init(), ...batch.slice(0, 6));
    // Live: the running read's bar grows with the clock between events.
    const runA = page.locator('.tl-row[data-call-id="call_a"] .tl-run');
    await runA.waitFor();
    const w0 = (await runA.boundingBox())!.width;
    await page.waitForFunction((w) => document.querySelector<HTMLElement>('.tl-row[data-call-id="call_a"] .tl-run')!.getBoundingClientRect().width !== w, w0);

    await sendHost(page, ...batch.slice(6));
    await page.locator('.tl-stream-label').waitFor();
    const box = async (id: string, part: 'run' | 'wait') => (await page.locator(`.tl-row[data-call-id="${id}"] .tl-${part}`).boundingBox())!;
    const [a, b, c, d] = await Promise.all(['call_a', 'call_b', 'call_c', 'call_d'].map((id) => box(id, 'run')));
    const track = (await page.locator('.tl-row[data-call-id="call_a"] .tl-track').boundingBox())!;
    const x = (ms: number) => track.x + (ms / 1490) * track.width;
    // Bars sit where the batch log says (x = ms since batch start, scale = wall time).
    for (const [bar, start, end] of [[a, 45, 210], [b, 95, 620], [c, 240, 1480], [d, 300, 340]] as const) {
      assert.ok(Math.abs(bar!.x - x(start)) < 1.5, `bar starts at ${start} ms`);
      assert.ok(Math.abs(bar!.x + bar!.width - x(end)) < 2.5, `bar ends at ${end} ms`);
    }
    // The read and the search overlap: they ran in parallel. The tests were the slow one.
    assert.ok(a!.x < b!.x + b!.width && b!.x < a!.x + a!.width, 'read_file and search_workspace overlap');
    assert.ok(c!.width > Math.max(a!.width, b!.width, d!.width));
    // The edit waited (queued, then for its lock) before running: a lighter bar in front of its run bar.
    const waitD = await box('call_d', 'wait');
    assert.ok(Math.abs(waitD.x - x(160)) < 1.5 && Math.abs(waitD.x + waitD.width - d!.x) < 1.5);
    const opacity = (sel: string) => page.locator(sel).evaluate((el) => Number(getComputedStyle(el).opacity));
    assert.ok((await opacity('.tl-row[data-call-id="call_d"] .tl-wait')) < (await opacity('.tl-row[data-call-id="call_d"] .tl-run')));
    // The stream ended at 230 ms: after both reads had started (early), before the tests and the edit ran.
    const marker = (await page.locator('.tl-row[data-call-id="call_a"] .tl-stream').boundingBox())!;
    assert.ok(Math.abs(marker.x - x(230)) < 1.5);
    assert.ok(a!.x < marker.x && b!.x < marker.x && c!.x > marker.x && d!.x > marker.x);
    assert.match((await page.locator('.timeline').getAttribute('aria-label')) ?? '', /4 calls over 1\.5 s, model stream ended at 230 ms, slowest run_tests 1\.2 s/);

    await sendHost(page, ev({ type: 'turn-start', turn: 2 }), ev({ type: 'text-delta', turn: 2, text: 'The **search** and the **read** ran side by side; `npm test` took longest and failed on one test.' }));
    await sendHost(page, ev({ type: 'done', status: 'final', text: 'x', turns: 2, usage: { inputTokens: 9800, outputTokens: 610 }, costUsd: 0.021 }));
    await page.locator('.run-status').waitFor();
    await page.locator('.tool-card[data-call-id="call_b"] summary').click();
    mkdirSync(resolve(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
  });

  it('stop button shows while running and sends stop; new chat sends new-chat', async () => {
    await sendHost(page, init());
    const stop = page.getByRole('button', { name: 'Stop', exact: true });
    assert.equal(await stop.isVisible(), false);
    await sendHost(page, ev({ type: 'run-start', userText: 'go', messageIndex: 0 }));
    await stop.waitFor();
    assert.equal(await page.locator('.send-button').getAttribute('aria-label'), 'Queue (sent when the current run ends)');
    await stop.click();
    await waitForPosted(page, 'stop');
    await sendHost(page, ev({ type: 'done', status: 'stopped', text: 'Stopped by the user.', turns: 1, usage: { inputTokens: 10, outputTokens: 2 } }));
    await stop.waitFor({ state: 'hidden' });
    assert.match((await page.locator('.run-status').textContent()) ?? '', /Stopped/);
    assert.equal(await page.locator('.send-button').getAttribute('aria-label'), 'Send (Enter)');

    await page.getByRole('button', { name: 'New chat' }).click();
    await waitForPosted(page, 'new-chat');
    await page.locator('.model-button').click();
    assert.deepEqual(await waitForPosted(page, 'action'), { type: 'action', action: 'selectModel' });
  });

  it('ignores events of a conversation that is not on screen', async () => {
    await sendHost(page, init(), ev({ type: 'notice', message: 'other' }, 'c2'), ev({ type: 'notice', message: 'mine' }));
    await page.locator('.notice', { hasText: 'mine' }).waitFor();
    assert.equal(await page.locator('.notice', { hasText: 'other' }).count(), 0);
  });

  it('history: lists conversations, opens one, deletes one after confirming, Escape closes', async () => {
    const now = Date.now();
    await sendHost(page, init(), {
      type: 'history',
      history: [
        { id: 'c1', title: 'New chat', updatedAt: now, messageCount: 0 },
        { id: 'old', title: 'Refactor the loop', updatedAt: now - 3 * 3600_000, messageCount: 12 },
      ],
    });
    const toggle = page.getByRole('button', { name: 'Conversation history' });
    await toggle.click();
    const panel = page.locator('#fanout-history');
    await panel.waitFor();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.equal(await panel.locator('.history-open[aria-current="true"] .history-title').textContent(), 'New chat');
    assert.equal(await panel.locator('.history-item[data-id="old"] .history-meta').textContent(), '3 h ago · 12 messages');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Conversation history');

    await toggle.click();
    await panel.locator('.history-item[data-id="old"] .history-open').click();
    assert.deepEqual(await waitForPosted(page, 'open-conversation'), { type: 'open-conversation', id: 'old' });
    await panel.waitFor({ state: 'hidden' });

    await toggle.click();
    await panel.getByRole('button', { name: 'Delete conversation Refactor the loop' }).click();
    const confirm = panel.locator('.history-item[data-id="old"] .confirm-bar');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    assert.equal((await posted(page)).some((m) => m.type === 'delete-conversation'), false);
    await panel.getByRole('button', { name: 'Delete conversation Refactor the loop' }).click();
    await confirm.getByRole('button', { name: 'Delete' }).click();
    assert.deepEqual(await waitForPosted(page, 'delete-conversation'), { type: 'delete-conversation', id: 'old' });
  });

  it('approvals: one click per call, a reason as a secondary action, the answer goes once every call has one', async () => {
    await sendHost(page, init(), {
      type: 'approval-request',
      requestId: 'r1',
      calls: [
        { id: 'e1', name: 'apply_edit', summary: 'src/a.ts', access: 'write', arguments: '{"path":"src/a.ts","oldText":"a = 1\\n","newText":"a = 2\\n"}', why: 'setting', setting: 'edit' },
        { id: 't1', name: 'run_command', summary: 'rm -rf build', access: 'exec', arguments: '{"command":"rm -rf build && npm test"}', why: 'restricted', setting: 'command', agent: 'tests lane' },
      ],
    });
    const card = page.locator('.approval-card[data-request-id="r1"]');
    await card.waitFor();
    assert.equal(await page.locator('.approval-card').count(), 1);
    assert.equal(await card.locator('h2').textContent(), 'Allow 2 tool calls?');
    // Why it asks, what each call would do, and who asked.
    assert.deepEqual(await card.locator('.approval-why').allTextContents(), ['Asks because fanout.approval.edit is "ask".', 'Restricted Mode: this folder is not trusted, so commands always ask first.']);
    assert.deepEqual(await card.locator('[data-call-id="e1"] .diff-line').allTextContents(), ['−a = 1', '+a = 2']);
    assert.equal(await card.locator('[data-call-id="t1"] .command-line').textContent(), '$ rm -rf build && npm test');
    assert.equal(await card.locator('[data-call-id="t1"] .agent-badge').textContent(), 'tests lane');
    await card.getByRole('button', { name: 'Open diff' }).click();
    assert.deepEqual(await waitForPosted(page, 'approval-diff'), { type: 'approval-diff', requestId: 'r1', callId: 'e1' });

    await card.locator('[data-call-id="e1"]').getByRole('button', { name: 'Allow', exact: true }).click();
    assert.equal(await card.locator('[data-call-id="e1"] .decision-state').textContent(), 'Allowed');
    assert.equal((await posted(page)).some((m) => m.type === 'approval-response'), false, 'one call is still undecided');
    await card.locator('[data-call-id="t1"]').getByRole('button', { name: 'Deny with a reason…' }).click();
    const reason = card.getByLabel(/Reason for denying run_command/);
    await reason.fill('Do not delete the build folder');
    await reason.press('Enter');
    assert.deepEqual(await waitForPosted(page, 'approval-response'), {
      type: 'approval-response',
      requestId: 'r1',
      decisions: [
        { id: 'e1', allowed: true },
        { id: 't1', allowed: false, reason: 'Do not delete the build folder' },
      ],
    });
    await sendHost(page, { type: 'approval-closed', requestId: 'r1' });
    await card.waitFor({ state: 'detached' });

    // A single call: one click answers.
    await sendHost(page, { type: 'approval-request', requestId: 'r2', calls: [{ id: 'e2', name: 'apply_edit', summary: 'b.ts', access: 'write', arguments: '{}' }] });
    await page.locator('.approval-card[data-request-id="r2"]').getByRole('button', { name: 'Deny', exact: true }).click();
    assert.deepEqual(await waitForPosted(page, 'approval-response', 2), { type: 'approval-response', requestId: 'r2', decisions: [{ id: 'e2', allowed: false }] });

    // "Always allow edits in this workspace" (offered where safe) saves the setting and allows this card's edits.
    await sendHost(page, {
      type: 'approval-request',
      requestId: 'r3',
      calls: [
        { id: 'e3', name: 'apply_edit', summary: 'c.ts', access: 'write', arguments: '{}', why: 'setting', setting: 'edit', alwaysAllow: true },
        { id: 'r3a', name: 'read_file', summary: 'd.ts', access: 'read', arguments: '{}', why: 'setting', setting: 'read', alwaysAllow: true },
      ],
    });
    const r3 = page.locator('.approval-card[data-request-id="r3"]');
    await r3.getByRole('button', { name: 'Always allow edits in this workspace' }).click();
    assert.deepEqual(await waitForPosted(page, 'approval-always'), { type: 'approval-always', setting: 'edit' });
    await r3.getByRole('button', { name: 'Deny all' }).click();
    assert.deepEqual(await waitForPosted(page, 'approval-response', 3), {
      type: 'approval-response',
      requestId: 'r3',
      decisions: [
        { id: 'e3', allowed: true },
        { id: 'r3a', allowed: false },
      ],
    });
  });

  it('approvals: a fetch of a private network address says so, and offers no "Always allow"', async () => {
    await sendHost(page, init(), {
      type: 'approval-request',
      requestId: 'p1',
      calls: [{ id: 'f1', name: 'fetch_url', summary: 'http://localhost:3000/', access: 'read', arguments: '{"url":"http://localhost:3000/"}', why: 'private-network', note: 'localhost:3000 is 127.0.0.1, a private network address', setting: 'network', alwaysAllow: false }],
    });
    const card = page.locator('.approval-card[data-request-id="p1"]');
    await card.waitFor();
    assert.deepEqual(await card.locator('.approval-why').allTextContents(), ['Asks because localhost:3000 is 127.0.0.1, a private network address: such fetches always ask, whatever fanout.approval.network says.']);
    assert.equal(await card.locator('[data-call-id="f1"] .command-line').textContent(), 'GET http://localhost:3000/');
    assert.equal(await card.getByRole('button', { name: /Always allow/ }).count(), 0);
    await card.getByRole('button', { name: 'Allow', exact: true }).click();
    assert.deepEqual(await waitForPosted(page, 'approval-response'), { type: 'approval-response', requestId: 'p1', decisions: [{ id: 'f1', allowed: true }] });
  });

  it('changed files: diff, keep, undo, keep all, undo all', async () => {
    await sendHost(page, init(), {
      type: 'changed-files',
      files: [
        { path: 'src/agent/loop.ts', state: 'pending', additions: 12, deletions: 3 },
        { path: 'README.md', state: 'pending', additions: 1, deletions: 0 },
        { path: 'src/old.ts', state: 'kept', additions: 2, deletions: 2 },
      ],
    });
    const panel = page.locator('.changed-files');
    await panel.waitFor();
    assert.equal(await panel.locator('.count-badge').textContent(), '2');
    assert.equal(await panel.locator('[data-path="src/agent/loop.ts"] .diffstat').textContent(), '+12−3');
    assert.equal(await panel.locator('[data-path="src/old.ts"] .changed-state').textContent(), 'kept');
    await panel.getByRole('button', { name: 'Open diff of loop.ts' }).click();
    assert.deepEqual(await waitForPosted(page, 'open-diff'), { type: 'open-diff', path: 'src/agent/loop.ts' });
    await panel.getByRole('button', { name: 'Keep changes to loop.ts' }).click();
    assert.deepEqual(await waitForPosted(page, 'keep'), { type: 'keep', path: 'src/agent/loop.ts' });
    await panel.getByRole('button', { name: 'Undo changes to README.md' }).click();
    assert.deepEqual(await waitForPosted(page, 'undo'), { type: 'undo', path: 'README.md' });
    await panel.getByRole('button', { name: 'Keep all' }).click();
    assert.deepEqual(await waitForPosted(page, 'keep', 2), { type: 'keep' });
    await panel.getByRole('button', { name: 'Undo all' }).click();
    assert.deepEqual(await waitForPosted(page, 'undo', 2), { type: 'undo' });
    await sendHost(page, { type: 'changed-files', files: [] });
    await panel.waitFor({ state: 'hidden' });
  });

  it('composer: Enter sends, Shift+Enter is a newline, Up recalls, @ mentions attach files, attach chips are removable', async () => {
    await sendHost(page, init());
    const input = page.getByRole('textbox', { name: 'Message Fanout' });
    await input.click();
    await page.keyboard.type('first line');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('second');
    assert.equal(await input.inputValue(), 'first line\nsecond');
    await page.keyboard.press('Enter');
    assert.deepEqual(await waitForPosted(page, 'send'), { type: 'send', text: 'first line\nsecond', attachments: [] });
    assert.equal(await input.inputValue(), '');
    await page.keyboard.press('ArrowUp');
    assert.equal(await input.inputValue(), 'first line\nsecond');
    await page.keyboard.press('ArrowDown');
    assert.equal(await input.inputValue(), '');

    await page.keyboard.type('look at @sch');
    // One query per keystroke after the @: '', 's', 'sc', 'sch'.
    assert.deepEqual(await waitForPosted(page, 'mention-query', 4), { type: 'mention-query', query: 'sch' });
    await sendHost(page, { type: 'mention-results', query: 'sc', paths: ['stale.ts'] }, { type: 'mention-results', query: 'sch', paths: ['src/agent/scheduler.ts', 'test/unit/scheduler.test.ts'] });
    const popup = page.getByRole('listbox', { name: 'Files' });
    await popup.waitFor();
    assert.equal(await popup.getByRole('option').count(), 2);
    assert.equal(await input.getAttribute('aria-expanded'), 'true');
    await page.keyboard.press('ArrowDown');
    assert.equal(await popup.locator('[aria-selected="true"] .mention-name').textContent(), 'scheduler.test.ts');
    await page.keyboard.press('Enter');
    await popup.waitFor({ state: 'hidden' });
    assert.equal(await input.inputValue(), 'look at @test/unit/scheduler.test.ts ');
    assert.equal(await page.locator('.chip .chip-label').textContent(), 'scheduler.test.ts');

    await page.keyboard.type('@x');
    await waitForPosted(page, 'mention-query', 6);
    await sendHost(page, { type: 'mention-results', query: 'x', paths: ['x.ts'] });
    await popup.waitFor();
    await page.keyboard.press('Escape');
    await popup.waitFor({ state: 'hidden' });

    await sendHost(page, { type: 'attach', attachments: [{ kind: 'selection', path: 'src/loop.ts', startLine: 10, endLine: 20, text: 'code' }] });
    await page.locator('.chip-selection').waitFor();
    assert.equal(await page.locator('.chip-selection .chip-label').textContent(), 'loop.ts:10-20');
    await page.getByRole('button', { name: 'Remove attachment scheduler.test.ts' }).click();
    assert.equal(await page.locator('.chip').count(), 1);
    await input.focus();
    await page.keyboard.press('Enter');
    assert.deepEqual(await waitForPosted(page, 'send', 2), {
      type: 'send',
      text: 'look at @test/unit/scheduler.test.ts @x',
      attachments: [{ kind: 'selection', path: 'src/loop.ts', startLine: 10, endLine: 20, text: 'code' }],
    });
    assert.equal(await page.locator('.chip').count(), 0);
  });

  it('keeps the draft across a reload of the view (getState/setState)', async () => {
    await sendHost(page, init());
    await page.getByRole('textbox', { name: 'Message Fanout' }).fill('half-written question');
    const state = await page.evaluate(() => window.__state);
    // A new page load with the saved state: as VS Code does when the view is shown again.
    await page.addInitScript((s) => {
      Object.defineProperty(window, '__state', { value: s, writable: true });
    }, state);
    await page.reload();
    await waitForPosted(page, 'ready');
    assert.equal(await page.getByRole('textbox', { name: 'Message Fanout' }).inputValue(), 'half-written question');
  });

  it('errors in place with action buttons; retry lines; notices; max turns', async () => {
    await sendHost(page, init(), ev({ type: 'run-start', userText: 'hi', messageIndex: 0 }), ev({ type: 'turn-start', turn: 1 }));
    await sendHost(page, ev({ type: 'text-delta', turn: 1, text: 'half an answer' }));
    await page.locator('.assistant-text', { hasText: 'half an answer' }).waitFor();
    // The stream broke: what was shown of the turn goes, and a transient retry line says why and when.
    await sendHost(page, ev({ type: 'turn-reset', turn: 1 }), ev({ type: 'retry', turn: 1, attempt: 2, delayMs: 3200, reason: 'rate limit (HTTP 429): Too many requests' }));
    const retry = page.locator('.notice-retry');
    await retry.waitFor();
    assert.equal(await retry.textContent(), 'Rate limited (HTTP 429), retrying in 3.2 s (attempt 2)');
    assert.equal(await page.locator('.assistant-text', { hasText: 'half an answer' }).count(), 0);
    await sendHost(page, ev({ type: 'text-delta', turn: 1, text: 'ok' }));
    await retry.waitFor({ state: 'detached' });
    await sendHost(page, ev({ type: 'notice', message: 'The model does not support parallel tool calls.' }));
    await page.locator('.notice', { hasText: 'parallel tool calls' }).waitFor();

    await sendHost(page, ev({ type: 'done', status: 'error', text: 'Invalid API key.', turns: 1, usage: { inputTokens: 0, outputTokens: 0 }, errorKind: 'auth' }));
    await sendHost(page, { type: 'error', message: 'Invalid API key.', actions: ['setApiKey', 'showLog'] });
    const block = page.locator('.error-block');
    await block.getByRole('button', { name: 'Set API Key' }).waitFor();
    assert.equal(await block.count(), 1, 'the error joins the failed run in place');
    assert.equal(await block.getAttribute('role'), 'alert');
    await block.getByRole('button', { name: 'Set API Key' }).click();
    assert.deepEqual(await waitForPosted(page, 'action'), { type: 'action', action: 'setApiKey' });

    await sendHost(page, { type: 'error', message: 'Network unreachable.', actions: ['retry'] });
    await page.locator('.error-block', { hasText: 'Network unreachable.' }).getByRole('button', { name: 'Retry' }).click();
    assert.deepEqual(await waitForPosted(page, 'action', 2), { type: 'action', action: 'retry' });

    const limit = 'Stopped after 25 turns (the maxTurns limit) without a final answer.';
    await sendHost(page, ev({ type: 'run-start', userText: 'again', messageIndex: 2 }), ev({ type: 'done', status: 'max_turns', text: limit, turns: 25, usage: { inputTokens: 1, outputTokens: 1 } }));
    await page.locator('.notice-warning', { hasText: limit }).waitFor();
  });

  it('context: the header meter fills and changes colour, a compaction notice expands to its summary, /compact asks for one', async () => {
    await sendHost(page, init(), ev({ type: 'run-start', userText: 'review', messageIndex: 0 }), ev({ type: 'context', turn: 1, tokens: 20_000, window: 100_000 }));
    const meter = page.locator('.context-meter');
    await meter.waitFor();
    assert.equal(await meter.getAttribute('role'), 'meter');
    assert.equal(await meter.getAttribute('data-level'), 'ok');
    assert.equal(await meter.locator('.context-meter-label').textContent(), '20%');
    const okColour = await meter.locator('.context-meter-fill').evaluate((el) => getComputedStyle(el).backgroundColor);
    await sendHost(page, ev({ type: 'context', turn: 2, tokens: 90_000, window: 100_000 }));
    await page.locator('.context-meter[data-level="full"]').waitFor();
    assert.equal(await meter.getAttribute('aria-valuetext'), '90,000 of 100,000 tokens (90%)');
    assert.notEqual(await meter.locator('.context-meter-fill').evaluate((el) => getComputedStyle(el).backgroundColor), okColour);

    await sendHost(page, ev({ type: 'compact', turn: 2, beforeTokens: 90_000, afterTokens: 30_000, reason: 'threshold', summary: 'Read a.ts and b.ts; b needs a fix.' }));
    const notice = page.locator('.compact-notice');
    await notice.waitFor();
    assert.match((await notice.locator('summary').textContent()) ?? '', /Context compacted: 90,000 → 30,000 tokens/);
    assert.equal(await notice.locator('.compact-summary').isVisible(), false);
    await notice.locator('summary').click();
    await notice.locator('.compact-summary', { hasText: 'b needs a fix' }).waitFor();

    await sendHost(page, ev({ type: 'done', status: 'final', text: 'ok', turns: 2, usage: { inputTokens: 1, outputTokens: 1 } }));
    await page.getByRole('textbox', { name: 'Message Fanout' }).fill('/compact');
    await page.getByRole('textbox', { name: 'Message Fanout' }).press('Enter');
    assert.deepEqual(await waitForPosted(page, 'compact'), { type: 'compact' });
    assert.equal((await posted(page)).filter((m) => m.type === 'send').length, 0);

    // The rule files in the system prompt, and the Restricted Mode note when there are none.
    await sendHost(page, { type: 'rules', files: ['AGENTS.md', 'CLAUDE.md (cut)'] });
    await page.locator('.rules-in-use', { hasText: 'Rules: AGENTS.md, CLAUDE.md (cut)' }).waitFor();
    await sendHost(page, { type: 'rules', files: [], note: "Restricted Mode: the workspace's rule files (AGENTS.md and the like) are not loaded." });
    await page.locator('.rules-in-use', { hasText: 'No rule files' }).waitFor();
    assert.match((await page.locator('.rules-in-use').getAttribute('title')) ?? '', /Restricted Mode/);
  });

  it('redraws a conversation from its transcript: messages, tool cards, results, timeline; restore checkpoint', async () => {
    const conversation: ConversationView = {
      id: 'c9',
      title: 'Fix the tests',
      messages: [
        { role: 'user', text: 'Fix the failing test' },
        {
          role: 'assistant',
          text: 'Reading both files.',
          toolCalls: [
            { id: 'x1', name: 'read_file', arguments: '{"path":"a.ts"}' },
            { id: 'x2', name: 'read_file', arguments: '{"path":"missing.ts"}' },
          ],
          usage: { inputTokens: 1200, outputTokens: 80 },
        },
        { role: 'tool', results: [{ callId: 'x1', name: 'read_file', ok: true, content: 'export const a = 1;' }, { callId: 'x2', name: 'read_file', ok: false, content: 'Error (not_found): missing.ts does not exist' }] },
        { role: 'assistant', text: 'Done: `a` is **1**.', toolCalls: [] },
        { role: 'user', text: 'Thanks' },
        { role: 'assistant', text: 'You are welcome.', toolCalls: [] },
      ],
      batches: [
        {
          turn: 1,
          wallMs: 30,
          calls: [
            { id: 'x1', name: 'read_file', summary: 'a.ts', ok: true, state: 'done', ms: 12, startMs: 2, endMs: 14, early: true },
            { id: 'x2', name: 'read_file', summary: 'missing.ts', ok: false, state: 'failed', ms: 3, startMs: 4, endMs: 7, early: true, error: 'not_found' },
          ],
          streamEndMs: 20,
        },
      ],
      usage: { inputTokens: 3000, outputTokens: 200 },
      costUsd: 0.5,
      running: false,
    };
    await sendHost(page, init(), { type: 'conversation', conversation });
    await page.locator('.tool-card[data-call-id="x2"]').waitFor();
    assert.deepEqual(await page.locator('.user-text').allTextContents(), ['Fix the failing test', 'Thanks']);
    assert.deepEqual(await page.locator('.user-message').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.messageIndex)), ['0', '4']);
    assert.equal(await page.locator('.tool-card[data-call-id="x1"]').getAttribute('data-state'), 'done');
    assert.equal(await page.locator('.tool-card[data-call-id="x2"]').getAttribute('data-state'), 'failed');
    assert.equal(await page.locator('.tool-card[data-call-id="x2"] .tool-result').textContent(), 'Error (not_found): missing.ts does not exist');
    assert.equal(await page.locator('.tl-row').count(), 2);
    assert.equal(await page.locator('.turn').nth(1).locator('strong').textContent(), '1');
    assert.equal(await page.locator('.totals').textContent(), 'Σ 3.0k in · 200 out · ≈ $0.500');
    assert.equal(await page.locator('main[role=log]').getAttribute('aria-label'), 'Conversation: Fix the tests');

    const second = page.locator('.user-message[data-message-index="4"]');
    await second.hover();
    await second.getByRole('button', { name: /Restore checkpoint/ }).click();
    await second.locator('.confirm-bar').getByRole('button', { name: 'Restore files' }).click();
    assert.deepEqual(await waitForPosted(page, 'restore-checkpoint'), { type: 'restore-checkpoint', messageIndex: 4, conversation: false });
  });

  it('ignores malformed host messages with a console warning, and keeps working', async () => {
    await sendHost(page, init());
    await page.locator('.empty-state').waitFor();
    await sendHost(page, { type: 'event', conversationId: 'c1', event: { type: 'text-delta' } }, { nonsense: true }, 'a string', { type: 'changed-files', files: [{ path: '', state: 'pending', additions: 1, deletions: 0 }] });
    await sendHost(page, ev({ type: 'notice', message: 'still alive' }));
    await page.locator('.notice', { hasText: 'still alive' }).waitFor();
    assert.equal(view.warnings.filter((w) => w.includes('not part of the protocol')).length, 4);
    assert.equal(await page.locator('.changed-files').isVisible(), false);
  });

  it('follows the theme: light, dark and high contrast colours and focus outlines', async () => {
    await sendHost(page, init(), ...parallelBatch(), ev({ type: 'done', status: 'final', text: 'ok', turns: 1, usage: { inputTokens: 1, outputTokens: 1 } }));
    await page.locator('.run-status').waitFor();
    const style = (sel: string, prop: string) => page.locator(sel).first().evaluate((el, p) => getComputedStyle(el).getPropertyValue(p), prop);
    const dark = { body: await style('body', 'background-color'), fg: await style('body', 'color'), bar: await style('.tl-run', 'background-color') };
    assert.equal(dark.body, 'rgb(24, 24, 24)');
    await setTheme(page, 'vscode-light');
    assert.equal(await style('body', 'background-color'), 'rgb(248, 248, 248)');
    assert.equal(await style('body', 'color'), 'rgb(59, 59, 59)');
    assert.notEqual(await style('.tl-run', 'background-color'), dark.bar);

    await setTheme(page, 'vscode-high-contrast');
    assert.equal(await style('body', 'background-color'), 'rgb(0, 0, 0)');
    assert.equal(await style('.batch', 'border-top-color'), 'rgb(111, 195, 223)', 'contrastBorder around groups');
    // Keyboard focus is visible: the contrastActiveBorder outline on the focused control.
    await page.locator('.model-button').focus();
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const cs = getComputedStyle(el);
      return { label: el.getAttribute('aria-label'), outline: `${cs.outlineStyle} ${cs.outlineColor}` };
    });
    assert.equal(focused.label, 'Conversation history');
    assert.equal(focused.outline, 'solid rgb(243, 133, 24)');
    // Lighter waiting segments become dashed outlines in high contrast (opacity alone is not enough there).
    assert.equal(await style('.tl-row[data-call-id="call_d"] .tl-wait', 'border-top-style'), 'dashed');
  });
});
