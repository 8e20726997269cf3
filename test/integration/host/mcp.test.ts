// MCP servers in the real host: `fanout.mcpServers` and `.vscode/mcp.json` declare a real MCP server (the SDK's
// Streamable HTTP transport, served from this test process); the test model (scriptedLm.ts) calls its tools next to
// the built-in ones, and the disabled lists take tools away.
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { FakeMcpHttpServer } from '../../fakes/mcp/httpServer';
import { ask, EXTENSION_ID, fanoutLog, readDisk, tag, waitFor, workspaceUri } from './helpers';
import { describePart, registerTestModel, TEST_MODEL_ID, withSettings, type ScriptedLanguageModel } from './scriptedLm';

/** The extension's (re)builds of its MCP servers, as logged (see McpHost.create): the names, per build. */
const buildLines = () => fanoutLog().split('\n').flatMap((l) => /MCP servers: (.*)$/.exec(l)?.[1] ?? []);
const builds = (names: string) => buildLines().filter((l) => l === names).length;

describe('MCP servers in the extension', () => {
  let model: ScriptedLanguageModel;
  let registration: vscode.Disposable | undefined;
  let mcp: FakeMcpHttpServer | undefined;
  const settings = (extra: Record<string, unknown> = {}) => ({ provider: 'vscode-lm', model: TEST_MODEL_ID, mcpServers: { fake: { type: 'http', url: mcp!.url } }, ...extra });
  /** Runs `fn` with the settings applied, once the extension has rebuilt its servers from them. */
  const withMcp = async <T>(extra: Record<string, unknown>, fn: () => Promise<T>) => {
    // Before the first run there is nothing to rebuild: that run creates the servers from the settings in force.
    const created = buildLines().length > 0;
    const before = builds('fake');
    return withSettings(settings(extra), async () => {
      if (created) await waitFor('the MCP server "fake" in the Fanout log', () => builds('fake') > before);
      return fn();
    });
  };

  before(async function () {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    const registered = await registerTestModel();
    if (!registered) return this.skip();
    ({ model, registration } = registered);
    mcp = await new FakeMcpHttpServer().start();
    await vscode.commands.executeCommand('fanout.newChat');
  });

  after(async () => {
    registration?.dispose();
    await mcp?.close();
  });

  it('offers the server’s tools beside the built-in ones and runs both in one batch', async () => {
    const t = tag();
    model.script(t, (step) =>
      step === 0
        ? [
            { call: { id: 'c_echo', name: 'mcp__fake__slow_echo', input: { text: `echo ${t}`, ms: 20 } } },
            { call: { id: 'c_read', name: 'read_file', input: { path: 'README.md' } } },
          ]
        : [{ text: `done ${t}` }],
    );
    assert.equal(await withMcp({}, () => ask(`use mcp ${t}`)), `done ${t}`);
    const [first, second] = model.requestsOf(t);
    for (const n of ['mcp__fake__slow_echo', 'mcp__fake__write_note', 'read_file']) assert.ok(first.tools.includes(n), `${n} not offered (got ${first.tools.join(', ')})`);
    assert.deepEqual(second.messages[second.messages.length - 1].content.map(describePart), [
      { resultFor: 'c_echo', text: `echo ${t}` },
      { resultFor: 'c_read', text: readDisk('README.md') },
    ]);
  });

  it('leaves out the tools of fanout.mcp.disabledTools, and every tool of a server in fanout.mcp.disabledServers', async () => {
    const t1 = tag();
    model.script(t1, () => [{ text: 'ok' }]);
    await withMcp({ 'mcp.disabledTools': ['fake/write_note'] }, () => ask(`tools ${t1}`));
    const offered = model.requestsOf(t1)[0].tools;
    assert.ok(offered.includes('mcp__fake__slow_echo'), offered.join(', '));
    assert.ok(!offered.includes('mcp__fake__write_note'), offered.join(', '));

    const t2 = tag();
    model.script(t2, () => [{ text: 'ok' }]);
    await withMcp({ 'mcp.disabledServers': ['fake'] }, () => ask(`tools ${t2}`));
    const none = model.requestsOf(t2)[0].tools;
    assert.deepEqual(none.filter((n) => n.startsWith('mcp__')), []);
    assert.ok(none.includes('read_file'));
  });

  it('a configuration change while the servers connect still gives the run their tools', async () => {
    const t = tag();
    model.script(t, () => [{ text: 'ok' }]);
    const offered = await withMcp({}, async () => {
      // The rebuilt manager connects on this run's first request; its server holds the handshake meanwhile.
      const held = mcp!.hold();
      try {
        const answer = ask(`connecting ${t}`);
        await held.reached;
        const before = builds('fake, second');
        await withSettings({ mcpServers: { fake: { type: 'http', url: mcp!.url }, second: { type: 'http', url: mcp!.url } } }, async () => {
          // The new manager is made before the old one's servers stop (they cannot while the handshake is held).
          await waitFor('the rebuild for the changed setting', () => builds('fake, second') > before);
          held.release();
          assert.equal(await answer, 'ok');
        });
      } finally {
        held.release();
      }
      return model.requestsOf(t)[0].tools;
    });
    assert.ok(offered.includes('mcp__fake__slow_echo'), offered.join(', '));
    assert.ok(offered.includes('mcp__second__slow_echo'), offered.join(', '));
  });

  it('fanout.newChat while a request is still starting (its servers connecting) gives the next question a new chat', async () => {
    const [t1, t2] = [tag(), tag()];
    model.script(t1, () => [{ text: `first ${t1}` }]);
    model.script(t2, () => [{ text: `second ${t2}` }]);
    await withMcp({}, async () => {
      const held = mcp!.hold();
      try {
        const first = ask(`starting ${t1}`);
        await held.reached;
        await vscode.commands.executeCommand('fanout.newChat');
        const second = ask(`next ${t2}`);
        held.release();
        assert.deepEqual(await Promise.all([first, second]), [`first ${t1}`, `second ${t2}`]);
      } finally {
        held.release();
      }
    });
  });

  it('follows .vscode/mcp.json: a server declared there is offered once the file is written', async () => {
    const file = workspaceUri('.vscode/mcp.json').fsPath;
    mkdirSync(workspaceUri('.vscode').fsPath, { recursive: true });
    try {
      const t = tag();
      model.script(t, () => [{ text: 'ok' }]);
      await withMcp({}, async () => {
        // The settings are in; only the file watcher can bring the file's server in now.
        const before = builds('fake, from-file');
        writeFileSync(file, `// comments are allowed, as in VS Code\n{ "servers": { "from-file": { "type": "http", "url": "${mcp!.url}" } } }\n`);
        await waitFor('the rebuild after mcp.json was written', () => builds('fake, from-file') > before);
        await ask(`file ${t}`);
      });
      const offered = model.requestsOf(t)[0].tools;
      assert.ok(offered.includes('mcp__from-file__slow_echo'), offered.join(', '));
      assert.ok(offered.includes('mcp__fake__slow_echo'), offered.join(', '));
    } finally {
      rmSync(file, { force: true });
    }
  });
});
