// Subagents in the real host: through `fanout.ask`, two edit-capable subagents run at once and edit one shared file
// (a region each) through VS Code's WorkspaceEdits; each edit is its own undo step, so Undo in the file's editor
// takes them back one at a time, latest first, to the text before the run.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { SUBAGENT_EDITS, SUBAGENT_FILE_TEXT } from '../scenarioData';
import { ask, readDisk, requestsOf, tag, wire, workspaceUri } from './helpers';

const text = (content: unknown): string =>
  typeof content === 'string' ? content : Array.isArray(content) ? content.map((p: { text?: string }) => p.text ?? '').join('\n') : '';

describe('subagents in the editor', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('two subagents edit one file at once, every edit lands once, and Undo takes them back in order', async () => {
    const rel = 'src/shared-sub.js';
    writeFileSync(workspaceUri(rel).fsPath, SUBAGENT_FILE_TEXT);
    const uri = workspaceUri(rel);
    // Every state the document goes through during the run, in order: the edits as they were applied.
    const states: string[] = [];
    const watch = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.toString() === uri.toString() && e.contentChanges.length) states.push(e.document.getText());
    });
    const t = tag();
    let answer: string;
    try {
      answer = await ask(`[scenario:subagents] file=${rel} ${t}`);
    } finally {
      watch.dispose();
    }
    assert.equal(answer, 'Both regions edited by subagents.');

    const expected = SUBAGENT_EDITS.flat().reduce((s, e) => s.replace(e.oldText, e.newText), SUBAGENT_FILE_TEXT);
    assert.equal(readDisk(rel), expected, 'both regions edited, each once, and saved (the file was clean)');
    assert.equal(states.length, 2, `one document change per applied edit (got ${states.length})`);
    assert.equal(states[1], expected);

    // Two subagents did it, each on its own transcript (its first user message is its delegate prompt).
    const all = await wire();
    const subPrompts = new Set(
      all
        .filter((r) => text(r.body.messages[0]?.content).includes('Fanout subagent'))
        .map((r) => text(r.body.messages.find((m) => m.role === 'user')?.content))
        .filter((p) => p.includes(t)),
    );
    assert.equal(subPrompts.size, 2, 'two subagents with their own tasks');
    const parent = await requestsOf(t);
    const delegates = parent.flatMap((r) => r.body.messages.filter((m) => m.role === 'assistant').flatMap((m) => m.tool_calls ?? [])).filter((c) => c.function.name === 'delegate');
    assert.equal(new Set(delegates.map((c) => c.id)).size, 2, 'the parent made two delegate calls');

    // Undo in the file's editor: the later edit goes first, then the earlier one, then the text is as before the run.
    const editor = await vscode.window.showTextDocument(uri);
    assert.equal(editor.document.getText(), expected);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), states[0], 'the first Undo takes back the edit applied last');
    assert.notEqual(states[0], SUBAGENT_FILE_TEXT);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), SUBAGENT_FILE_TEXT, 'the second Undo takes back the other subagent\'s edit');
  });
});
