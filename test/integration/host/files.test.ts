// Files in the real host: an edit keeps every byte it does not touch (the document's encoding decides), a symlink
// stays a symlink, and a FIFO is refused without being opened.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { ask, lastToolResults, requestsOf, tag, workspaceUri } from './helpers';

describe('files: encodings, links and special files in the real host', () => {
  const created: string[] = [];
  const make = (rel: string, bytes: Buffer) => {
    writeFileSync(workspaceUri(rel).fsPath, bytes);
    created.push(rel);
  };
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  after(() => {
    for (const rel of created) rmSync(workspaceUri(rel).fsPath, { force: true });
  });

  const latin1 = () => Buffer.from('caf\xe9 = 1;\nlet x = 2;\n', 'latin1');

  async function editResult(rel: string, old: string, replacement: string): Promise<string> {
    const t = tag();
    await ask(`[scenario:edit] file=${rel} old=${old} new=${replacement} ${t}`);
    const [, afterRead, afterEdit] = await requestsOf(t);
    assert.ok(afterRead && afterEdit, 'the scenario read the file and edited it');
    return lastToolResults(afterEdit)[0].content;
  }

  it('a Latin-1 file the editor decodes as UTF-8 is not edited: saving would rewrite its accented bytes', async () => {
    make('src/latin-utf8.js', latin1());
    const result = await editResult('src/latin-utf8.js', 'x_=_2', 'x_=_3');
    assert.match(result, /^Error \(unsupported_encoding\): src\/latin-utf8\.js is not valid utf8/);
    assert.deepEqual(readFileSync(workspaceUri('src/latin-utf8.js').fsPath), latin1(), 'not a byte changed');
  });

  it('a Latin-1 file open in its encoding is edited byte-exact', async () => {
    make('src/latin-open.js', latin1());
    const doc = await vscode.workspace.openTextDocument(workspaceUri('src/latin-open.js'), { encoding: 'windows1252' });
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.getText(), 'café = 1;\nlet x = 2;\n');
    const result = await editResult('src/latin-open.js', 'x_=_2', 'x_=_3');
    assert.match(result, /^Edited src\/latin-open\.js/);
    assert.deepEqual(readFileSync(workspaceUri('src/latin-open.js').fsPath), Buffer.from('caf\xe9 = 1;\nlet x = 3;\n', 'latin1'));
  });

  it('an edit through a symlink changes the target and keeps the link', async () => {
    make('src/real-target.js', Buffer.from('const v = 1;\n'));
    symlinkSync('real-target.js', workspaceUri('src/alias-link.js').fsPath);
    created.push('src/alias-link.js');
    const result = await editResult('src/alias-link.js', 'v_=_1', 'v_=_2');
    assert.match(result, /^Edited src\/alias-link\.js/);
    assert.ok(lstatSync(workspaceUri('src/alias-link.js').fsPath).isSymbolicLink(), 'still a link');
    assert.equal(readFileSync(workspaceUri('src/real-target.js').fsPath, 'utf8'), 'const v = 2;\n');
  });

  it('a FIFO is refused, not read', async () => {
    execFileSync('mkfifo', [workspaceUri('src/pipe').fsPath]);
    created.push('src/pipe');
    const t = tag();
    await ask(`[scenario:edit] file=src/pipe old=a new=b ${t}`);
    const [, afterRead] = await requestsOf(t);
    assert.match(lastToolResults(afterRead)[0].content, /^Error \(special_file\)/);
  });
});
