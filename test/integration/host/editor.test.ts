// Agent edits meet the user's editor: unsaved text is neither lost nor saved behind the user's back, and an agent
// edit is one undoable step.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { ask, lastToolResults, readDisk, requestsOf, tag, workspaceUri } from './helpers';

describe('agent edits in the editor', () => {
  afterEach(async () => {
    // Leave no dirty editor behind for the next suite.
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('edits the buffer of a file with unsaved changes, keeping the user\'s text and leaving saving to them', async () => {
    const rel = 'src/greet.js';
    const onDisk = readDisk(rel);
    const editor = await vscode.window.showTextDocument(workspaceUri(rel));
    const note = '// my unsaved note\n';
    assert.ok(await editor.edit((b) => b.insert(new vscode.Position(0, 0), note)));
    assert.equal(editor.document.isDirty, true);

    const t = tag();
    // The edit scenario reads the file, then replaces `Hello,` with `Howdy,` (see fakeModel.ts).
    await ask(`[scenario:edit] file=${rel} old=Hello, new=Howdy, ${t}`);

    const [, afterRead] = await requestsOf(t);
    assert.equal(lastToolResults(afterRead)[0].content, note + onDisk, 'read_file returns the editor buffer, unsaved text included');
    assert.equal(editor.document.getText(), note + onDisk.replace('Hello,', 'Howdy,'), 'the agent edit and the user note are both in the buffer');
    assert.equal(editor.document.isDirty, true, 'still unsaved: saving is the user\'s call');
    assert.equal(readDisk(rel), onDisk, 'the disk is untouched until the user saves');
  });

  it('makes an agent edit undoable with Undo in the editor', async () => {
    const rel = 'src/undo-me.js';
    const original = 'const value = "before";\n';
    writeFileSync(workspaceUri(rel).fsPath, original);
    const t = tag();
    await ask(`[scenario:edit] file=${rel} old="before" new="after" ${t}`);
    const after = original.replace('"before"', '"after"');
    assert.equal(readDisk(rel), after, 'a clean file is saved after the agent edit');

    const editor = await vscode.window.showTextDocument(workspaceUri(rel));
    assert.equal(editor.document.getText(), after);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), original, 'one Undo puts the text back');
  });
});
