// What survives "Developer: Reload Window" in the real workbench: the chat, its Changed files list (pending and
// decided files, with the originals Undo needs), the message's checkpoint, the draft in the prompt box, and each
// chat's own model.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadHost } from '../integration/hostApi';
import { HELLO_ANSWER, REVIEW_EDITS, REVIEW_PROMPT } from '../integration/scenarioData';
import { openChatFromActivityBar, reloadWindow, sendMessage, showChat, screenshotOnFailure, startWorkbenchSession, waitUntil, type WorkbenchSession } from './workbenchSession';

const DRAFT = 'half-written follow-up, not sent yet';

describe('Fanout in the VS Code workbench: a window reload', function () {
  this.timeout(120_000);
  let s: WorkbenchSession;
  const originals: Record<string, string> = {};
  const [math, greet, config] = REVIEW_EDITS.map((e) => e.path) as [string, string, string];
  const row = (p: string) => s.chat.locator(`.changed-file[data-path="${p}"]`);

  before(async function () {
    this.timeout(600_000);
    s = await startWorkbenchSession({ env: { OPENAI_API_KEY: 'sk-e2e-env-key-00000000' } });
    for (const e of REVIEW_EDITS) originals[e.path] = s.readFile(e.path);
    await openChatFromActivityBar(s);
  });

  afterEach(async function () {
    await screenshotOnFailure(s, this.currentTest);
  });

  after(async () => {
    await s?.stop();
  });

  it('before: the agent edits three files, one is kept, a draft is typed', async () => {
    await sendMessage(s, REVIEW_PROMPT);
    await s.chat.locator('.assistant-text', { hasText: 'in one batch' }).waitFor({ timeout: 90_000 });
    await s.chat.locator('.changed-files .changed-file[data-state="pending"]').nth(REVIEW_EDITS.length - 1).waitFor();
    await row(greet).locator('.changed-keep').click();
    await row(greet).and(s.chat.locator('[data-state="kept"]')).waitFor();
  });

  it('each chat keeps its model: a new chat gets another one, the first chat still shows and uses its own', async () => {
    await s.chat.locator('button[aria-label="New chat"]').click();
    await s.chat.locator('.empty-title').waitFor();
    await selectModelByName(s, 'gpt-other');
    await header('openai · gpt-other');
    const before = s.model.chatRequests.length;
    await sendMessage(s, '[scenario:hello] in the second chat');
    await s.chat.locator('.assistant-text', { hasText: HELLO_ANSWER }).waitFor();
    assert.equal(s.model.chatRequests[before]?.body.model, 'gpt-other');

    await openFromHistory(REVIEW_PROMPT.slice(0, 40));
    await s.chat.locator('.user-message .user-text', { hasText: REVIEW_PROMPT }).waitFor();
    await header('openai · gpt-fake-e2e');
    await s.chat.locator('.prompt-input').fill(DRAFT);
  });

  it('after the reload: the chat, the Changed files list, the checkpoint and the draft are back', async function () {
    this.timeout(240_000); // a reload under load: the workbench, then the extension host and the webview, start again
    await reloadWindow(s);
    await showChat(s);
    await s.chat.locator('.user-message .user-text', { hasText: REVIEW_PROMPT }).waitFor();
    await s.chat.locator('.assistant-text', { hasText: 'in one batch' }).waitFor();
    await row(math).and(s.chat.locator('[data-state="pending"]')).waitFor();
    await row(config).and(s.chat.locator('[data-state="pending"]')).waitFor();
    await row(greet).and(s.chat.locator('[data-state="kept"]')).waitFor();
    assert.equal(await s.chat.locator('.user-message .restore-checkpoint').count(), 1, 'the message still has its checkpoint');
    assert.equal(await s.chat.locator('.prompt-input').inputValue(), DRAFT, 'the draft survived the reload');
    // The settings now name the second chat's model; this chat still has its own.
    assert.match(readFileSync(path.join(s.server.userDataDir, 'User/settings.json'), 'utf8'), /"fanout.model": "gpt-other"/);
    await header('openai · gpt-fake-e2e');
  });

  it('Undo after the reload still puts the original back', async () => {
    await row(config).locator('.changed-undo').click();
    await row(config).and(s.chat.locator('[data-state="undone"]')).waitFor();
    assert.equal(s.readFile(config), originals[config], 'the original came from the saved review state');
    assert.notEqual(s.readFile(math), originals[math]);
  });

  it('Restore checkpoint after the reload puts every file back, the kept one too', async () => {
    const message = s.chat.locator('.user-message').last();
    await message.hover();
    await message.locator('.restore-checkpoint').click();
    await message.locator('.confirm-bar button', { hasText: 'Restore files' }).click();
    for (const e of REVIEW_EDITS) await waitUntil(`${e.path} restored`, () => s.readFile(e.path) === originals[e.path]);
  });

  it('switching chats after the reload switches the model, and each request uses the model of its chat', async () => {
    await openFromHistory('in the second chat');
    await header('openai · gpt-other');
    await openFromHistory(REVIEW_PROMPT.slice(0, 40));
    await header('openai · gpt-fake-e2e');
    const before = s.model.chatRequests.length;
    const answers = s.chat.locator('.assistant-text', { hasText: HELLO_ANSWER });
    await sendMessage(s, '[scenario:hello] back in the first chat');
    await answers.first().waitFor();
    assert.equal(s.model.chatRequests[before]?.body.model, 'gpt-fake-e2e');
  });

  const header = (text: string) => s.chat.locator('.model-name', { hasText: text }).waitFor();

  async function openFromHistory(title: string): Promise<void> {
    await s.chat.locator('button[aria-label="Conversation history"]').click();
    await s.chat.locator('.history-open', { hasText: title }).click();
    await s.chat.locator('.history-panel').waitFor({ state: 'hidden' });
  }
});

/** "Fanout: Select Model", then "Enter a model name…" and the name, as a user would type it. */
async function selectModelByName(s: WorkbenchSession, name: string): Promise<void> {
  const { runCommandFromPalette } = await loadHost();
  await runCommandFromPalette(s.page, 'Fanout: Select Model');
  const quick = s.page.locator('.quick-input-widget');
  await quick.locator('.quick-input-title', { hasText: 'Fanout: Select Model' }).waitFor();
  // The list is drawn again when the provider's models arrive (the fake lists "gpt-fake"): click after that.
  await quick.locator('.quick-input-list .monaco-list-row').filter({ has: s.page.getByText('gpt-fake', { exact: true }) }).waitFor();
  await quick.locator('.quick-input-list .monaco-list-row', { hasText: 'Enter a model name' }).click();
  await quick.locator('.quick-input-title', { hasText: 'Model name for' }).waitFor();
  await quick.locator('input').first().fill(name);
  await quick.locator('input').first().press('Enter');
  await quick.waitFor({ state: 'hidden' });
}
