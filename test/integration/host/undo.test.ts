// Undo in Changed files (here through Ctrl+Z's command, fanout.undoFileOperation, which runs the very same restore) in
// the real host: taking back the agent's rename is a rename, so an open editor follows the file back, and no undo
// discards what the user typed into an editor and has not saved.
import * as assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { ask, fanoutLog, readDisk, tag, waitFor, workspaceUri } from './helpers';

describe('undo of the agent\'s file operations in the real host', () => {
  const created: string[] = [];
  const make = (rel: string, text: string) => {
    writeFileSync(workspaceUri(rel).fsPath, text);
    created.push(rel);
  };
  const exists = (rel: string) => existsSync(workspaceUri(rel).fsPath);
  const tabOf = (rel: string) =>
    vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === workspaceUri(rel).toString());

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  after(() => {
    for (const rel of created) rmSync(workspaceUri(rel).fsPath, { force: true });
  });

  async function rename(from: string, to: string): Promise<void> {
    created.push(to);
    const answer = await ask(`[scenario:file-ops] from=${from} to=${to} ${tag()}`);
    assert.equal(answer, `Renamed ${from} to ${to}.`);
  }

  it('Ctrl+Z of the agent\'s rename renames the file back, and its open editor follows', async () => {
    make('src/undo-old.js', 'const follow = 1;\n');
    await vscode.window.showTextDocument(workspaceUri('src/undo-old.js'));
    await rename('src/undo-old.js', 'src/undo-new.js');
    await waitFor('the editor to follow the agent\'s rename', () => tabOf('src/undo-new.js'));
    await vscode.commands.executeCommand('fanout.undoFileOperation');
    assert.equal(readDisk('src/undo-old.js'), 'const follow = 1;\n');
    assert.ok(!exists('src/undo-new.js'), 'the new name is gone');
    assert.ok(tabOf('src/undo-old.js'), 'the editor followed the file back to its old name');
    assert.ok(!tabOf('src/undo-new.js'), 'no editor is left on the new name');
  });

  it('Ctrl+Z of the agent\'s rename does not delete the new name while its editor has unsaved changes', async () => {
    make('src/undo-kept.js', 'const kept = 1;\n');
    await rename('src/undo-kept.js', 'src/undo-typed.js');
    const editor = await vscode.window.showTextDocument(workspaceUri('src/undo-typed.js'));
    assert.ok(await editor.edit((b) => b.insert(new vscode.Position(0, 0), '// mine\n')));
    const doc = editor.document;
    try {
      await vscode.commands.executeCommand('fanout.undoFileOperation');
      assert.ok(exists('src/undo-typed.js'), 'the file with unsaved changes is still there');
      assert.ok(!doc.isClosed && doc.isDirty, 'its editor is still open, unsaved');
      assert.equal(doc.getText(), '// mine\nconst kept = 1;\n', 'with what the user typed');
      assert.equal(readDisk('src/undo-kept.js'), 'const kept = 1;\n', 'the old name is back: that loses nothing');
      assert.match(fanoutLog(), /restore failed: src\/undo-typed\.js: its editor has unsaved changes that undoing would discard/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });
});
