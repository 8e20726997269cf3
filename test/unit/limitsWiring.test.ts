// The caps the user sets must reach the scheduler that runs the calls: `fanout.maxConcurrentTools` and
// `fanout.toolLimits` through the VS Code settings reader, `--max-concurrent` through the CLI, and the run_tests
// default (8: a review batch of 8 test runs is one wave). Each is checked by what the scheduler does, not by a field.
import * as assert from 'node:assert/strict';
import type { AgentSettings } from '../../src/agent/settings';
import { buildAgentConfig } from '../../src/agent/settings';
import { readUserSettings } from '../../src/agent/userSettings';
import { cliAgentSettings, parse } from '../../src/cli';
import { silentLogger } from '../../src/host/logger';
import { NodeProcessRunner } from '../../src/node/nodeProcessRunner';
import type { ModelProvider } from '../../src/providers/provider';
import { toolRegistry } from '../../src/tools/tool';
import { call, ConcurrencyProbe, runBatch, sleepTool } from '../fakes/fakeTools';

/** Peak concurrency of `n` calls of a plain tool and of `n` run_tests calls, each batch on its own. */
async function peaks(settings: AgentSettings, n: number): Promise<{ plain: number; tests: number }> {
  const plain = new ConcurrencyProbe();
  const tests = new ConcurrencyProbe();
  const config = buildAgentConfig(settings, {
    provider: {} as ModelProvider,
    workspace: { root: '/nowhere' } as never,
    runner: new NodeProcessRunner(),
    tools: toolRegistry([sleepTool(plain), sleepTool(tests, { name: 'run_tests', access: 'exec' })]),
    logger: silentLogger,
  });
  await runBatch(config.scheduler, Array.from({ length: n }, (_, i) => call(`p${i}`, 'sleep', { ms: 15, label: `p${i}` })));
  await runBatch(config.scheduler, Array.from({ length: n }, (_, i) => call(`t${i}`, 'run_tests', { ms: 15, label: `t${i}` })));
  return { plain: plain.peak, tests: tests.peak };
}

const fromVscode = (values: Record<string, unknown>) => readUserSettings((k) => values[k]).settings.agent;

describe('concurrency settings reach the scheduler', () => {
  it('VS Code defaults: 24 at once (a review batch in one wave), and 8 test runs in one wave', async () => {
    assert.deepEqual(await peaks(fromVscode({}), 30), { plain: 24, tests: 8 });
  });

  it('VS Code: fanout.maxConcurrentTools and fanout.toolLimits.run_tests.maxConcurrent', async () => {
    assert.deepEqual(await peaks(fromVscode({ maxConcurrentTools: 3 }), 10), { plain: 3, tests: 3 });
    assert.deepEqual(await peaks(fromVscode({ toolLimits: { run_tests: { maxConcurrent: 2 } } }), 10), { plain: 10, tests: 2 });
  });

  it('VS Code: fanout.toolLimits timeoutSeconds reaches the scheduler, keeping the default cap', () => {
    const config = buildAgentConfig(fromVscode({ toolLimits: { run_tests: { timeoutSeconds: 12 }, mcp__s__t: { maxConcurrent: 1 } } }), {
      provider: {} as ModelProvider,
      workspace: { root: '/nowhere' } as never,
      runner: new NodeProcessRunner(),
      tools: toolRegistry([]),
      logger: silentLogger,
    });
    assert.equal(config.scheduler.timeoutFor({ name: 'run_tests' }), 12_000);
    assert.deepEqual(config.scheduler.options.perTool.run_tests, { maxConcurrent: 8, timeoutMs: 12_000 });
    assert.deepEqual(config.scheduler.options.perTool.mcp__s__t, { maxConcurrent: 1 });
  });

  it('CLI: the defaults, and --max-concurrent', async () => {
    assert.deepEqual(await peaks(cliAgentSettings(parse(['go'])), 30), { plain: 24, tests: 8 });
    assert.deepEqual(await peaks(cliAgentSettings(parse(['--max-concurrent', '2', 'go'])), 6), { plain: 2, tests: 2 });
  });

  it('reports bad fanout.toolLimits entries and keeps the good ones', () => {
    const { settings, problems } = readUserSettings((k) =>
      k === 'toolLimits' ? { run_tests: { maxConcurrent: 0, timeoutSeconds: 60 }, read_file: 'fast', x: { wat: 1 } } : undefined,
    );
    assert.deepEqual(settings.agent.toolLimits, { run_tests: { timeoutSeconds: 60 }, x: {} });
    assert.deepEqual(problems, [
      'fanout.toolLimits.run_tests.maxConcurrent must be a whole number from 1 to 64; using the default.',
      'fanout.toolLimits.read_file must be an object with maxConcurrent and/or timeoutSeconds; ignored.',
      'fanout.toolLimits.x.wat is not a limit (maxConcurrent, timeoutSeconds); ignored.',
    ]);
  });
});

describe('package.json settings defaults', () => {
  it('match the defaults module the code reads', async () => {
    const { DEFAULT_MAX_CONCURRENT_TOOLS, DEFAULT_TOOL_LIMITS, DEFAULT_TOOL_TIMEOUT_SECONDS } = await import('../../src/agent/defaults');
    const { DEFAULT_MCP_MAX_CONCURRENT } = await import('../../src/mcp/config');
    const props = (await import('../../package.json')).contributes.configuration.properties;
    assert.equal(props['fanout.maxConcurrentTools'].default, DEFAULT_MAX_CONCURRENT_TOOLS);
    assert.equal(props['fanout.toolTimeoutSeconds'].default, DEFAULT_TOOL_TIMEOUT_SECONDS);
    assert.deepEqual(props['fanout.toolLimits'].default, DEFAULT_TOOL_LIMITS);
    assert.equal(props['fanout.mcpServers'].additionalProperties.properties.maxConcurrent.default, DEFAULT_MCP_MAX_CONCURRENT);
  });
});
