// subagent_speedup and subagent_shared_file_edits: whole agent runs through the headless runner's pieces (real
// OpenAI SDK against a scripted model over localhost, real tools, a real NodeWorkspace, the delegate tool as the
// settings build it), so every model round trip, tool call and subagent goes the way it goes in use.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runAgent, type AgentEvent } from '../../src/agent/loop';
import { buildAgentConfig, defaultAgentSettings } from '../../src/agent/settings';
import { silentLogger } from '../../src/host/logger';
import { NodeProcessRunner } from '../../src/node/nodeProcessRunner';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import { createProvider } from '../../src/providers';
import type { Message } from '../../src/shared/transcript';
import { builtinTools } from '../../src/tools';
import { toolRegistry } from '../../src/tools/tool';
import { FakeOpenAIServer, type OpenAIScript } from '../../test/fakes/openaiServer';
import { withLatency } from '../../test/fakes/reviewScenario';
import {
  delegatingReviewPrompt, REVIEW_MODULES, reviewerRoundTrips, singleReviewPrompt, SUBAGENT_COUNT, subagentReviewScript, writeSubagentReviewWorkspace,
} from '../../test/fakes/subagentReviewScenario';
import { editorTurn, editTaskPrompt, isSubagentRequest, parseEditTask, stepOf, type EditTask } from '../../test/fakes/subagentScript';
import { checked, fmtMs, median, repeat, type Scenario } from '../lib';

interface AgentRun {
  script: OpenAIScript;
  prompt: string;
  /** Writes the workspace; returns the test command, if any. */
  seed(dir: string): string | undefined;
  toolLatencyMs: number;
  /** Files to read back once the run ends (the workspace is gone after). */
  readBack?: string[];
}

/** One whole run; throws unless it ends with a final answer. */
async function runOnce(run: AgentRun) {
  const dir = mkdtempSync(path.join(tmpdir(), 'fanout-bench-sub-'));
  const server = await new FakeOpenAIServer(run.script).start();
  const runner = new NodeProcessRunner();
  try {
    const testCommand = run.seed(dir);
    const provider = await createProvider({ provider: 'openai', apiKey: 'bench', baseUrl: `${server.url}/v1` });
    // Reads and searches get the injected latency (a slower disk); test runs are shell sleeps of the same length.
    const tools = toolRegistry(builtinTools.map((t) => (t.name === 'read_file' || t.name === 'search_workspace' ? withLatency(t, run.toolLatencyMs) : t)));
    // Both sides get the same settings (the delegate tool is offered to both; only the scripted model decides).
    const config = buildAgentConfig(
      { ...defaultAgentSettings, model: 'scripted', maxTurns: 60, maxRetries: 0, testCommand },
      { provider, workspace: await NodeWorkspace.open(dir), runner, tools, logger: silentLogger },
    );
    const events: AgentEvent[] = [];
    const started = performance.now();
    const outcome = await runAgent(config, [] as Message[], run.prompt, { signal: new AbortController().signal, onEvent: (e) => events.push(e) });
    const wallMs = performance.now() - started;
    if (outcome.status !== 'final') throw new Error(`run ended ${outcome.status}: ${outcome.text}`);
    const files = Object.fromEntries((run.readBack ?? []).map((rel) => [rel, readFileSync(path.join(dir, rel), 'utf8')]));
    return { wallMs, events, requests: server.chatRequests.length, files };
  } finally {
    await server.close();
    await runner.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const subagentSpeedup: Scenario = {
  title: '16 modules reviewed by 4 subagents vs one agent',
  names: ['subagent_speedup'],
  async run({ quick, repeats, progress }) {
    // Full mode: the review_speedup row's model latency. Quick mode scales latencies down; the CPU spent on each
    // turn (process spawns above all: Node forks on its one event loop, which every agent shares) does not scale,
    // so expect a lower ratio there.
    const modelLatencyMs = quick ? 150 : 1000;
    const toolLatencyMs = quick ? 15 : 150;
    const side = (prompt: string, latencyMs = modelLatencyMs): AgentRun => ({
      script: subagentReviewScript(latencyMs),
      prompt,
      seed: (dir) => writeSubagentReviewWorkspace(dir, toolLatencyMs),
      toolLatencyMs,
    });
    const single = side(singleReviewPrompt());
    const multi = side(delegatingReviewPrompt());
    const check = (label: string, r: Awaited<ReturnType<typeof runOnce>>, roundTrips: number, subagents: number) => {
      const done = r.events.filter((e) => e.type === 'subagent' && e.status === 'done').length;
      const calls = r.events.filter((e) => e.type === 'batch').reduce((n, e) => n + (e.type === 'batch' ? e.log.calls.filter((c) => c.name !== 'delegate' && c.ok).length : 0), 0);
      if (r.requests !== roundTrips || done !== subagents || calls !== REVIEW_MODULES * 5) {
        const failed = r.events.flatMap((e) => (e.type === 'batch' ? e.log.calls.filter((c) => !c.ok).map((c) => `${c.name}(${c.summary}) ${c.error ?? c.state}`) : []));
        throw new Error(`${label}: ${failed.slice(0, 3).join('; ')} ${r.requests} round trips (expected ${roundTrips}), ${done} subagents done (${subagents}), ${calls} calls ok (${REVIEW_MODULES * 5})`);
      }
    };
    const perSub = REVIEW_MODULES / SUBAGENT_COUNT;
    const singleTrips = reviewerRoundTrips(REVIEW_MODULES);
    const multiTrips = 2 + SUBAGENT_COUNT * reviewerRoundTrips(perSub);
    // Round trips one after another: the single agent's all, the subagents' one each plus the parent's two.
    const critical = 2 + reviewerRoundTrips(perSub);
    // Cold code paths and the SDK's first request are paid by neither side (latency does not matter for that).
    await runOnce(side(delegatingReviewPrompt(), 10));
    // A pair takes ~80 s in full mode.
    const times = Math.min(repeats, 2);
    const pairs = await repeat(times, async (i) => {
      const m = await runOnce(multi);
      const s = await runOnce(single);
      check('subagents', m, multiTrips, SUBAGENT_COUNT);
      check('single agent', s, singleTrips, 0);
      progress(`subagent_speedup ${i + 1}/${times}: 4 subagents ${fmtMs(m.wallMs)}, one agent ${fmtMs(s.wallMs)}`);
      return { multi: m.wallMs, single: s.wallMs, speedup: s.wallMs / m.wallMs };
    });
    const m = median(pairs.map((p) => p.multi));
    const s = median(pairs.map((p) => p.single));
    return [
      checked('subagent_speedup', median(pairs.map((p) => p.speedup)), 'x', '>=', 3,
        `${REVIEW_MODULES} modules, 5 calls each (read + search callers, read caller + test, run tests): 3 dependent steps per module, the calls of a step batched in one turn, ` +
          `the same turn shape for every agent; model ${modelLatencyMs} ms per round trip, reads/searches +${toolLatencyMs} ms, each test run a ${toolLatencyMs} ms shell sleep. ` +
          `One agent: all ${REVIEW_MODULES} modules, ${singleTrips} round trips one after another, ${fmtMs(s)}. ` +
          `Parent delegating to ${SUBAGENT_COUNT} subagents of ${perSub} modules: ${multiTrips} round trips, ${critical} on the critical path (delegate turn, ${reviewerRoundTrips(perSub)} per subagent at once, answer), ${fmtMs(m)}; ` +
          `ideal ${(singleTrips / critical).toFixed(2)}x. The gain is model round trips overlapping across agents: a model that batched one step for all ${REVIEW_MODULES} modules in one turn would need 4 round trips alone. ${times > 1 ? `median of ${times} pairs` : 'one pair'}`),
    ];
  },
};

const EDIT_AGENTS = 4;
const EDITS_EACH = 5;
const editTasks = (): EditTask[] =>
  Array.from({ length: EDIT_AGENTS }, (_, a) => ({ file: 'src/shared.ts', edits: Array.from({ length: EDITS_EACH }, (_, k) => ({ oldText: `slot(${a}, ${k}); // todo`, newText: `slot(${a}, ${k}); // done by agent ${a}` })) }));
const sharedText = (line: (a: number, k: number) => string) =>
  `export function shared() {\n${Array.from({ length: EDIT_AGENTS * EDITS_EACH }, (_, n) => `  ${line(n % EDIT_AGENTS, Math.floor(n / EDIT_AGENTS))}\n  work(${n});`).join('\n')}\n}\n`;

export const subagentSharedFileEdits: Scenario = {
  title: '4 subagents x 5 edits on one file',
  names: ['subagent_shared_file_edits'],
  async run({ quick, repeats, progress }) {
    const modelLatencyMs = quick ? 50 : 150;
    const tasks = editTasks();
    const script: OpenAIScript = (req) => {
      if (isSubagentRequest(req)) return { latencyMs: modelLatencyMs, ...editorTurn(req, parseEditTask(req)!).turn };
      if (stepOf(req) > 0) return { latencyMs: modelLatencyMs, text: 'Every region edited.' };
      return { latencyMs: modelLatencyMs, calls: tasks.map((t, a) => ({ name: 'delegate', arguments: { prompt: editTaskPrompt(t), description: `region of agent ${a}`, canEdit: true } })) };
    };
    const expected = sharedText((a, k) => `slot(${a}, ${k}); // done by agent ${a}`);
    const runs = await repeat(repeats, async (i) => {
      const r = await runOnce({
        script,
        prompt: 'Edit the four regions of src/shared.ts with four subagents.',
        seed: (dir) => {
          mkdirSync(path.join(dir, 'src'));
          writeFileSync(path.join(dir, 'src/shared.ts'), sharedText((a, k) => `slot(${a}, ${k}); // todo`));
          return undefined;
        },
        toolLatencyMs: 0,
        readBack: ['src/shared.ts'],
      });
      const content = r.files['src/shared.ts'];
      const edits = r.events.flatMap((e) => (e.type === 'batch' && e.log.agent ? e.log.calls.filter((c) => c.name === 'apply_edit') : []));
      const applied = edits.filter((c) => c.ok).length;
      const stale = edits.filter((c) => c.error === 'stale_file').length;
      // Lost: an edit missing from the file; doubled: one present more than once (both must be 0, whatever was reported).
      const lost = tasks.flatMap((t) => t.edits).filter((e) => !content.includes(e.newText) || content.split(e.newText).length > 2).length;
      if (content !== expected && lost === 0) throw new Error('src/shared.ts differs from the expected text beyond the edits');
      progress(`subagent_shared_file_edits ${i + 1}/${repeats}: ${applied} applied, ${lost} lost, ${stale} refused as stale and redone, ${fmtMs(r.wallMs)}`);
      return { applied, lost, stale, wallMs: r.wallMs };
    });
    const worst = Math.max(...runs.map((r) => r.lost));
    const applied = runs.map((r) => r.applied);
    const row = checked('subagent_shared_file_edits', worst, 'lost', '<=', 0,
        `${EDIT_AGENTS} edit-capable subagents x ${EDITS_EACH} edits to one file, started together (model ${modelLatencyMs} ms per round trip); each reads the file, sends its 5 edits in one turn, re-reads after a refusal. ` +
          `Applied: ${applied.join(', ')} of ${EDIT_AGENTS * EDITS_EACH} per run; lost or doubled: ${runs.map((r) => r.lost).join(', ')} (the file on disk checked against the text with every edit exactly once); ` +
          `refused as stale and redone: ${runs.map((r) => r.stale).join(', ')}; wall ${fmtMs(median(runs.map((r) => r.wallMs)))}; ${repeats} run(s)`);
    // "All applied" is half the target: an edit reported applied fewer or more times than asked misses it too.
    if (applied.some((n) => n !== EDIT_AGENTS * EDITS_EACH)) Object.assign(row, { pass: false, status: 'MISS' });
    return [row];
  },
};
