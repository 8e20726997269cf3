// `npm run demo`: the reference's review (8 files x 3 tools = 24 calls) against a scripted model served over the real
// OpenAI wire protocol on localhost, run once with parallel tool calls and once without. No API key, no internet.
// `npm run demo -- --review`: the seed's review on a generated git repository (git_diff, then read_file + git_blame +
// get_diagnostics for each of 8 changed files in one batch, then the review).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { runAgent } from '../src/agent/loop';
import { buildAgentConfig, defaultAgentSettings } from '../src/agent/settings';
import { silentLogger } from '../src/host/logger';
import { NodeDiagnostics } from '../src/node/nodeDiagnostics';
import { NodeProcessRunner } from '../src/node/nodeProcessRunner';
import { NodeWorkspace } from '../src/node/nodeWorkspace';
import { createProvider } from '../src/providers';
import type { Message } from '../src/shared/transcript';
import { builtinTools } from '../src/tools';
import { toolRegistry } from '../src/tools/tool';
import { FakeOpenAIServer } from '../test/fakes/openaiServer';
import { reviewScript, withLatency, writeReviewWorkspace } from '../test/fakes/reviewScenario';
import { seedReviewScript, writeSeedReviewRepo } from '../test/fakes/seedReviewScenario';

const SCENARIOS = {
  // Reads and searches get the injected latency; each test run is a shell sleep of the same length.
  reference: { script: reviewScript, prompt: 'Review the 8 modules in src/: read each, find its callers, run its tests.', slowed: (name: string) => name !== 'run_tests' },
  // Reads get the injected latency; git runs for real; each lint (get_diagnostics) is a shell sleep of the same length.
  seed: { script: seedReviewScript, prompt: 'Review the uncommitted changes: take the diff, then read, blame and lint every changed file.', slowed: (name: string) => name === 'read_file' },
};

export async function runReview(options: { parallel: boolean; modelLatencyMs: number; toolLatencyMs: number; scenario?: keyof typeof SCENARIOS; onBatch?: (line: string) => void }) {
  const scenario = SCENARIOS[options.scenario ?? 'reference'];
  const dir = mkdtempSync(path.join(tmpdir(), 'fanout-demo-'));
  const server = await new FakeOpenAIServer(scenario.script(options.modelLatencyMs)).start();
  const runner = new NodeProcessRunner();
  try {
    const seed = options.scenario === 'seed';
    const command = seed ? writeSeedReviewRepo(dir, options.toolLatencyMs) : writeReviewWorkspace(dir, options.toolLatencyMs);
    const workspace = await NodeWorkspace.open(dir);
    const provider = await createProvider({ provider: 'openai', apiKey: 'demo', baseUrl: `${server.url}/v1` });
    const tools = toolRegistry(builtinTools.map((t) => (scenario.slowed(t.name) ? withLatency(t, options.toolLatencyMs) : t)));
    const config = buildAgentConfig(
      // One call per turn needs a turn per call (25) plus the answer.
      { ...defaultAgentSettings, model: 'scripted-reviewer', parallelToolCalls: options.parallel, maxTurns: 30, testCommand: seed ? undefined : command },
      { provider, workspace, runner, diagnostics: seed ? new NodeDiagnostics({ workspace, runner, lintCommand: command }) : undefined, tools, logger: silentLogger },
    );
    const started = performance.now();
    const messages: Message[] = [];
    const outcome = await runAgent(config, messages, scenario.prompt, {
      signal: new AbortController().signal,
      onEvent: (e) => {
        if (e.type === 'batch' && options.onBatch) {
          const ok = e.log.calls.filter((c) => c.ok).length;
          options.onBatch(`  turn ${String(e.log.turn).padStart(2)}: ${e.log.calls.length} call(s) [${[...new Set(e.log.calls.map((c) => c.name))].join(', ')}] in ${e.log.wallMs} ms, ${ok} ok`);
        }
      },
    });
    const wallMs = performance.now() - started;
    const calls = messages.filter((m) => m.role === 'tool').reduce((n, m) => n + (m.role === 'tool' ? m.results.length : 0), 0);
    return { outcome, wallMs, roundTrips: server.chatRequests.length, calls, inputTokens: outcome.usage.inputTokens };
  } finally {
    await server.close();
    await runner.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const { values } = parseArgs({ options: { 'model-latency': { type: 'string' }, 'tool-latency': { type: 'string' }, quiet: { type: 'boolean' }, review: { type: 'boolean' } } });
  const scenario = values.review ? 'seed' : 'reference';
  const modelLatencyMs = Number(values['model-latency'] ?? 1000);
  const toolLatencyMs = Number(values['tool-latency'] ?? 150);
  const log = (s: string) => console.log(s);
  log(
    values.review
      ? `Fanout demo: the seed's review on a git repository with 8 changed files: git_diff, then read_file + git_blame + get_diagnostics per file (24 calls); scripted model ${modelLatencyMs} ms per round trip, reads and lints ~${toolLatencyMs} ms, git for real.\n`
      : `Fanout demo: review 8 files x 3 tools = 24 calls; scripted model ${modelLatencyMs} ms per round trip, tools ~${toolLatencyMs} ms each.\n`,
  );
  log('Parallel tool calls ON:');
  const par = await runReview({ parallel: true, modelLatencyMs, toolLatencyMs, scenario, onBatch: values.quiet ? undefined : log });
  log(`  => ${par.calls} calls, ${par.roundTrips} model round trips, ${(par.wallMs / 1000).toFixed(2)} s, ${par.outcome.status}\n`);
  log('Parallel tool calls OFF (one call per turn):');
  const seq = await runReview({ parallel: false, modelLatencyMs, toolLatencyMs, scenario, onBatch: values.quiet ? undefined : log });
  log(`  => ${seq.calls} calls, ${seq.roundTrips} model round trips, ${(seq.wallMs / 1000).toFixed(2)} s, ${seq.outcome.status}\n`);
  log(`Speedup: ${(seq.wallMs / par.wallMs).toFixed(1)}x  (${(seq.wallMs / 1000).toFixed(1)} s -> ${(par.wallMs / 1000).toFixed(1)} s)`);
  if (par.outcome.status !== 'final' || seq.outcome.status !== 'final') process.exitCode = 1;
}

if (require.main === module) void main();
