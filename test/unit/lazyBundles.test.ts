// The lazy bundles as built (esbuild.mjs): activation loads the shell alone, and errors from another bundle's copy of
// ProviderError / ToolError are still recognised (brand checks), so the loop retries a rate limit the OpenAI bundle
// classified. Builds dist/ first (dev build, with source maps) so it checks this tree, not a stale build.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { runAgent, type AgentEvent } from '../../src/agent/loop';
import { buildAgentConfig, defaultAgentSettings } from '../../src/agent/settings';
import { silentLogger } from '../../src/host/logger';
import { NodeProcessRunner } from '../../src/node/nodeProcessRunner';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import { ProviderError, type ModelProvider, type ProviderConfig } from '../../src/providers/provider';
import type { Message } from '../../src/shared/transcript';
import { builtinTools } from '../../src/tools';
import { toolRegistry } from '../../src/tools/tool';
import { ToolError } from '../../src/tools/toolError';
import { COMMAND_IDS } from '../../src/vscode/commandIds';
import { LM_TOOLS } from '../../src/vscode/lmToolNames';
import { FakeOpenAIServer } from '../fakes/openaiServer';
import { tempWorkspace } from '../fakes/tempWorkspace';

const ROOT = path.join(__dirname, '../..');
const run = promisify(execFile);

interface Probe {
  loaded: string[];
  commands: string[];
  views: string[];
  lmTools: string[];
}

/** The module at `file`, bundled on its own: a second copy of its classes, as a lazy bundle has. */
async function separateCopy<T>(file: string): Promise<T> {
  const out = await esbuild.build({ entryPoints: [path.join(ROOT, file)], bundle: true, platform: 'node', format: 'cjs', write: false, logLevel: 'silent' });
  const m = new Module(file);
  (m as unknown as { _compile(code: string, filename: string): void })._compile(out.outputFiles[0].text, path.join(ROOT, file));
  return m.exports as T;
}

describe('lazy bundles', () => {
  before(async function () {
    this.timeout(180_000);
    await run(process.execPath, ['esbuild.mjs', 'extension', 'cli'], { cwd: ROOT, timeout: 170_000 });
  });

  it('activate() loads dist/extension.js alone and registers every command, the chat view and the language model tools', async function () {
    this.timeout(30_000);
    const { stdout } = await run(process.execPath, [path.join(ROOT, 'bench/host/activationProbe.js')], { cwd: ROOT });
    const probe = JSON.parse(stdout) as Probe;
    assert.deepEqual(probe.loaded, ['dist/extension.js'], 'activation loaded another file (a lazy bundle or a package)');
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
    assert.deepEqual([...probe.commands].sort(), pkg.contributes.commands.map((c) => c.command).sort());
    assert.deepEqual([...probe.commands].sort(), [...COMMAND_IDS].sort());
    assert.deepEqual(probe.views, ['fanout.chat']);
    assert.deepEqual(probe.lmTools, LM_TOOLS.map((t) => t.name));
  });

  it('the activation bundle holds no package and none of the core: the SDKs, zod and the agent are in dist/lazy', () => {
    const map = JSON.parse(readFileSync(path.join(ROOT, 'dist/extension.js.map'), 'utf8')) as { sources: string[] };
    const sources = map.sources.map((s) => s.replace(/^(\.\.\/)+/, ''));
    assert.deepEqual(sources.filter((s) => s.includes('node_modules/')), []);
    assert.deepEqual(sources.filter((s) => /^src\/(agent|tools|mcp|node|shared)\//.test(s)), []);
    assert.ok(sources.includes('lazy-bundles:core'), 'the shell reaches the core through its loader');
    const core = readFileSync(path.join(ROOT, 'dist/lazy/core.js'), 'utf8');
    for (const sdk of ['openai', 'anthropic', 'gemini', 'mcp']) assert.ok(core.includes(`require("./${sdk}.js")`), `the core loads dist/lazy/${sdk}.js`);
  });

  it('ProviderError.is and ToolError.is recognise a copy of the class from another bundle, where instanceof does not', async () => {
    const other = await separateCopy<{ ProviderError: typeof ProviderError }>('src/providers/provider.ts');
    const foreign = new other.ProviderError('rate_limit', 'slow down');
    assert.notEqual(other.ProviderError, ProviderError, 'a separate copy of the class');
    assert.equal(Object.getPrototypeOf(foreign) === ProviderError.prototype, false);
    assert.equal(ProviderError.is(foreign), true);
    assert.equal(ProviderError.is(new ProviderError('auth', 'no')), true);
    for (const not of [new Error('x'), { kind: 'auth', message: 'x' }, null, undefined, 'ProviderError', new ToolError('failed', 'x')]) assert.equal(ProviderError.is(not), false);

    const tools = await separateCopy<{ ToolError: typeof ToolError }>('src/tools/toolError.ts');
    assert.equal(ToolError.is(new tools.ToolError('timeout', 'late')), true);
    assert.equal(ToolError.is(new ToolError('timeout', 'late')), true);
    for (const not of [new Error('x'), { code: 'timeout', message: 'x' }, null, 'ToolError', new ProviderError('auth', 'x')]) assert.equal(ToolError.is(not), false);
  });

  it('the loop retries a rate limit classified by the built OpenAI bundle (dist/lazy/openai.js)', async function () {
    this.timeout(30_000);
    const ws = tempWorkspace({ 'a.txt': 'alpha\n' });
    const server = await new FakeOpenAIServer((_r, i) => (i === 0 ? { kind: 'status', status: 429, headers: { 'retry-after': '0' } } : { text: 'ok' })).start();
    try {
      const bundle = path.join(ROOT, 'dist/lazy/openai.js');
      const { OpenAIProvider } = (await import(bundle)) as { OpenAIProvider: new (c: ProviderConfig) => ModelProvider };
      const provider = new OpenAIProvider({ provider: 'openai', apiKey: 'k', baseUrl: server.url });
      const config = buildAgentConfig(
        { ...defaultAgentSettings, model: 'gpt-fake' },
        { provider, workspace: await NodeWorkspace.open(ws.dir), runner: new NodeProcessRunner(), tools: toolRegistry(builtinTools), logger: silentLogger },
      );
      config.retryBaseDelayMs = 1;
      const events: AgentEvent[] = [];
      const messages: Message[] = [];
      const outcome = await runAgent(config, messages, 'hi', { signal: new AbortController().signal, onEvent: (e) => events.push(e) });
      assert.equal(outcome.status, 'final');
      assert.equal(outcome.text, 'ok');
      const retries = events.filter((e) => e.type === 'retry');
      assert.equal(retries.length, 1, 'the 429 was recognised as a ProviderError (rate_limit) and retried');
      assert.equal(server.chatRequests.length, 2);
    } finally {
      ws.cleanup();
      await server.close();
    }
  });
});
