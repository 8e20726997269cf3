// The chat as users meet it: the real VS Code workbench (code-server) in headless chromium, Fanout loaded in its
// extension host, the chat webview driven by clicks and typing, the model a scripted fake over the OpenAI wire.
// One workbench for the whole file; the tests run in order and build on each other (like a user session).
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadHost } from '../integration/hostApi';
import { HELLO_ANSWER, REVIEW_EDITS, REVIEW_PROMPT } from '../integration/scenarioData';
import { openChatFromActivityBar, screenshotSidebar, sendMessage, screenshotOnFailure, startWorkbenchSession, waitUntil, type WorkbenchSession } from './workbenchSession';
const SENTINEL_KEY = 'sk-sentinel-e2e-4f9a1c7d2b';

interface Observed {
  texts: string[];
  maxRunning: number;
}

/** Records, on every DOM change of the chat, the latest assistant text and how many tool cards are running. */
async function observeChat(s: WorkbenchSession): Promise<void> {
  await s.chat.locator('body').evaluate(() => {
    const w = window as unknown as { __observed: Observed; __observer?: MutationObserver };
    w.__observer?.disconnect();
    w.__observed = { texts: [], maxRunning: 0 };
    w.__observer = new MutationObserver(() => {
      const texts = document.querySelectorAll('.assistant-text');
      const last = texts[texts.length - 1]?.textContent ?? '';
      const seen = w.__observed.texts;
      if (last && seen[seen.length - 1] !== last) seen.push(last);
      w.__observed.maxRunning = Math.max(w.__observed.maxRunning, document.querySelectorAll('.tool-card[data-state="running"]').length);
    });
    w.__observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

const observed = (s: WorkbenchSession): Promise<Observed> => s.chat.locator('body').evaluate(() => (window as unknown as { __observed: Observed }).__observed);

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('Fanout in the VS Code workbench', function () {
  this.timeout(120_000);
  let s: WorkbenchSession;
  const originals: Record<string, string> = {};

  before(async function () {
    this.timeout(600_000); // a cold machine installs the host first (test/host/setup.mjs)
    s = await startWorkbenchSession({ env: { OPENAI_API_KEY: 'sk-e2e-env-key-00000000' } });
    for (const e of REVIEW_EDITS) originals[e.path] = s.readFile(e.path);
  });

  afterEach(async function () {
    await screenshotOnFailure(s, this.currentTest);
  });

  after(async () => {
    await s?.stop();
  });

  it('opens the chat from the activity bar', async () => {
    await openChatFromActivityBar(s);
    await s.chat.locator('.empty-title', { hasText: 'Ask Fanout about your code' }).waitFor();
    await s.chat.locator('.model-name', { hasText: 'openai · gpt-fake-e2e' }).waitFor();
  });

  it('streams the answer into the chat as it arrives', async () => {
    await observeChat(s);
    await sendMessage(s, '[scenario:slow-hello]');
    await s.chat.locator('.user-message .user-text', { hasText: '[scenario:slow-hello]' }).waitFor();
    await s.chat.locator('.assistant-text', { hasText: HELLO_ANSWER }).waitFor();
    const { texts } = await observed(s);
    const partial = texts.filter((t) => t.length > 0 && t.length < HELLO_ANSWER.length);
    assert.ok(partial.length >= 2, `expected the text to grow in steps, saw: ${JSON.stringify(texts)}`);
    for (const t of partial) assert.ok(HELLO_ANSWER.startsWith(t.trim()), `partial text is not a prefix: ${t}`);
  });

  it('shows a parallel batch: tool cards, a live timeline, overlapping calls, then the edits for review', async () => {
    await s.chat.locator('button[aria-label="New chat"]').click();
    await s.chat.locator('.empty-title').waitFor();
    await observeChat(s);
    await sendMessage(s, REVIEW_PROMPT);

    const first = s.chat.locator('.batch').first();
    await first.locator('.tool-card').nth(6).waitFor();
    await s.chat.locator('.assistant-text', { hasText: 'in one batch' }).waitFor({ timeout: 90_000 });
    assert.equal(await first.locator('.tool-card').count(), 7);
    assert.equal(await first.locator('.tool-card[data-state="done"]').count(), 7);
    assert.equal(await first.locator('.timeline .tl-row').count(), 7, 'one timeline row per call');
    // The two run_tests probes finish only by meeting each other, so both cards were running at once.
    assert.ok((await observed(s)).maxRunning >= 2, 'never saw two calls running at the same time');
    // "of tool time" shows only when tools outran the batch's wall clock, which depends on how long the model took
    // to stream on a loaded machine: the overlap itself is proven by maxRunning above, so only the totals are asserted.
    assert.match((await first.locator('.batch-stats').textContent()) ?? '', /^7 calls · .* wall/, 'batch totals show the call count and wall time');

    const edits = s.chat.locator('.batch').nth(1);
    assert.equal(await edits.locator('.tool-card[data-state="done"]').count(), REVIEW_EDITS.length);
    await s.chat.locator('.assistant-text code', { hasText: 'subtract(5, 3)' }).waitFor();
    for (const e of REVIEW_EDITS) assert.equal(s.readFile(e.path), originals[e.path].replace(e.oldText, e.newText));
    const changed = s.chat.locator('.changed-files .changed-file[data-state="pending"]');
    await changed.nth(REVIEW_EDITS.length - 1).waitFor();
    assert.equal(await changed.count(), REVIEW_EDITS.length);

    // The README's picture, at the side bar's default width: from the question down, timeline and cards in view.
    await s.chat.locator('.user-message').last().evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await screenshotSidebar(s, 'chat-batch-300px.png');
  });

  it('undoes one file and keeps another from the changed-files list', async () => {
    const [math, greet, config] = REVIEW_EDITS.map((e) => e.path);
    const row = (p: string) => s.chat.locator(`.changed-file[data-path="${p}"]`);
    await row(config).locator('.changed-undo').click();
    await row(config).and(s.chat.locator('[data-state="undone"]')).waitFor();
    assert.equal(s.readFile(config), originals[config], 'Undo put the original text back on disk');
    await row(greet).locator('.changed-keep').click();
    await row(greet).and(s.chat.locator('[data-state="kept"]')).waitFor();
    assert.notEqual(s.readFile(greet), originals[greet], 'Keep leaves the edit in place');
    assert.notEqual(s.readFile(math), originals[math]);
  });

  it('restores the checkpoint of a message: every file the agent changed after it goes back', async () => {
    const message = s.chat.locator('.user-message').last();
    await message.hover();
    await message.locator('.restore-checkpoint').click();
    await message.locator('.confirm-bar button', { hasText: 'Restore' }).click();
    for (const e of REVIEW_EDITS) {
      await waitUntil(`${e.path} restored`, () => s.readFile(e.path) === originals[e.path]);
    }
  });

  it('stops a running batch from the chat, and the tool process ends', async () => {
    const marker = path.join(tmpdir(), `fanout-e2e-hang-${process.pid}.pid`);
    rmSync(marker, { force: true });
    await sendMessage(s, `[scenario:hang] marker=${marker}`);
    await waitUntil('the test process to start', () => existsSync(marker));
    const pid = Number(readFileSync(marker, 'utf8'));
    const stop = s.chat.locator('.stop-button');
    await stop.waitFor();
    await stop.click();
    await s.chat.locator('.tool-card[data-state="cancelled"]').first().waitFor();
    await stop.waitFor({ state: 'hidden' });
    await waitUntil(`process ${pid} to end`, () => !alive(pid));
    rmSync(marker, { force: true });
  });

  it('starts a new chat', async () => {
    await s.chat.locator('button[aria-label="New chat"]').click();
    await s.chat.locator('.empty-title').waitFor();
    assert.equal(await s.chat.locator('.user-message').count(), 0);
    await sendMessage(s, '[scenario:hello]');
    await s.chat.locator('.assistant-text', { hasText: HELLO_ANSWER }).waitFor();
  });

  it('adds the editor selection to the chat, and the model receives it', async () => {
    const { runCommandFromPalette } = await loadHost();
    await s.page.keyboard.press('Control+P');
    await s.page.locator('.quick-input-widget input').fill('greet.js');
    await s.page.locator('.quick-input-list .monaco-list-row', { hasText: 'greet.js' }).first().waitFor();
    await s.page.keyboard.press('Enter');
    const editor = s.page.locator('.editor-instance .monaco-editor', { hasText: 'function greet' });
    await editor.waitFor();
    await editor.locator('.view-lines').click();
    await s.page.keyboard.press('Control+A');
    await runCommandFromPalette(s.page, 'Fanout: Add Selection to Chat');
    await s.chat.locator('.chip-selection', { hasText: 'greet.js' }).waitFor();

    const before = s.model.chatRequests.length;
    const answers = s.chat.locator('.assistant-text', { hasText: HELLO_ANSWER });
    const answered = await answers.count();
    await sendMessage(s, '[scenario:hello] what does this do?');
    await answers.nth(answered).waitFor();
    const messages = s.model.chatRequests[before].body.messages as { role: string; content: string }[];
    const sent = messages.filter((m) => m.role === 'user').pop()?.content ?? '';
    assert.match(sent, /Selection from src\/greet\.js \(lines 1-5\):/);
    assert.ok(sent.includes(s.readFile('src/greet.js').trimEnd()), 'the selected text reaches the model');
  });

  it('stores a key typed into "Fanout: Set API Key", uses it, and never shows or logs it', async () => {
    const { runCommandFromPalette } = await loadHost();
    await runCommandFromPalette(s.page, 'Fanout: Set API Key');
    const quick = s.page.locator('.quick-input-widget');
    await quick.locator('.quick-input-list .monaco-list-row', { hasText: 'OpenAI' }).first().click();
    await quick.locator('input[type="password"]').waitFor();
    await quick.locator('input[type="password"]').fill(SENTINEL_KEY);
    await quick.locator('input[type="password"]').press('Enter');
    await quick.waitFor({ state: 'hidden' });

    const before = s.model.chatRequests.length;
    const answers = s.chat.locator('.assistant-text', { hasText: HELLO_ANSWER });
    const answered = await answers.count();
    await sendMessage(s, '[scenario:hello] with the stored key');
    await answers.nth(answered).waitFor();
    assert.equal(s.model.chatRequests[before]?.headers.authorization, `Bearer ${SENTINEL_KEY}`, 'the key from SecretStorage is used');

    await sendMessage(s, '[scenario:echo-key]');
    const error = s.chat.locator('.error-block').last();
    await error.waitFor();
    assert.ok(!((await error.textContent()) ?? '').includes(SENTINEL_KEY), 'the error in the chat shows the key');
    assert.ok(!((await s.chat.locator('body').textContent()) ?? '').includes(SENTINEL_KEY), 'the chat shows the key');
    const log = s.fanoutLog();
    assert.match(log, /activated/, 'the Fanout log was found');
    assert.ok(!log.includes(SENTINEL_KEY), 'the Fanout log contains the key');
    assert.ok(!existsSync(path.join(s.workspaceDir, '.vscode/settings.json')) || !readFileSync(path.join(s.workspaceDir, '.vscode/settings.json'), 'utf8').includes(SENTINEL_KEY));
    assert.ok(!readFileSync(path.join(s.server.userDataDir, 'User/settings.json'), 'utf8').includes(SENTINEL_KEY), 'the key is not in the settings');
  });

  it('lists a deleted and a renamed file in Changed files, and Undo all brings both back', async () => {
    await s.chat.locator('button[aria-label="New chat"]').click();
    await s.chat.locator('.empty-title').waitFor();
    const original = { readme: s.readFile('README.md'), greet: s.readFile('src/greet.js') };
    await sendMessage(s, '[scenario:file-ops] del=README.md from=src/greet.js to=src/hello.js');
    await s.chat.locator('.assistant-text', { hasText: 'Deleted one file and renamed another.' }).waitFor();
    const file = (rel: string) => path.join(s.workspaceDir, rel);
    assert.ok(!existsSync(file('README.md')) && !existsSync(file('src/greet.js')), 'deleted, and renamed away');
    assert.equal(s.readFile('src/hello.js'), original.greet);
    // A rename is reviewed as its old name deleted and its new name created.
    const rows = s.chat.locator('.changed-files .changed-file[data-state="pending"]');
    await rows.nth(2).waitFor();
    assert.deepEqual((await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-path')))).sort(), ['README.md', 'src/greet.js', 'src/hello.js']);
    await s.chat.locator('.changed-files .undo-all').click();
    await s.chat.locator('.changed-files .changed-file[data-state="undone"]').nth(2).waitFor();
    await waitUntil('the files back', () => existsSync(file('README.md')) && existsSync(file('src/greet.js')) && !existsSync(file('src/hello.js')));
    assert.deepEqual({ readme: s.readFile('README.md'), greet: s.readFile('src/greet.js') }, original);
  });
});
