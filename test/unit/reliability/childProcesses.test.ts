// Reliability: what the processes a run starts (test runs, MCP stdio servers) get, and that none outlives its call.
// A prompt-injected model can make a test print its environment: no provider key may be in it. A test runner whose
// workers ignore SIGTERM, or a script that leaves a background job, must not leave processes behind.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runAgent, type AgentEvent } from '../../../src/agent/loop';
import { buildAgentConfig, defaultAgentSettings, type AgentSettings } from '../../../src/agent/settings';
import { silentLogger } from '../../../src/host/logger';
import { NodeProcessRunner } from '../../../src/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/node/nodeWorkspace';
import { McpManager } from '../../../src/mcp';
import { createProvider } from '../../../src/providers';
import { builtinTools } from '../../../src/tools';
import { toolRegistry } from '../../../src/tools/tool';
import { fakeStdioServerScript } from '../../fakes/mcp/buildFakeServer';
import { FakeOpenAIServer, toolMessages } from '../../fakes/openaiServer';
import { alive, TERM_IGNORING_TREE, treePids } from '../../fakes/processTree';
import { runCli } from '../../fakes/runCli';
import { tempWorkspace } from '../../fakes/tempWorkspace';

const SENTINELS = {
  OPENAI_API_KEY: 'sk-SENTINEL-openai-0123456789',
  ANTHROPIC_API_KEY: 'sk-ant-SENTINEL-0123456789',
  GEMINI_API_KEY: 'SENTINEL-gemini-0123456789',
  GOOGLE_API_KEY: 'SENTINEL-google-0123456789',
};

describe('reliability: child processes', function () {
  this.timeout(30_000);
  let ws: ReturnType<typeof tempWorkspace> | undefined;
  let server: FakeOpenAIServer | undefined;
  afterEach(async () => {
    ws?.cleanup();
    await server?.close();
    ws = server = undefined;
  });

  describe('no provider key reaches a test run or an MCP server', () => {
    before(async function () {
      this.timeout(60_000);
      await Promise.all([fakeStdioServerScript(), import('../../../src/mcp/sdkClient')]);
    });

    it('run_tests through the CLI: the script that prints its environment sees no key, under any name', async () => {
      ws = tempWorkspace({ 'env.js': 'process.stdout.write(JSON.stringify(process.env))' });
      server = await new FakeOpenAIServer((_r, i) => (i === 0 ? { calls: [{ id: 't', name: 'run_tests', arguments: {} }] } : { text: 'ok' })).start();
      // The key in use also sits in another variable (a proxy URL): withheld too.
      const env = { ...SENTINELS, HTTPS_PROXY_AUTH: `user:${SENTINELS.OPENAI_API_KEY}`, UNRELATED: 'kept' };
      const { code, err } = await runCli(['--workspace', ws.dir, '--base-url', server.url, '--test-command', 'node env.js', 'go'], env);
      assert.equal(code, 0, err);
      const printed = toolMessages(server.chatRequests[1])[0].content;
      assert.match(printed, /"UNRELATED":"kept"/, 'the environment was printed');
      for (const value of Object.values(SENTINELS)) assert.ok(!printed.includes(value), `${value} withheld`);
    });

    it('--pass-env NAME lets one variable through, and only that one', async () => {
      ws = tempWorkspace({ 'env.js': 'process.stdout.write(JSON.stringify(process.env))' });
      server = await new FakeOpenAIServer((_r, i) => (i === 0 ? { calls: [{ id: 't', name: 'run_tests', arguments: {} }] } : { text: 'ok' })).start();
      const { code, err } = await runCli(['--workspace', ws.dir, '--base-url', server.url, '--test-command', 'node env.js', '--pass-env', 'GEMINI_API_KEY', 'go'], SENTINELS);
      assert.equal(code, 0, err);
      const printed = JSON.parse(toolMessages(server.chatRequests[1])[0].content.split('\n').slice(2).join('\n')) as Record<string, string>;
      assert.equal(printed.GEMINI_API_KEY, SENTINELS.GEMINI_API_KEY);
      assert.equal(printed.OPENAI_API_KEY, undefined);
      assert.equal(printed.ANTHROPIC_API_KEY, undefined);
    });

    it('an MCP stdio server sees no key, except one its own "env" names', async () => {
      const script = await fakeStdioServerScript();
      const mcpJson = JSON.stringify({
        servers: { spy: { type: 'stdio', command: process.execPath, args: [script], env: { FAKE_MCP_ENV_TOOL: '1', ANTHROPIC_API_KEY: '${env:ANTHROPIC_API_KEY}' } } },
      });
      ws = tempWorkspace({ 'mcp.json': mcpJson });
      server = await new FakeOpenAIServer((_r, i) => (i === 0 ? { calls: [{ id: 'e', name: 'mcp__spy__environment', arguments: {} }] } : { text: 'ok' })).start();
      const env = { ...SENTINELS, OTHER_TOKEN: SENTINELS.OPENAI_API_KEY };
      const { code, err } = await runCli(['--workspace', ws.dir, '--base-url', server.url, '--mcp-config', path.join(ws.dir, 'mcp.json'), 'go'], env);
      assert.equal(code, 0, err);
      const seen = JSON.parse(toolMessages(server.chatRequests[1])[0].content) as Record<string, string>;
      assert.equal(seen.FAKE_MCP_ENV_TOOL, '1');
      assert.equal(seen.ANTHROPIC_API_KEY, SENTINELS.ANTHROPIC_API_KEY, 'named in the server\'s own env: passed');
      for (const name of ['OPENAI_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_API_KEY', 'OTHER_TOKEN']) assert.equal(seen[name], undefined, name);
    });
  });

  describe('nothing a command starts outlives it', () => {
    /** Runs the agent: turn 1 calls run_tests, turn 2 answers. `alive` records, when the result arrives, what still runs. */
    async function runTestsCall(testCommand: string, settings: Partial<AgentSettings>, watch: { pids(): number[]; stop?: AbortController }) {
      server = await new FakeOpenAIServer((_r, i) => (i === 0 ? { calls: [{ id: 't', name: 'run_tests', arguments: {} }] } : { text: 'ok' })).start();
      const provider = await createProvider({ provider: 'openai', apiKey: 'k', baseUrl: server.url });
      const config = buildAgentConfig(
        { ...defaultAgentSettings, model: 'm', testCommand, ...settings },
        { provider, workspace: await NodeWorkspace.open(ws!.dir), runner: new NodeProcessRunner(), tools: toolRegistry(builtinTools), logger: silentLogger },
      );
      let atResult: { content: string; running: number[] } | undefined;
      const onEvent = (e: AgentEvent) => {
        if (e.type === 'tool-update' && e.update.result) {
          const pids = watch.pids();
          atResult = { content: e.update.result.content, running: pids.filter(alive) };
        }
      };
      await runAgent(config, [], 'go', { signal: (watch.stop ?? new AbortController()).signal, onEvent });
      assert.ok(atResult, 'the result arrived');
      return atResult;
    }

    const pidsFile = () => readFileSync(path.join(ws!.dir, 'pids'), 'utf8').trim().split(' ').map(Number);

    it('run_tests past its timeout: a tree that ignores SIGTERM is gone when the result arrives', async function () {
      if (process.platform === 'win32') this.skip();
      ws = tempWorkspace(TERM_IGNORING_TREE);
      // Long enough for the tree to start on a loaded machine (the pids file must exist when the result arrives).
      const result = await runTestsCall('node tree.js', { toolLimits: { run_tests: { timeoutSeconds: 3 } } }, { pids: pidsFile });
      assert.match(result.content, /^Error \(timeout\)/);
      assert.deepEqual(result.running, []);
    });

    it('run_tests stopped by the user: a tree that ignores SIGTERM is gone when the result arrives', async function () {
      if (process.platform === 'win32') this.skip();
      ws = tempWorkspace(TERM_IGNORING_TREE);
      const stop = new AbortController();
      void treePids(ws.dir).then(() => stop.abort(new Error('user stop')));
      const result = await runTestsCall('node tree.js', {}, { pids: pidsFile, stop });
      assert.match(result.content, /^Error \(cancelled\)/);
      assert.deepEqual(result.running, []);
    });

    it('run_tests that exits normally: its background job is gone when the result arrives', async function () {
      if (process.platform === 'win32') this.skip();
      ws = tempWorkspace();
      const result = await runTestsCall('sleep 1000 & echo $! > pids; echo all passed', {}, { pids: pidsFile });
      assert.match(result.content, /exit code 0/);
      assert.match(result.content, /all passed/);
      assert.equal(pidsFile().length, 1);
      assert.deepEqual(result.running, []);
    });

    it('an MCP server that never answers its handshake is left out with a clear message, and its tree is gone', async function () {
      if (process.platform === 'win32') this.skip();
      ws = tempWorkspace();
      const pidsPath = path.join(ws.dir, 'pids');
      const m = new McpManager({
        sources: [{ origin: 'test', servers: { silent: { type: 'stdio', command: process.execPath, args: [path.resolve(__dirname, '../../fakes/mcp/neverHandshakes.cjs')], env: { FAKE_MCP_PIDS: pidsPath } } } }],
        workspaceFolder: ws.dir,
        // Long enough for the server and its worker to start on a loaded machine.
        startTimeoutMs: 3000,
      });
      try {
        assert.deepEqual(await m.tools(), []);
        const [state] = m.states();
        assert.equal(state.status, 'error');
        assert.match(state.message, /could not start: .*timed out/i);
        const pids = pidsFile();
        assert.equal(pids.length, 2);
        assert.deepEqual(pids.filter(alive), [], 'the server and its worker are gone when it is left out');
      } finally {
        await m.dispose();
      }
    });

    it('the CLI stopped with SIGINT exits only after a tree that ignores SIGTERM is gone', async function () {
      if (process.platform === 'win32') this.skip();
      ws = tempWorkspace(TERM_IGNORING_TREE);
      server = await new FakeOpenAIServer((_r, i) => (i === 0 ? { calls: [{ id: 't', name: 'run_tests', arguments: {} }] } : { text: 'ok' })).start();
      const cli = spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../../../src/cli.ts'), '--workspace', ws.dir, '--base-url', server.url, '--test-command', 'node tree.js', 'go'], {
        env: { ...process.env, OPENAI_API_KEY: 'k' },
        stdio: 'ignore',
      });
      const exited = new Promise<number | null>((resolve) => cli.on('exit', (code) => resolve(code)));
      const pids = await treePids(ws.dir);
      cli.kill('SIGINT');
      assert.equal(await exited, 130);
      assert.deepEqual(pids.filter(alive), []);
    });
  });
});
