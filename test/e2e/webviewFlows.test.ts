// First run, queueing and review flows of the chat webview in a real browser, driven by a scripted host: the setup
// screen (keys never enter the page), messages typed before setup or during a run, errors that go once fixed,
// attachments as chips, restore with or without the conversation, a test run that exited non-zero.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { HostMessage, SetupState } from '../../src/shared/protocol';
import { clippedButtons, contrastProblems, horizontalOverflow } from './pageChecks';
import { ev, init } from './webviewFixtures';
import { posted, sendHost, setTheme, waitForPosted, useWebviewPage } from './webviewPage';


const providers = (openaiKey: 'none' | 'secret' = 'none'): SetupState['providers'] => [
  { id: 'openai', label: 'OpenAI', needsKey: true, keySource: openaiKey, env: 'OPENAI_API_KEY' },
  { id: 'anthropic', label: 'Anthropic', needsKey: true, keySource: 'none', env: 'ANTHROPIC_API_KEY' },
  { id: 'gemini', label: 'Gemini', needsKey: true, keySource: 'none', env: 'GEMINI_API_KEY' },
  { id: 'openai-compatible', label: 'OpenAI-compatible server', needsKey: false, keySource: 'none' },
];
const setupState = (patch: Partial<SetupState> = {}): HostMessage => ({
  type: 'setup',
  state: { needed: true, provider: 'openai', model: '', baseUrl: '', providers: providers(), lmModels: ['copilot/gpt-4o', 'copilot/claude-sonnet'], problem: 'No API key for OpenAI yet.', ...patch },
});

describe('chat webview: setup, queue and review flows', function () {
  this.timeout(60_000);
  const view = useWebviewPage({ viewport: { width: 300, height: 760 } });
  let page: Page;
  beforeEach(() => {
    page = view.page;
  });

  it('setup screen: provider choice (VS Code models first), key through VS Code, models, test, save; the typed message waits and goes after', async () => {
    await sendHost(page, init(), setupState());
    const setup = page.locator('.setup');
    await setup.waitFor();
    assert.equal(await page.locator('.conversation-wrap').isVisible(), false, 'no ready-looking chat that would fail');
    assert.deepEqual(await setup.locator('.setup-choice-name').allTextContents(), ['VS Code language models', 'OpenAI', 'Anthropic', 'Gemini', 'OpenAI-compatible server']);
    assert.equal(await setup.locator('input[value="openai"]').isChecked(), true);
    assert.equal(await setup.locator('input[type=password]').count(), 0, 'the key is never typed into the webview');

    // Typed before setup: queued, not lost.
    const input = page.getByRole('textbox', { name: 'Message Fanout' });
    await input.fill('Explain the scheduler');
    await input.press('Enter');
    await page.locator('.queued-item', { hasText: 'Explain the scheduler' }).waitFor();
    assert.equal((await posted(page)).some((m) => m.type === 'send'), false);

    await setup.getByRole('button', { name: 'Enter API key…' }).click();
    assert.deepEqual(await waitForPosted(page, 'setup-key'), { type: 'setup-key', provider: 'openai' });
    await sendHost(page, setupState({ providers: providers('secret'), problem: undefined, needed: true }));
    await setup.locator('.setup-key-state', { hasText: 'API key stored' }).waitFor();

    await setup.getByRole('button', { name: /Fetch/ }).click();
    assert.deepEqual(await waitForPosted(page, 'setup-models'), { type: 'setup-models', provider: 'openai' });
    await sendHost(page, { type: 'setup-result', op: 'models', ok: true, message: '2 models', models: ['gpt-4.1', 'gpt-4.1-mini'] });
    assert.deepEqual(await setup.locator('datalist option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)), ['gpt-4.1', 'gpt-4.1-mini']);
    await setup.getByLabel('Model (optional)').fill('gpt-4.1-mini');
    await setup.getByRole('button', { name: 'Test connection' }).click();
    assert.deepEqual(await waitForPosted(page, 'setup-test'), { type: 'setup-test', provider: 'openai', model: 'gpt-4.1-mini' });
    await sendHost(page, { type: 'setup-result', op: 'test', ok: true, message: 'Connected to OpenAI (2 models).' });
    await setup.locator('.setup-status[data-kind="ok"]', { hasText: 'Connected' }).waitFor();

    // An OpenAI-compatible server asks for its base URL; a failed test says why.
    await setup.locator('label[for="fanout-setup-openai-compatible"]').click();
    await setup.getByLabel('Base URL').fill('http://localhost:11434/v1');
    await setup.getByRole('button', { name: 'Test connection' }).click();
    assert.deepEqual(await waitForPosted(page, 'setup-test', 2), { type: 'setup-test', provider: 'openai-compatible', model: 'gpt-4.1-mini', baseUrl: 'http://localhost:11434/v1' });
    await sendHost(page, { type: 'setup-result', op: 'test', ok: false, message: 'Could not reach the server: ECONNREFUSED' });
    await setup.locator('.setup-status[data-kind="error"]', { hasText: 'ECONNREFUSED' }).waitFor();
    await setup.locator('label[for="fanout-setup-openai"]').click();

    assert.deepEqual(await horizontalOverflow(page, ['.setup', '.composer']), []);
    assert.deepEqual(await clippedButtons(page), []);
    for (const theme of ['vscode-light', 'vscode-dark', 'vscode-high-contrast'] as const) {
      await setTheme(page, theme);
      assert.deepEqual(await contrastProblems(page), [], `${theme} contrast`);
    }

    await setup.getByRole('button', { name: 'Save and start' }).click();
    assert.deepEqual(await waitForPosted(page, 'setup-save'), { type: 'setup-save', provider: 'openai', model: 'gpt-4.1-mini' });
    await sendHost(page, setupState({ needed: false, providers: providers('secret'), problem: undefined, model: 'gpt-4.1-mini' }));
    await setup.waitFor({ state: 'hidden' });
    // The message typed before setup goes now.
    assert.deepEqual(await waitForPosted(page, 'send'), { type: 'send', text: 'Explain the scheduler', attachments: [] });
    await page.locator('.queued-item').waitFor({ state: 'detached' });
  });

  it('an error card goes once its problem is fixed', async () => {
    await sendHost(page, init(), { type: 'error', message: 'No API key for OpenAI.', actions: ['setApiKey'], kind: 'missing_key' }, { type: 'error', message: 'Network down.', actions: ['retry'], kind: 'network' });
    await page.locator('.error-block').nth(1).waitFor();
    await sendHost(page, { type: 'clear-errors', kinds: ['missing_key', 'auth'] });
    await page.locator('.error-block', { hasText: 'No API key' }).waitFor({ state: 'detached' });
    assert.equal(await page.locator('.error-block', { hasText: 'Network down.' }).count(), 1, 'other errors stay');
  });

  it('a message typed during a run is queued and sent when the run ends; it can be taken back', async () => {
    await sendHost(page, init(), ev({ type: 'run-start', userText: 'first', messageIndex: 0 }));
    await page.locator('.stop-button').waitFor();
    const input = page.getByRole('textbox', { name: 'Message Fanout' });
    await input.fill('second');
    await input.press('Enter');
    await input.fill('third');
    await input.press('Enter');
    await page.locator('.queued-item').nth(1).waitFor();
    await page.getByRole('button', { name: 'Remove queued message third' }).click();
    assert.equal(await page.locator('.queued-item').count(), 1);
    assert.equal((await posted(page)).some((m) => m.type === 'send'), false, 'nothing is sent while the run goes on');
    await sendHost(page, ev({ type: 'done', status: 'final', text: 'ok', turns: 1, usage: { inputTokens: 1, outputTokens: 1 } }));
    assert.deepEqual(await waitForPosted(page, 'send'), { type: 'send', text: 'second', attachments: [] });
    await page.locator('.queued-item').waitFor({ state: 'detached' });
  });

  it('attachments show as chips in the sent message, not as pasted text', async () => {
    const userText = 'What does this do?\n\nSelection from src/greet.js (lines 1-5):\n```js\nfunction greet() {}\n```\n\nFile README.md:\n```md\n# Hi\n```';
    await sendHost(page, init(), ev({ type: 'run-start', userText, messageIndex: 0 }));
    const message = page.locator('.user-message');
    await message.waitFor();
    assert.equal(await message.locator('.user-text').textContent(), 'What does this do?');
    assert.deepEqual(await message.locator('.user-chips .chip-label').allTextContents(), ['src/greet.js (lines 1-5)', 'README.md']);
  });

  it('restore checkpoint asks: files only, or files and conversation; the rewound message returns to the prompt box', async () => {
    await sendHost(page, init(), ev({ type: 'run-start', userText: 'Rename the helper', messageIndex: 0 }), ev({ type: 'done', status: 'final', text: 'ok', turns: 1, usage: { inputTokens: 1, outputTokens: 1 } }));
    const message = page.locator('.user-message');
    await message.hover();
    await message.getByRole('button', { name: /Restore checkpoint/ }).click();
    await message.locator('.confirm-bar').getByRole('button', { name: 'Files and conversation' }).click();
    assert.deepEqual(await waitForPosted(page, 'restore-checkpoint'), { type: 'restore-checkpoint', messageIndex: 0, conversation: true });
    await sendHost(page, { type: 'draft', text: 'Rename the helper' });
    await page.waitForFunction(() => (document.querySelector('.prompt-input') as HTMLTextAreaElement).value === 'Rename the helper');
  });

  it('a new chat says when the previous one still has changes to review', async () => {
    await sendHost(page, init(), { type: 'unreviewed', conversationId: 'old', title: 'Fix the loop', count: 3 });
    const notice = page.locator('.unreviewed');
    await notice.waitFor();
    assert.equal(await notice.locator('span').first().textContent(), '3 changed files from “Fix the loop” still wait for Keep or Undo.');
    await notice.getByRole('button', { name: 'Open that chat' }).click();
    assert.deepEqual(await waitForPosted(page, 'open-conversation'), { type: 'open-conversation', id: 'old' });
  });

  it('a test run that exited non-zero shows as failed, not done', async () => {
    const call = { id: 't1', name: 'run_tests', arguments: '{}' };
    const result = { callId: 't1', name: 'run_tests', ok: true, content: '$ npm test\nexit code 1 after 2.0 s\n1 failing' };
    await sendHost(page, init(), ev({ type: 'run-start', userText: 'test', messageIndex: 0 }), ev({ type: 'tool-call', turn: 1, call, summary: 'npm test', atMs: 1 }));
    await sendHost(page, ev({ type: 'tool-update', turn: 1, update: { callId: 't1', name: 'run_tests', summary: 'npm test', state: 'done', atMs: 2000, durationMs: 1990, result } }));
    const card = page.locator('.tool-card[data-call-id="t1"]');
    await card.and(page.locator('[data-state="failed"]')).waitFor();
    assert.equal(await card.locator('.state-badge').getAttribute('title'), 'Failed (exit code)');
  });
});
