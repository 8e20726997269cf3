// long_session_turn_ms: what one turn costs the agent itself (the provider's request building plus the loop's and
// the scheduler's bookkeeping) at turn 200 of a session against turn 1. The model is an in-process provider that
// builds the request with one provider's converters (src/providers/*/convert.ts, each provider in its own sessions,
// as a session talks to one) and answers at once with 3 no-op calls, so nothing but our own per-turn work is timed.
// A baseline without request building runs alongside. Growth here would make long sessions quadratic.
import { readdirSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { runAgent } from '../../src/agent/loop';
import { buildAgentConfig, defaultAgentSettings } from '../../src/agent/settings';
import { silentLogger } from '../../src/host/logger';
import { NodeProcessRunner } from '../../src/node/nodeProcessRunner';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import type { ModelEvent, ModelProvider, ModelRequest } from '../../src/providers/provider';
import type { Message } from '../../src/shared/transcript';
import { defineTool, toolRegistry, type ToolDefinition } from '../../src/tools/tool';
import { tempWorkspace } from '../../test/fakes/tempWorkspace';
import { checked, median, type Scenario } from '../lib';

const TURNS = 200;
const CALLS_PER_TURN = 3;
/** Turns averaged at each end, so one GC pause does not decide the figure. */
const WINDOW = 10;

type Module = Record<string, (...args: any[]) => unknown>;
/** How each provider builds its request from the transcript: mirrors its *Provider.ts. */
const BUILDERS: Record<string, (m: Module, r: ModelRequest) => unknown[]> = {
  openai: (m, r) => [m.toOpenAIMessages(r.system, r.messages), m.toOpenAITools(r.tools)],
  anthropic: (m, r) => [m.toAnthropicSystem(r.system), m.toAnthropicMessages(r.messages, { cacheLastMessage: true }), m.toAnthropicTools(r.tools)],
  gemini: (m, r) => [m.toGeminiSystem(r.system, r.parallelToolCalls), m.toGeminiContents(r.messages), m.toGeminiTools(r.tools)],
  // The neutral parts; the extension maps them 1:1 onto vscode.LanguageModelChat* objects, which need the host.
  vscodeLm: (m, r) => [m.toLmMessages(r), m.toLmTools(r.tools)],
};

const lookup = defineTool({
  name: 'lookup',
  description: 'Returns a canned result about the size of a small file.',
  access: 'read',
  schema: z.object({ key: z.string() }),
  summary: (input) => input.key,
  async execute(input) {
    return `result for ${input.key}\n${'const line = "some typical file content here";\n'.repeat(24)}`;
  },
}) as ToolDefinition;

interface Converter {
  name: string;
  build: (r: ModelRequest) => unknown[];
}

export const longSession: Scenario = {
  title: 'per-turn cost at turn 200 vs turn 1',
  names: ['long_session_turn_ms'],
  async run({ repeats, progress }) {
    const { converters, unmeasured } = await discoverConverters();
    if (!converters.length) throw new Error('no provider converters found under src/providers/*/convert.ts');
    if (unmeasured.length) progress(`WARNING: no builder in bench/scenarios/longSession.ts for ${unmeasured.join(', ')}: not measured`);
    const ws = tempWorkspace({ 'README.md': 'bench\n' });
    try {
      const workspace = await NodeWorkspace.open(ws.dir);
      // A session talks to one provider, so each is measured alone; "loop only" (no request building) is the baseline.
      const variants: { name: string; converter?: Converter }[] = [{ name: 'loop only' }, ...converters.map((c) => ({ name: c.name, converter: c }))];
      const times = Math.max(repeats, 5);
      const sessions = new Map<string, SessionTimes[]>(variants.map((v) => [v.name, []]));
      for (const v of variants) await runSession(workspace, v.converter); // warm-up: compile every path once
      for (let r = 0; r < times; r++) for (const v of variants) sessions.get(v.name)!.push(await runSession(workspace, v.converter));

      const results = variants.map((v) => {
        const runs = sessions.get(v.name)!;
        const at = (key: 'turnMs' | 'buildMs', from: number) => median(runs.flatMap((s) => s[key].slice(from, from + WINDOW)));
        const turn1 = at('turnMs', 0);
        const turnN = at('turnMs', TURNS - WINDOW);
        return { name: v.name, measured: !!v.converter, turn1, turnN, ratio: turnN / turn1, build1: at('buildMs', 0), buildN: at('buildMs', TURNS - WINDOW), bodyKb: runs[0].bodyBytes / 1024 };
      });
      const worst = results.filter((r) => r.measured).reduce((a, b) => (b.ratio > a.ratio ? b : a));
      const describe = (r: (typeof results)[number]) =>
        `${r.name} ${fmtUs(r.turn1)} -> ${fmtUs(r.turnN)} (${r.ratio.toFixed(2)}x${r.measured ? `; building ${fmtUs(r.build1)} -> ${fmtUs(r.buildN)}; body ${r.bodyKb.toFixed(0)} KB` : ''})`;
      for (const r of results) progress(`long_session: ${describe(r)}`);
      return [
        checked('long_session_turn_ms', worst.ratio, 'x', '<=', 2,
          `worst provider: ${worst.name}. Per-turn agent work (request building + loop + scheduler, ${CALLS_PER_TURN} calls/turn), turn 1 -> turn ${TURNS}, ` +
            `medians of turns 1-${WINDOW} and ${TURNS - WINDOW + 1}-${TURNS} over ${times} sessions each: ${results.map(describe).join('; ')}. ` +
            `Not included: the SDK serialising the body, inherently linear` +
            (unmeasured.length ? `; NOT MEASURED (no builder): ${unmeasured.join(', ')}` : '')),
      ];
    } finally {
      ws.cleanup();
    }
  },
};

interface SessionTimes {
  /** Wall time of each turn: from its turn-start to the next one. */
  turnMs: number[];
  /** Request building per turn (0 without a converter). */
  buildMs: number[];
  /** The built request's size at the last turn. */
  bodyBytes: number;
}

async function runSession(workspace: NodeWorkspace, converter: Converter | undefined): Promise<SessionTimes> {
  const times: SessionTimes = { turnMs: [], buildMs: [], bodyBytes: 0 };
  const provider: ModelProvider = {
    id: 'openai',
    async *stream(request: ModelRequest): AsyncIterable<ModelEvent> {
      const turn = times.buildMs.length + 1;
      const t0 = performance.now();
      const built = converter?.build(request);
      times.buildMs.push(performance.now() - t0);
      if (turn === TURNS && built) times.bodyBytes = JSON.stringify(built).length;
      if (turn > TURNS) {
        yield { type: 'text-delta', text: 'Done.' };
        yield { type: 'finish', reason: 'stop' };
        return;
      }
      for (let i = 0; i < CALLS_PER_TURN; i++) yield { type: 'tool-call', call: { id: `call_${turn}_${i}`, name: 'lookup', arguments: JSON.stringify({ key: `k${turn}.${i}` }) } };
      yield { type: 'usage', usage: { inputTokens: 1000 + turn * 100, outputTokens: 30 } };
      yield { type: 'finish', reason: 'tool_calls' };
    },
  };
  const config = buildAgentConfig(
    // A window that holds the whole session: this row measures per-turn work (the context estimate included), not compaction.
    { ...defaultAgentSettings, model: 'in-process', maxTurns: TURNS + 1, contextWindow: 100_000_000 },
    { provider, workspace, runner: new NodeProcessRunner(), tools: toolRegistry([lookup]), logger: silentLogger },
  );
  const starts: number[] = [];
  const messages: Message[] = [];
  const outcome = await runAgent(config, messages, 'Look up 600 things.', {
    signal: new AbortController().signal,
    onEvent: (e) => {
      if (e.type === 'turn-start') starts.push(performance.now());
    },
  });
  if (outcome.status !== 'final' || outcome.turns !== TURNS + 1) throw new Error(`session ended ${outcome.status} after ${outcome.turns} turns: ${outcome.text}`);
  for (let t = 0; t < TURNS; t++) times.turnMs.push(starts[t + 1] - starts[t]);
  return times;
}

/** Every src/providers/<name>/convert.ts, loaded lazily so a provider added later is noticed, not missed. */
async function discoverConverters(): Promise<{ converters: Converter[]; unmeasured: string[] }> {
  const dir = path.join(__dirname, '../../src/providers');
  const converters: Converter[] = [];
  const unmeasured: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name, 'convert.ts');
    if (!existsSync(file)) continue;
    const builder = BUILDERS[name];
    if (!builder) {
      unmeasured.push(name);
      continue;
    }
    const mod = (await import(file)) as Module;
    converters.push({ name, build: (r) => builder(mod, r) });
  }
  return { converters, unmeasured };
}

function fmtUs(ms: number): string {
  return `${(ms * 1000).toFixed(0)} us`;
}
