// long_session_turn_ms: what one turn costs the agent itself (the provider's request building plus the loop's and
// the scheduler's bookkeeping) at turn 200 of a session against turn 1. The model is an in-process provider that
// builds the request with EVERY provider's converters (src/providers/*/convert.ts) and answers at once with 3
// no-op calls, so nothing but our own per-turn work is timed. Growth here would make long sessions quadratic.
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
import { checked, median, repeat, type Scenario } from '../lib';

const TURNS = 200;
const CALLS_PER_TURN = 3;
/** Turns averaged at each end, so one GC pause does not decide the figure. */
const WINDOW = 5;

type Module = Record<string, (...args: any[]) => unknown>;
/** How each provider builds its request from the transcript: mirrors its *Provider.ts. */
const BUILDERS: Record<string, (m: Module, r: ModelRequest) => unknown[]> = {
  openai: (m, r) => [m.toOpenAIMessages(r.system, r.messages), m.toOpenAITools(r.tools)],
  anthropic: (m, r) => [m.toAnthropicSystem(r.system), m.toAnthropicMessages(r.messages, { cacheLastMessage: true }), m.toAnthropicTools(r.tools)],
  gemini: (m, r) => [m.toGeminiSystem(r.system, r.parallelToolCalls), m.toGeminiContents(r.messages), m.toGeminiTools(r.tools)],
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
      const session = () => runSession(workspace, converters);
      await session(); // warm-up: compile every path once
      const sessions = await repeat(Math.max(repeats, 3), () => session());
      const first = (s: SessionTimes, key: 'turnMs' | 'buildMs') => s[key].slice(0, WINDOW);
      const last = (s: SessionTimes, key: 'turnMs' | 'buildMs') => s[key].slice(TURNS - WINDOW, TURNS);
      const at = (pick: typeof first, key: 'turnMs' | 'buildMs') => median(sessions.flatMap((s) => pick(s, key)));
      const turn1 = at(first, 'turnMs');
      const turn200 = at(last, 'turnMs');
      const build1 = at(first, 'buildMs');
      const build200 = at(last, 'buildMs');
      const perProvider = converters
        .map((c) => `${c.name} ${fmtUs(median(sessions.flatMap((s) => s.byProvider[c.name].slice(0, WINDOW))))} -> ${fmtUs(median(sessions.flatMap((s) => s.byProvider[c.name].slice(TURNS - WINDOW))))}`)
        .join(', ');
      const bodyKb = sessions[0].bodyBytes / 1024;
      progress(`long_session: turn 1 ${fmtUs(turn1)}, turn ${TURNS} ${fmtUs(turn200)} (request building ${fmtUs(build1)} -> ${fmtUs(build200)})`);
      return [
        checked('long_session_turn_ms', turn200 / turn1, 'x', '<=', 2,
          `per-turn agent work ${fmtUs(turn1)} at turn 1 vs ${fmtUs(turn200)} at turn ${TURNS} (${CALLS_PER_TURN} calls/turn, medians of turns 1-${WINDOW} and ${TURNS - WINDOW + 1}-${TURNS} over ${sessions.length} sessions); ` +
            `request building alone ${fmtUs(build1)} -> ${fmtUs(build200)} (${perProvider}); ` +
            `not included: the SDK serialising the body, inherently linear (${bodyKb.toFixed(0)} KB at turn ${TURNS})` +
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
  /** Request building (all providers) per turn. */
  buildMs: number[];
  byProvider: Record<string, number[]>;
  bodyBytes: number;
}

async function runSession(workspace: NodeWorkspace, converters: Converter[]): Promise<SessionTimes> {
  const times: SessionTimes = { turnMs: [], buildMs: [], byProvider: Object.fromEntries(converters.map((c) => [c.name, []])), bodyBytes: 0 };
  const provider: ModelProvider = {
    id: 'openai',
    async *stream(request: ModelRequest): AsyncIterable<ModelEvent> {
      const turn = times.buildMs.length + 1;
      let total = 0;
      for (const c of converters) {
        const t0 = performance.now();
        const built = c.build(request);
        const ms = performance.now() - t0;
        times.byProvider[c.name].push(ms);
        total += ms;
        if (turn === TURNS && c.name === 'openai') times.bodyBytes = JSON.stringify(built).length;
      }
      times.buildMs.push(total);
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
    { ...defaultAgentSettings, model: 'in-process', maxTurns: TURNS + 1 },
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
