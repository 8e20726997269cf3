// The extension as VS Code sees it: it activates (from the installed VSIX unless the driver ran with --dev), every
// command it declares is registered, the chat view and the settings named by the issue are contributed.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, fanoutLog } from './helpers';

// Names given by the issue: a contract, checked exactly.
const SETTINGS = ['provider', 'model', 'baseUrl', 'maxConcurrentTools', 'toolTimeoutSeconds', 'maxTurns', 'testCommand', 'parallelToolCalls', 'approval', 'subagentModel', 'maxSubagents', 'subagentMaxTurns', 'contextWindow', 'autoCompactThreshold', 'instructionFiles'];
const COMMANDS = ['fanout.ask', 'fanout.newChat', 'fanout.setApiKey', 'fanout.selectModel', 'fanout.stop', 'fanout.compact', 'fanout.addSelectionToChat', 'fanout.showLog'];

interface PackageJson {
  contributes: {
    commands: { command: string; title: string }[];
    configuration: { properties: Record<string, unknown> } | { properties: Record<string, unknown> }[];
    views: Record<string, { id: string; type?: string }[]>;
    viewsContainers: { activitybar: { id: string }[] };
  };
}

describe('activation', () => {
  let ext: vscode.Extension<unknown>;
  let pkg: PackageJson;

  before(async () => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is not installed in this extension host`);
    ext = found;
    pkg = ext.packageJSON as PackageJson;
    await ext.activate();
  });

  it('activates', () => {
    assert.equal(ext.isActive, true);
  });

  it('runs the build the driver meant (installed VSIX, or the source tree with --dev)', () => {
    const expected = process.env.FANOUT_EXPECT_INSTALL;
    assert.ok(expected, 'FANOUT_EXPECT_INSTALL not set by the driver');
    const rel = path.relative(expected, ext.extensionPath);
    assert.ok(!rel.startsWith('..') && !path.isAbsolute(rel), `extension loaded from ${ext.extensionPath}, expected under ${expected}`);
  });

  it('declares every command the issue names, and registers every command it declares', async () => {
    const declared = pkg.contributes.commands.map((c) => c.command);
    for (const id of COMMANDS) assert.ok(declared.includes(id), `package.json does not declare ${id}`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `declared but not registered: ${missing.join(', ')}`);
  });

  it('contributes the chat view fanout.chat in the activity-bar container fanout', async () => {
    assert.ok(pkg.contributes.viewsContainers.activitybar.some((c) => c.id === 'fanout'), 'no activity-bar container "fanout"');
    const views = pkg.contributes.views.fanout ?? [];
    assert.ok(views.some((v) => v.id === 'fanout.chat' && v.type === 'webview'), 'no webview view fanout.chat in container fanout');
    // Opening it is what a user's click on the activity bar does; it must resolve without error.
    await vscode.commands.executeCommand('fanout.chat.focus');
  });

  it('declares the settings the issue names, and reads them from the user settings', () => {
    const blocks = pkg.contributes.configuration;
    const props = Object.assign({}, ...(Array.isArray(blocks) ? blocks : [blocks]).map((b) => b.properties)) as Record<string, unknown>;
    for (const key of SETTINGS) assert.ok(`fanout.${key}` in props, `package.json does not declare fanout.${key}`);
    // Seeded by the driver into <user-data>/User/settings.json: the same place a user's settings live.
    assert.equal(vscode.workspace.getConfiguration('fanout').get('model'), 'gpt-fake-integration');
  });

  it('shows its log with fanout.showLog', async () => {
    await vscode.commands.executeCommand('fanout.showLog');
  });

  it('writes its "Fanout" log channel (activation line)', () => {
    assert.match(fanoutLog(), /Fanout \d+\.\d+\.\d+ activated in [\d.]+ ms/);
  });
});
