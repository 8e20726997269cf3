import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeOpenAIServer, toolMessages } from '../fakes/openaiServer';
import { runCli } from '../fakes/runCli';
import { tempWorkspace } from '../fakes/tempWorkspace';

describe('headless runner: --allow for what would ask first in VS Code', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  let server: FakeOpenAIServer;
  afterEach(async () => {
    ws?.cleanup();
    await server?.close();
  });

  const commandTurn = () =>
    new FakeOpenAIServer((_r, i) => (i === 0 ? { calls: [{ id: 'c1', name: 'run_command', arguments: { command: 'echo ran > ran.txt; echo hi' } }] } : { text: 'done' })).start();

  it('refuses run_command with a clear "not allowed" result unless --allow command', async () => {
    ws = tempWorkspace({ 'a.txt': 'x' });
    server = await commandTurn();
    const { code } = await runCli(['--workspace', ws.dir, '--base-url', server.url, 'run it'], { OPENAI_API_KEY: 'k' });
    assert.equal(code, 0);
    const [result] = toolMessages(server.chatRequests[1]);
    assert.match(result.content, /^Error \(not_allowed\): run_command is not allowed in this headless run: nobody is there to approve it\. The user can rerun with --allow command/);
    const declared = server.chatRequests[0].body.tools.find((t: { function: { name: string } }) => t.function.name === 'run_command');
    assert.match(declared.function.description, /Not allowed in this session/);
    const { existsSync } = await import('node:fs');
    assert.equal(existsSync(`${ws.dir}/ran.txt`), false, 'nothing ran');
  });

  it('runs it with --allow command (a comma list; network alone does not allow commands)', async () => {
    ws = tempWorkspace({ 'a.txt': 'x' });
    server = await commandTurn();
    await runCli(['--workspace', ws.dir, '--base-url', server.url, '--allow', 'network', 'run it'], { OPENAI_API_KEY: 'k' });
    assert.match(toolMessages(server.chatRequests[1])[0].content, /^Error \(not_allowed\)/);
    await server.close();
    server = await commandTurn();
    const { code } = await runCli(['--workspace', ws.dir, '--base-url', server.url, '--allow', 'command,network', 'run it'], { OPENAI_API_KEY: 'k' });
    assert.equal(code, 0);
    assert.match(toolMessages(server.chatRequests[1])[0].content, /^\$ echo ran > ran\.txt; echo hi\nexit code 0 after .*\nhi\n$/);
  });

  it('refuses fetch_url unless --allow network (command alone is not enough); a private address (this local server) needs network-private', async () => {
    ws = tempWorkspace({ 'a.txt': 'x' });
    const asked: string[] = [];
    const web = http.createServer((req, res) => {
      asked.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body><h1>Release notes</h1><p>Version 2 is out.</p></body></html>');
    });
    web.listen(0, '127.0.0.1');
    await once(web, 'listening');
    const page = `http://127.0.0.1:${(web.address() as AddressInfo).port}/notes`;
    const fetchTurn = () => new FakeOpenAIServer((_r, i) => (i === 0 ? { calls: [{ id: 'f1', name: 'fetch_url', arguments: { url: page } }] } : { text: 'done' })).start();
    try {
      server = await fetchTurn();
      assert.equal((await runCli(['--workspace', ws.dir, '--base-url', server.url, '--allow', 'command', 'read the notes'], { OPENAI_API_KEY: 'k' })).code, 0);
      assert.match(toolMessages(server.chatRequests[1])[0].content, /^Error \(not_allowed\): fetch_url is not allowed in this headless run: nobody is there to approve it\. The user can rerun with --allow network to let the agent fetch URLs\./);
      assert.deepEqual(asked, [], 'nothing was fetched');
      await server.close();
      server = await fetchTurn();
      assert.equal((await runCli(['--workspace', ws.dir, '--base-url', server.url, '--allow', 'network', 'read the notes'], { OPENAI_API_KEY: 'k' })).code, 0);
      assert.equal(
        toolMessages(server.chatRequests[1])[0].content,
        `Error (not_allowed): ${new URL(page).host} is a private network address (loopback, LAN, link-local or cloud metadata): fetch_url fetches those only with the user's approval, and this call had none. The user can rerun with --allow network-private to let the agent fetch private network addresses too.`,
      );
      assert.deepEqual(asked, [], 'nothing was fetched');
      await server.close();
      server = await fetchTurn();
      assert.equal((await runCli(['--workspace', ws.dir, '--base-url', server.url, '--allow', 'network-private', 'read the notes'], { OPENAI_API_KEY: 'k' })).code, 0);
      assert.equal(toolMessages(server.chatRequests[1])[0].content, `${page} (HTTP 200, text/html, 72 B)\n\n# Release notes\n\nVersion 2 is out.`);
      assert.deepEqual(asked, ['/notes']);
    } finally {
      web.closeAllConnections();
      web.close();
    }
  });

  it('rejects an unknown --allow kind as bad usage', async () => {
    ws = tempWorkspace({ 'a.txt': 'x' });
    const { code, err } = await runCli(['--workspace', ws.dir, '--allow', 'command,shell', 'hi'], { OPENAI_API_KEY: 'k' });
    assert.equal(code, 2);
    assert.match(err, /--allow takes command, network, network-private \(comma-separated\), got "shell"/);
  });
});
