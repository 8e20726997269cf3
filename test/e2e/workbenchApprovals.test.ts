// Approvals in the real workbench, with fanout.approval.edit set to "ask": the edit's card shows the change as a diff
// (and opens it in VS Code's diff editor), one click on Allow applies it, one click on Deny leaves the file alone and
// the model is told the user denied it. run_command asks by default (fanout.approval.command) and runs after Allow.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { toolMessages } from '../fakes/openaiServer';
import { REVIEW_EDITS } from '../integration/scenarioData';
import { openChatFromActivityBar, screenshotSidebar, sendMessage, screenshotOnFailure, startWorkbenchSession, waitUntil, type WorkbenchSession } from './workbenchSession';

describe('Fanout in the VS Code workbench: approvals', function () {
  this.timeout(120_000);
  let s: WorkbenchSession;
  const originals: Record<string, string> = {};

  before(async function () {
    this.timeout(600_000);
    s = await startWorkbenchSession({ env: { OPENAI_API_KEY: 'sk-e2e-env-key-00000000' }, settings: { 'fanout.approval': { edit: 'ask' } } });
    for (const e of REVIEW_EDITS) originals[e.path] = s.readFile(e.path);
    await openChatFromActivityBar(s);
  });

  afterEach(async function () {
    await screenshotOnFailure(s, this.currentTest);
  });

  after(async () => {
    await s?.stop();
  });

  it('shows an edit as a diff, says why it asks, and one click on Allow applies it', async () => {
    const edit = REVIEW_EDITS[0]!;
    await sendMessage(s, '[scenario:review-edit] n=0');
    const card = s.chat.locator('.approval-card');
    await card.waitFor();
    assert.equal(await card.locator('h2').textContent(), 'Allow this tool call?');
    assert.equal(await card.locator('.approval-why').textContent(), 'Asks because fanout.approval.edit is "ask".');
    const added = await card.locator('.diff-line.diff-add .diff-text').allTextContents();
    assert.ok(added.includes('function subtract(a, b) {') && added.includes('  return a - b;'), `the diff shows the new lines: ${JSON.stringify(added)}`);
    assert.equal(await card.locator('.access-badge').textContent(), 'write');
    assert.equal(s.readFile(edit.path), originals[edit.path], 'nothing is written before the click');

    await card.evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await screenshotSidebar(s, 'edit-approval-300px.png');

    await card.locator('.decision-allow').click();
    await card.waitFor({ state: 'detached' });
    await s.chat.locator('.assistant-text', { hasText: `Edited ${edit.path}.` }).waitFor();
    assert.equal(s.readFile(edit.path), originals[edit.path]!.replace(edit.oldText, edit.newText));
  });

  it('one click on Deny leaves the file alone and tells the model', async () => {
    const edit = REVIEW_EDITS[1]!;
    const before = s.model.chatRequests.length;
    await sendMessage(s, '[scenario:review-edit] n=1');
    const card = s.chat.locator('.approval-card');
    await card.waitFor();
    // "Open diff": the file against the proposed text in VS Code's diff editor. (Here rather than before the Allow
    // above: once, on a loaded machine, the language server analysing the newly opened file starved the workbench
    // while that edit was being applied.)
    await card.locator('.approval-open-diff').click();
    await s.page.locator('.tabs-container .tab', { hasText: 'greet.js (proposed by Fanout)' }).waitFor();
    await card.locator('.decision-deny').click();
    await card.waitFor({ state: 'detached' });
    await s.chat.locator('.assistant-text', { hasText: `Edited ${edit.path}.` }).waitFor();
    assert.equal(s.readFile(edit.path), originals[edit.path], 'a denied edit is not applied');
    await s.chat.locator('.tool-card[data-state="denied"]').waitFor();
    // The request after the denied call carries its result: the model hears the user said no.
    await waitUntil('the model to get the denial', () => s.model.chatRequests.length >= before + 3);
    const results = toolMessages(s.model.chatRequests[before + 2]!);
    assert.match(results[results.length - 1]?.content ?? '', /Denied by the user/);
  });

  it('asks before run_command (fanout.approval.command defaults to ask), runs it after Allow, and its output reaches the model', async () => {
    const marker = 'command-ran.txt';
    const before = s.model.chatRequests.length;
    await sendMessage(s, `[scenario:command] marker=${marker}`);
    const card = s.chat.locator('.approval-card');
    await card.locator('.approval-command .command-line', { hasText: `$ echo ran > ${marker} && echo fanout-$((6*7))` }).waitFor();
    assert.equal(await card.locator('.approval-why').textContent(), 'Asks because fanout.approval.command is "ask".');
    assert.equal(await card.locator('.access-badge').textContent(), 'exec');
    assert.ok(!existsSync(path.join(s.workspaceDir, marker)), 'nothing ran before the answer');
    await card.locator('.decision-allow').click();
    await card.waitFor({ state: 'detached' });
    await s.chat.locator('.assistant-text', { hasText: 'The command ran.' }).waitFor();
    assert.equal(s.readFile(marker), 'ran\n');
    // The turn after the command carries its result.
    assert.equal(s.model.chatRequests.length, before + 2);
    const result = toolMessages(s.model.chatRequests[before + 1]!).at(-1)?.content ?? '';
    assert.match(result, /^\$ echo ran > command-ran\.txt && echo fanout-\$\(\(6\*7\)\)\nexit code 0 after [\d.]+ s\nfanout-42\n$/);
  });
});
