// Ctrl+Z for the agent's delete_file and rename_file in the real workbench, pressed where a user would: in the
// Explorer (Fanout's binding, see src/vscode/fileOperationUndo.ts: VS Code itself cannot reach a deleted file's undo)
// and in the renamed file's editor (VS Code's own undo of the WorkspaceEdit). Each test checks the disk.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { openChatFromActivityBar, screenshotOnFailure, sendMessage, showChat, startWorkbenchSession, waitUntil, type WorkbenchSession } from './workbenchSession';

describe('Fanout in the VS Code workbench: Ctrl+Z takes back a delete or a rename', function () {
  this.timeout(120_000);
  let s: WorkbenchSession;
  const exists = (rel: string) => existsSync(path.join(s.workspaceDir, rel));
  /** Undo recreates a file and then writes its text: the test waits for the text, not just the name. */
  const holds = (rel: string, text: string) => {
    try {
      return s.readFile(rel) === text;
    } catch {
      return false; // not there (yet)
    }
  };

  before(async function () {
    this.timeout(600_000);
    s = await startWorkbenchSession({ env: { OPENAI_API_KEY: 'sk-e2e-env-key-00000000' } });
    await openChatFromActivityBar(s);
  });

  afterEach(async function () {
    await screenshotOnFailure(s, this.currentTest);
  });

  after(async () => {
    await s?.stop();
  });

  /** Sends a file-ops request and waits until Changed files lists every path it touched. */
  async function agentFileOps(words: string, answer: string, paths: string[]): Promise<void> {
    await showChat(s);
    await s.chat.locator('button[aria-label="New chat"]').click();
    await s.chat.locator('.empty-title').waitFor();
    await sendMessage(s, `[scenario:file-ops] ${words}`);
    await s.chat.locator('.assistant-text', { hasText: answer }).waitFor();
    for (const p of paths) await s.chat.locator(`.changed-files .changed-file[data-path="${p}"][data-state="pending"]`).waitFor();
  }

  /** The Explorer from the activity bar, and a click into its tree: where a user presses Ctrl+Z after a file operation. */
  async function focusExplorer(): Promise<void> {
    const item = s.page.locator('.activitybar .action-item:has([aria-label^="Explorer"])').first();
    if (!((await item.getAttribute('class')) ?? '').split(/\s+/).includes('checked')) await item.click();
    await s.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'package.json' }).click();
    await s.page.waitForFunction(() => document.activeElement?.closest('.explorer-folders-view') != null);
  }

  async function expectUndone(paths: string[]): Promise<void> {
    await showChat(s);
    for (const p of paths) await s.chat.locator(`.changed-files .changed-file[data-path="${p}"][data-state="undone"]`).waitFor();
  }

  it('Ctrl+Z in the Explorer brings back a file the agent deleted, with its exact content', async () => {
    const original = s.readFile('README.md');
    await agentFileOps('del=README.md', 'Deleted README.md.', ['README.md']);
    assert.ok(!exists('README.md'), 'the agent deleted it');
    await focusExplorer();
    await s.page.keyboard.press('Control+Z');
    await waitUntil('README.md back with its exact content', () => holds('README.md', original));
    await expectUndone(['README.md']);
  });

  it('Ctrl+Z in the Explorer takes back the agent\'s rename: the old name with its content, the new one gone', async () => {
    const original = s.readFile('src/config.js');
    await agentFileOps('from=src/config.js to=src/settings.js', 'Renamed src/config.js to src/settings.js.', ['src/config.js', 'src/settings.js']);
    assert.ok(!exists('src/config.js') && exists('src/settings.js'), 'the agent renamed it');
    await focusExplorer();
    await s.page.keyboard.press('Control+Z');
    await waitUntil('src/config.js back with its exact content, src/settings.js gone', () => holds('src/config.js', original) && !exists('src/settings.js'));
    await expectUndone(['src/config.js', 'src/settings.js']);
  });

  it('Ctrl+Z in the editor that followed the rename is VS Code\'s own undo of it', async () => {
    const original = s.readFile('src/greet.js');
    await s.page.keyboard.press('Control+P');
    await s.page.locator('.quick-input-widget input').fill('greet.js');
    await s.page.locator('.quick-input-list .monaco-list-row', { hasText: 'greet.js' }).first().waitFor();
    await s.page.keyboard.press('Enter');
    await s.page.locator('.tabs-container .tab[aria-label^="greet.js"]').waitFor();
    await agentFileOps('from=src/greet.js to=src/hello.js', 'Renamed src/greet.js to src/hello.js.', ['src/greet.js', 'src/hello.js']);
    // VS Code moved the open editor to the new name.
    await s.page.locator('.tabs-container .tab[aria-label^="hello.js"]').click();
    await s.page.locator('.editor-instance .monaco-editor .view-lines', { hasText: 'function greet' }).click();
    await s.page.keyboard.press('Control+Z');
    await waitUntil('src/greet.js back with its exact content, src/hello.js gone', () => holds('src/greet.js', original) && !exists('src/hello.js'));
  });
});
