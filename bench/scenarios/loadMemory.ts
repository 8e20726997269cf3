// Load and memory (the reliability issue's load items, measured here rather than asserted on time):
// 1000 tool calls over 50 turns through the real loop and the OpenAI wire, and 20 long conversations kept in
// history. Heap figures are after a forced GC, so they show what is retained, not garbage waiting to be collected.
import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ConversationStore, type BlobStore } from '../../src/agent/conversationStore';
import { newConversation } from '../../src/agent/conversation';
import { runAgent } from '../../src/agent/loop';
import { buildAgentConfig, defaultAgentSettings } from '../../src/agent/settings';
import type { BatchLog } from '../../src/agent/scheduler';
import { silentLogger } from '../../src/host/logger';
import { NodeProcessRunner } from '../../src/node/nodeProcessRunner';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import { createProvider } from '../../src/providers';
import type { Message } from '../../src/shared/transcript';
import { builtinTools } from '../../src/tools';
import { toolRegistry } from '../../src/tools/tool';
import { FakeOpenAIServer } from '../../test/fakes/openaiServer';
import { tempWorkspace } from '../../test/fakes/tempWorkspace';
import { fmtMs, reported, timed, type Scenario } from '../lib';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

const TURNS = 50;
const CALLS_PER_TURN = 20;
const CONVERSATIONS = 20;

export const loadMemory: Scenario = {
  title: 'load: 1000 calls over 50 turns, 20 conversations in history',
  names: ['load_1000_calls_heap_mb', 'load_1000_calls_ms_per_turn', 'history_20_heap_mb', 'history_20_open_ms'],
  async run({ progress }) {
    const ws = tempWorkspace(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`src/f${i}.ts`, `export const v${i} = ${i};\n`.repeat(200)])));
    const server: FakeOpenAIServer = await new FakeOpenAIServer((req) => {
      // The fake keeps every request body it saw; in this process that would be counted as ours.
      server.requests.length = 0;
      const turn = (req.body.messages as { role: string }[]).filter((m) => m.role === 'assistant').length;
      if (turn === TURNS) return { text: 'done' };
      return { calls: Array.from({ length: CALLS_PER_TURN }, (_, i) => ({ id: `c${turn}_${i}`, name: 'read_file', arguments: { path: `src/f${i}.ts` } })) };
    }).start();
    const storeDir = mkdtempSync(path.join(tmpdir(), 'fanout-bench-history-'));
    try {
      const provider = await createProvider({ provider: 'openai', apiKey: 'bench', baseUrl: server.url });
      const config = buildAgentConfig(
        { ...defaultAgentSettings, model: 'm', maxTurns: TURNS + 5 },
        { provider, workspace: await NodeWorkspace.open(ws.dir), runner: new NodeProcessRunner(), tools: toolRegistry(builtinTools), logger: silentLogger },
      );
      const before = heapMb();
      const messages: Message[] = [];
      const batches: BatchLog[] = [];
      const { ms } = await timed(() => runAgent(config, messages, 'read everything, many times', { signal: new AbortController().signal, onEvent: (e) => e.type === 'batch' && batches.push(e.log) }));
      const answered = messages.reduce((n, m) => n + (m.role === 'tool' ? m.results.length : 0), 0);
      if (answered !== TURNS * CALLS_PER_TURN) throw new Error(`only ${answered} of ${TURNS * CALLS_PER_TURN} calls were answered`);
      const transcriptMb = Buffer.byteLength(JSON.stringify(messages)) / 1024 / 1024;
      const retained = heapMb() - before;
      progress(`load: ${answered} calls in ${fmtMs(ms)}; heap +${retained.toFixed(1)} MB for a ${transcriptMb.toFixed(1)} MB transcript`);

      // History: 20 conversations the size of that run, saved through the store the extension uses.
      const blobs: BlobStore = {
        read: (n) => fs.readFile(path.join(storeDir, n), 'utf8').catch(() => undefined),
        write: (n, t) => fs.writeFile(path.join(storeDir, n), t),
        delete: (n) => fs.rm(path.join(storeDir, n), { force: true }),
        list: () => fs.readdir(storeDir),
      };
      const writer = new ConversationStore(blobs, silentLogger);
      for (let i = 0; i < CONVERSATIONS; i++) await writer.save({ ...newConversation(1_000 + i), title: `chat ${i}`, messages, batches });
      const beforeHistory = heapMb();
      const store = new ConversationStore(blobs, silentLogger);
      const listed = await store.list();
      const historyHeap = heapMb() - beforeHistory;
      if (listed.length !== CONVERSATIONS) throw new Error(`history lost conversations: ${listed.length} of ${CONVERSATIONS}`);
      const open = await timed(() => store.load(listed[0].id));
      if (open.value?.messages.length !== messages.length) throw new Error('a reopened conversation lost messages');
      progress(`history: ${CONVERSATIONS} conversations listed with +${historyHeap.toFixed(2)} MB heap; reopening one takes ${fmtMs(open.ms)}`);
      return [
        reported('load_1000_calls_heap_mb', retained, 'MB', `${TURNS} turns x ${CALLS_PER_TURN} read_file calls through the loop and the OpenAI wire, all answered once; heap retained after GC for a ${transcriptMb.toFixed(1)} MB transcript (the transcript itself is the floor)`),
        reported('load_1000_calls_ms_per_turn', ms / TURNS, 'ms', `wall per turn including the HTTP round trip to the local fake server and ${CALLS_PER_TURN} reads`),
        reported('history_20_heap_mb', historyHeap, 'MB', `listing ${CONVERSATIONS} stored conversations of ${transcriptMb.toFixed(1)} MB each keeps only their summaries in memory`),
        reported('history_20_open_ms', open.ms, 'ms', `reopening one ${TURNS}-turn conversation from disk (parse + validate), what a history click costs before the redraw`),
      ];
    } finally {
      await server.close();
      ws.cleanup();
      rmSync(storeDir, { recursive: true, force: true });
    }
  },
};
