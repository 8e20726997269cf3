import * as assert from 'node:assert/strict';
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

  it('rejects an unknown --allow kind as bad usage', async () => {
    ws = tempWorkspace({ 'a.txt': 'x' });
    const { code, err } = await runCli(['--workspace', ws.dir, '--allow', 'command,shell', 'hi'], { OPENAI_API_KEY: 'k' });
    assert.equal(code, 2);
    assert.match(err, /--allow takes command, network \(comma-separated\), got "shell"/);
  });
});
