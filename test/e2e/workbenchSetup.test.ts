// First run in the real workbench: no provider setting, no key anywhere. The chat shows the setup screen, a message
// typed meanwhile waits; the user picks an OpenAI-compatible server (the fake model), gives its URL and a key through
// VS Code's password box, tests the connection, saves, and the waiting message goes out and is answered.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { HELLO_ANSWER } from '../integration/scenarioData';
import { API_KEY_ENV } from '../../src/providers';
import { openChatFromActivityBar, screenshotSidebar, screenshotOnFailure, startWorkbenchSession, waitUntil, type WorkbenchSession } from './workbenchSession';

const KEY = 'sk-setup-e2e-7d3f0a9c51';
/** No key from the environment either: every provider's variable is set empty (an empty key counts as none). */
const NO_KEYS = Object.fromEntries(Object.values(API_KEY_ENV).flatMap((v) => (v ? [[v, '']] : [])));

describe('Fanout in the VS Code workbench: first run', function () {
  this.timeout(120_000);
  let s: WorkbenchSession;

  before(async function () {
    this.timeout(600_000);
    s = await startWorkbenchSession({ env: NO_KEYS, settings: { 'fanout.provider': undefined, 'fanout.baseUrl': undefined, 'fanout.model': undefined } });
  });

  afterEach(async function () {
    await screenshotOnFailure(s, this.currentTest);
  });

  after(async () => {
    await s?.stop();
  });

  it('shows the setup screen instead of a prompt that would fail, and keeps a message typed meanwhile', async () => {
    await openChatFromActivityBar(s);
    const setup = s.chat.locator('.setup');
    await setup.waitFor();
    assert.equal(await setup.locator('.setup-problem').textContent(), 'No API key for OpenAI yet.');
    assert.equal(await s.chat.locator('.conversation-wrap').isVisible(), false, 'the conversation gives way to the setup screen');
    const input = s.chat.locator('.prompt-input');
    await input.fill('[scenario:hello] typed before setup');
    await input.press('Enter');
    await s.chat.locator('.queued-item', { hasText: 'typed before setup' }).waitFor();
    assert.equal(await s.chat.locator('.queued-label').textContent(), 'After setup:');
    assert.equal(s.model.chatRequests.length, 0, 'nothing reached a model before setup');
    await screenshotSidebar(s, 'setup-300px.png');
  });

  it('takes a provider, its URL and key, tests the connection, saves, and the waiting message is answered', async () => {
    const setup = s.chat.locator('.setup');
    await setup.locator('.setup-choice', { hasText: 'OpenAI-compatible' }).click();
    await setup.locator('#fanout-setup-baseurl').fill(`${s.model.url}/v1`);

    await setup.locator('.setup-enter-key').click();
    const password = s.page.locator('.quick-input-widget input[type="password"]');
    await password.waitFor();
    await password.fill(KEY);
    await password.press('Enter');
    await setup.locator('.setup-key-state', { hasText: 'API key stored' }).waitFor();

    await setup.locator('#fanout-setup-model').fill('gpt-fake');
    await setup.locator('.setup-test').click();
    await setup.locator('.setup-status[data-kind="ok"]', { hasText: 'Connected to' }).waitFor();
    assert.equal(s.model.chatRequests.length, 0, 'the test is a model list, not a chat request');

    await setup.locator('.setup-save').click();
    await setup.waitFor({ state: 'hidden' });
    await s.chat.locator('.user-message .user-text', { hasText: 'typed before setup' }).waitFor();
    await s.chat.locator('.assistant-text', { hasText: HELLO_ANSWER }).waitFor();
    await waitUntil('the chat request', () => s.model.chatRequests.length === 1);
    const request = s.model.chatRequests[0]!;
    assert.equal(request.headers.authorization, `Bearer ${KEY}`, 'the key from the password box is used');
    assert.equal(request.body.model, 'gpt-fake');
    assert.equal(await s.chat.locator('.queued-item').count(), 0);
    await s.chat.locator('.model-name', { hasText: 'gpt-fake' }).waitFor();

    const settings = readFileSync(path.join(s.server.userDataDir, 'User/settings.json'), 'utf8');
    assert.match(settings, /"fanout.provider": "openai-compatible"/);
    assert.ok(!settings.includes(KEY), 'the key is not in the settings');
    assert.ok(!s.fanoutLog().includes(KEY), 'the key is not in the log');
  });
});
