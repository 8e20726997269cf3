// stream_overlap: the model streams 8 read_file calls over ~2 s. Reads start as soon as each call's arguments are
// complete, so by the end of the stream nearly everything is done. The figure is the gap between the end of the
// stream and the last result (BatchLog.streamEndMs vs the calls' endMs), with the same turn run by the sequential
// scheduler side by side as the baseline.
import { runAgent } from '../../src/agent/loop';
import type { BatchLog } from '../../src/agent/scheduler';
import { buildAgentConfig, defaultAgentSettings } from '../../src/agent/settings';
import { silentLogger } from '../../src/host/logger';
import { NodeProcessRunner } from '../../src/node/nodeProcessRunner';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import { createProvider } from '../../src/providers';
import type { Message } from '../../src/shared/transcript';
import { readFile } from '../../src/tools/readFile';
import { toolRegistry } from '../../src/tools/tool';
import { FakeOpenAIServer, type ScriptedTurn } from '../../test/fakes/openaiServer';
import { withLatency } from '../../test/fakes/reviewScenario';
import { tempWorkspace } from '../../test/fakes/tempWorkspace';
import { checked, fmtMs, median, repeat, type Scenario } from '../lib';

const CALLS = 8;
const STREAM_MS = 2000;
const ARG_CHUNK = 4;
const READ_LATENCY_MS = 100;

export const streamOverlap: Scenario = {
  title: 'reads overlap the model stream',
  names: ['stream_overlap'],
  async run({ repeats, progress }) {
    const files = Object.fromEntries(Array.from({ length: CALLS }, (_, i) => [`src/file${i}.ts`, `export const v${i} = ${i};\n`.repeat(400)]));
    const ws = tempWorkspace(files);
    try {
      const runs = await repeat(repeats, async (i) => {
        const par = await streamedTurn(ws.dir, true);
        const seq = await streamedTurn(ws.dir, false);
        progress(`stream_overlap ${i + 1}/${repeats}: stream ${fmtMs(par.streamEndMs!)}, last read +${fmtMs(gap(par))} (sequential +${fmtMs(gap(seq))})`);
        return { par, seq };
      });
      const parGap = median(runs.map((r) => gap(r.par)));
      const seqGap = median(runs.map((r) => gap(r.seq)));
      const stream = median(runs.map((r) => r.par.streamEndMs!));
      const early = median(runs.map((r) => r.par.calls.filter((c) => c.early).length));
      return [
        checked('stream_overlap', parGap / 1000, 's', '<=', 0.1,
          `${CALLS} read_file calls streamed over ${fmtMs(stream)} (OpenAI SDK, fake server); each read +${READ_LATENCY_MS} ms injected; ` +
            `${early}/${CALLS} started before the stream ended; the last call is only complete at finish_reason; ` +
            `sequential scheduler: last result ${fmtMs(seqGap)} after the stream; median of ${repeats}`),
      ];
    } finally {
      ws.cleanup();
    }
  },
};

/** Time from the end of the stream to the last result; 0 when everything finished before the stream did. */
function gap(log: BatchLog): number {
  return Math.max(0, Math.max(...log.calls.map((c) => c.endMs)) - log.streamEndMs!);
}

function overlapTurn(): ScriptedTurn {
  const calls = Array.from({ length: CALLS }, (_, i) => ({ id: `call_${i}`, name: 'read_file', arguments: { path: `src/file${i}.ts` } }));
  // role chunk, then per call a header and its argument fragments, then finish and usage: spread them over STREAM_MS.
  const fragments = calls.reduce((n, c) => n + 1 + Math.ceil(JSON.stringify(c.arguments).length / ARG_CHUNK), 0);
  const chunkDelayMs = Math.round(STREAM_MS / (fragments + 2));
  return { calls, argChunk: ARG_CHUNK, chunkDelayMs };
}

async function streamedTurn(dir: string, parallel: boolean): Promise<BatchLog> {
  const server = await new FakeOpenAIServer((req) => (req.body.messages.some((m: { role: string }) => m.role === 'tool') ? { text: 'Read them all.' } : overlapTurn())).start();
  try {
    const provider = await createProvider({ provider: 'openai', apiKey: 'bench', baseUrl: `${server.url}/v1` });
    const workspace = await NodeWorkspace.open(dir);
    const config = buildAgentConfig(
      { ...defaultAgentSettings, model: 'scripted', parallelToolCalls: parallel },
      { provider, workspace, runner: new NodeProcessRunner(), tools: toolRegistry([withLatency(readFile, READ_LATENCY_MS)]), logger: silentLogger },
    );
    let log: BatchLog | undefined;
    const messages: Message[] = [];
    const outcome = await runAgent(config, messages, 'Read the 8 files.', {
      signal: new AbortController().signal,
      onEvent: (e) => {
        if (e.type === 'batch') log = e.log;
      },
    });
    if (outcome.status !== 'final' || !log || log.calls.length !== CALLS || !log.calls.every((c) => c.ok) || log.streamEndMs === undefined) {
      throw new Error(`stream_overlap turn did not complete cleanly: ${outcome.status} ${outcome.text}`);
    }
    return log;
  } finally {
    await server.close();
  }
}

