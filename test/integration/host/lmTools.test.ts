// Fanout's tools as language model tools in the real host: registered at activation with vscode.lm.registerTool,
// listed in vscode.lm.tools, and run through vscode.lm.invokeTool as any other agent (e.g. Copilot) would.
import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import { LM_TOOL_NAMES } from '../../fakes/lmToolNames';
import { EXTENSION_ID, readDisk, tag, workspaceUri } from './helpers';

const invoke = (name: string, input: object) => Promise.resolve(vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined }));
const textOf = (result: vscode.LanguageModelToolResult) => result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');

describe('Fanout tools for other agents (vscode.lm.invokeTool)', () => {
  let autoApproveBefore: unknown;

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    // apply_edit, run_tests and fetch_url ask for confirmation: outside a chat, VS Code shows a modal dialog nobody can click
    // here. VS Code's own test switch (a context key) plus global auto-approve lets the calls through unasked.
    await vscode.commands.executeCommand('setContext', 'vscode.chat.tools.global.autoApprove.testMode', true);
    const chat = vscode.workspace.getConfiguration('chat');
    autoApproveBefore = chat.inspect('tools.global.autoApprove')?.globalValue;
    await chat.update('tools.global.autoApprove', true, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('chat').update('tools.global.autoApprove', autoApproveBefore, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('setContext', 'vscode.chat.tools.global.autoApprove.testMode', undefined);
  });

  it('registers every tool, with the input schemas package.json declares', () => {
    const declared = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { languageModelTools: { name: string; inputSchema: object }[] } }).contributes.languageModelTools;
    for (const name of LM_TOOL_NAMES) {
      const tool = vscode.lm.tools.find((t) => t.name === name);
      assert.ok(tool, `${name} is not in vscode.lm.tools (got ${vscode.lm.tools.map((t) => t.name).join(', ')})`);
      assert.deepEqual(tool.inputSchema, declared.find((d) => d.name === name)?.inputSchema, name);
      assert.ok(tool.tags.includes('fanout'), name);
    }
  });

  it('fanout_read_file returns the file text', async () => {
    assert.equal(textOf(await invoke('fanout_read_file', { path: 'README.md' })), readDisk('README.md'));
  });

  it('fanout_search_workspace and fanout_list_files search and list the real workspace', async () => {
    assert.match(textOf(await invoke('fanout_search_workspace', { query: 'function greet' })), /src\/greet\.js:1: function greet/);
    assert.match(textOf(await invoke('fanout_list_files', { path: 'src' })), /greet\.js/);
  });

  it('fanout_apply_edit (its confirmation auto-approved) creates a file and edits it through VS Code', async () => {
    const file = `lm-tools/${tag().replace('=', '-')}.txt`;
    assert.match(textOf(await invoke('fanout_apply_edit', { path: file, oldText: '', newText: 'one\ntwo\n' })), /^Created /);
    assert.match(textOf(await invoke('fanout_apply_edit', { path: file, oldText: 'two', newText: 'three' })), /^Edited /);
    assert.equal(readDisk(file), 'one\nthree\n');
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === workspaceUri(file).toString());
    assert.ok(!doc?.isDirty, 'the edited file is left saved');
  });

  it('fanout_fetch_url (its confirmation auto-approved) fetches a page from the extension host as markdown', async () => {
    const web = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><head><title>Notes</title></head><body><nav>menu</nav><h2>Changes</h2><p>See <a href="/v2">v2</a>.</p></body></html>'));
    web.listen(0, '127.0.0.1');
    await once(web, 'listening');
    const url = `http://127.0.0.1:${(web.address() as AddressInfo).port}/notes`;
    try {
      const text = textOf(await invoke('fanout_fetch_url', { url }));
      assert.equal(text, `${url} (HTTP 200, text/html, 122 B)\nTitle: Notes\n\n## Changes\n\nSee [v2](${new URL('/v2', url).href}).`);
    } finally {
      web.closeAllConnections();
      web.close();
    }
    await assert.rejects(invoke('fanout_fetch_url', { url: 'file:///etc/passwd' }), (e: Error) => /Error \(not_allowed\)/.test(e.message));
  });

  it('a failing call rejects with the error text Fanout’s own model would see', async () => {
    await assert.rejects(invoke('fanout_read_file', { path: 'no/such/file.txt' }), (e: Error) => /Error \(not_found\): no\/such\/file\.txt does not exist/.test(e.message));
    await assert.rejects(invoke('fanout_apply_edit', { path: 'README.md', oldText: 'text that is not there', newText: 'x' }), (e: Error) => /Error \(no_match\)/.test(e.message));
  });
});
