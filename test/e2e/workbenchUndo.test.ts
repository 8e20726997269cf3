// Ctrl+Z for the agent's delete_file and rename_file in the real workbench, pressed where a user would: in the
// Explorer (Fanout's binding, see src/vscode/fileOperationUndo.ts: VS Code itself cannot reach a deleted file's undo)
// and in the renamed file's editor (VS Code's own undo of the WorkspaceEdit); and Undo in Changed files next to text
// the user typed and has not saved, which it must never discard. Each test checks the disk.
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
  function agentFileOps(words: string, answer: string, paths: string[]): Promise<void> {
    return agentRun(`[scenario:file-ops] ${words}`, answer, paths);
  }

  /** Sends `message` in a new chat and waits for `answer` and until Changed files lists every path in `paths`. */
  async function agentRun(message: string, answer: string, paths: string[]): Promise<void> {
    await showChat(s);
    await s.chat.locator('button[aria-label="New chat"]').click();
    await s.chat.locator('.empty-title').waitFor();
    await sendMessage(s, message);
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

  /** Quick Open (Ctrl+P) of a file by name, as a user opens one. */
  async function openFile(name: string): Promise<void> {
    await s.page.keyboard.press('Control+P');
    await s.page.locator('.quick-input-widget input').fill(name);
    await s.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
    await s.page.keyboard.press('Enter');
    await s.page.locator(`.tabs-container .tab[aria-label^="${name}"]`).waitFor();
  }

  /** The editor tab of `name`: any, with unsaved changes (`.dirty`), or without. */
  const tab = (name: string, state: '' | '.dirty' | ':not(.dirty)' = '') => s.page.locator(`.tabs-container .tab${state}[aria-label^="${name}"]`);
  const row = (rel: string) => s.chat.locator(`.changed-files .changed-file[data-path="${rel}"]`);

  /** Types `text` at the top of the open editor of `name` and leaves it unsaved. */
  async function typeUnsaved(name: string, line: string, text: string): Promise<void> {
    await openFile(name);
    await s.page.locator('.editor-instance .monaco-editor .view-lines', { hasText: line }).click();
    await s.page.keyboard.press('Control+Home');
    await s.page.keyboard.insertText(text);
    await tab(name, '.dirty').waitFor();
  }

  /** Ctrl+S in the editor of `name` (the refusal says: save or revert them): nothing unsaved is left to lose. */
  async function save(name: string, line: string): Promise<void> {
    await s.page.locator('.editor-instance .monaco-editor .view-lines', { hasText: line }).click();
    await s.page.keyboard.press('Control+S');
    await tab(name, ':not(.dirty)').waitFor();
  }

  /** Undo on the file's row in Changed files is refused with the reason, naming the file; the row stays. */
  async function undoRefused(rel: string): Promise<void> {
    await showChat(s);
    await row(rel).locator('.changed-undo').click();
    await s.chat.locator('.error-block', { hasText: `Could not undo: ${rel}: its editor has unsaved changes` }).waitFor();
    await row(rel).and(s.chat.locator('[data-state="pending"]')).waitFor();
  }

  it('Undo in Changed files keeps a file the agent created while its editor has unsaved changes, and deletes it once they are saved', async () => {
    await agentRun('[scenario:edit] file=src/made.js new=const_made_=_1;', 'Edited src/made.js.', ['src/made.js']);
    await typeUnsaved('made.js', 'const made', '/* mine */ ');
    await undoRefused('src/made.js');
    assert.equal(s.readFile('src/made.js'), 'const made = 1;', 'the file is still there, as the agent wrote it');
    await tab('made.js', '.dirty').waitFor();
    await save('made.js', 'const made');
    await showChat(s);
    await row('src/made.js').locator('.changed-undo').click();
    await waitUntil('src/made.js deleted', () => !exists('src/made.js'));
    await row('src/made.js').and(s.chat.locator('[data-state="undone"]')).waitFor();
  });

  it('Undo in Changed files does not put the original over text the user typed after the agent\'s edit and has not saved', async () => {
    const original = s.readFile('src/math.js');
    await agentRun('[scenario:edit] file=src/math.js old=a_*_b new=a_*_b_*_1', 'Edited src/math.js.', ['src/math.js']);
    const edited = s.readFile('src/math.js');
    assert.match(edited, /a \* b \* 1/);
    await typeUnsaved('math.js', 'function add', '/* mine */ ');
    await undoRefused('src/math.js');
    assert.equal(s.readFile('src/math.js'), edited, 'the disk keeps the agent\'s edit');
    await tab('math.js', '.dirty').waitFor();
    await save('math.js', 'function add');
    await showChat(s);
    await row('src/math.js').locator('.changed-undo').click();
    await waitUntil('src/math.js back to its original', () => holds('src/math.js', original));
    await row('src/math.js').and(s.chat.locator('[data-state="undone"]')).waitFor();
  });

  it('Undo in Changed files of an edit the agent made to a file with unsaved changes puts back the user\'s unsaved text', async () => {
    const original = s.readFile('src/math.js');
    await typeUnsaved('math.js', 'function add', '/* mine */ ');
    await agentRun('[scenario:edit] file=src/math.js old=a_+_b new=a_+_b_+_0', 'Edited src/math.js.', ['src/math.js']);
    const lines = s.page.locator('.editor-instance .monaco-editor .view-lines');
    await lines.filter({ hasText: 'a + b + 0' }).waitFor();
    await row('src/math.js').locator('.changed-undo').click();
    await row('src/math.js').and(s.chat.locator('[data-state="undone"]')).waitFor();
    await lines.filter({ hasText: 'a + b + 0' }).waitFor({ state: 'detached' });
    await lines.filter({ hasText: '/* mine */ function add' }).waitFor();
    await tab('math.js', '.dirty').waitFor();
    assert.equal(s.readFile('src/math.js'), original, 'the disk never had the agent\'s edit: the file was not saved');
    await save('math.js', 'function add');
  });

  it('Ctrl+Z in the editor that followed the rename is VS Code\'s own undo of it', async () => {
    const original = s.readFile('src/greet.js');
    await openFile('greet.js');
    await agentFileOps('from=src/greet.js to=src/hello.js', 'Renamed src/greet.js to src/hello.js.', ['src/greet.js', 'src/hello.js']);
    // VS Code moved the open editor to the new name.
    await s.page.locator('.tabs-container .tab[aria-label^="hello.js"]').click();
    await s.page.locator('.editor-instance .monaco-editor .view-lines', { hasText: 'function greet' }).click();
    await s.page.keyboard.press('Control+Z');
    await waitUntil('src/greet.js back with its exact content, src/hello.js gone', () => holds('src/greet.js', original) && !exists('src/hello.js'));
  });
});
