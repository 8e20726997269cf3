// Context management on the wire, for all four HTTP adapters: each vendor's overflow error is recognised, compaction
// happens once and the retried request is valid the way the real API checks it, and a 300-turn session against a
// fake with a small window never sends a request over it.
import * as assert from 'node:assert/strict';
import { runAgent, type AgentEvent } from '../../../src/agent/loop';
import { buildAgentConfig, defaultAgentSettings, type AgentSettings } from '../../../src/agent/settings';
import { silentLogger } from '../../../src/host/logger';
import { NodeProcessRunner } from '../../../src/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/node/nodeWorkspace';
import { createProvider, DEFAULT_MODELS } from '../../../src/providers';
import type { Message } from '../../../src/shared/transcript';
import { builtinRegistry } from '../../../src/tools';
import type { RecordedRequest } from '../../fakes/httpFake';
import { tempWorkspace } from '../../fakes/tempWorkspace';
import { HARNESSES, type Harness, type Script } from '../providers/harness';
import { overflowFault, tokensOf, wireProblems } from './wireRules';

const BIG = Array.from({ length: 60 }, (_, i) => `export const value${i} = ${i}; // line ${i} of a file that takes room`).join('\n');

/**
 * The limit the overflow error states: above what no compaction can shrink (system prompt and tool list, ~2.9k
 * tokens on the OpenAI wire with fetch_url), below the overflowing request.
 */
const STATED_LIMIT = 3500;

for (const h of HARNESSES) {
  describe(`context management on the wire: ${h.id}`, function () {
    // A 300-turn session over HTTP is a few seconds of CPU; on a loaded shared machine far more wall time.
    this.timeout(300_000);
    let ws: ReturnType<typeof tempWorkspace>;
    let server: Awaited<ReturnType<Harness['start']>> | undefined;
    beforeEach(() => {
      ws = tempWorkspace(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`src/f${i}.ts`, BIG])));
    });
    afterEach(async () => {
      ws.cleanup();
      await server?.close();
      server = undefined;
    });

    async function run(script: Script, settings: Partial<AgentSettings>, messages: Message[] = []) {
      server = await h.start(script);
      const provider = await createProvider({ provider: h.id, apiKey: 'test-key-123456', baseUrl: server.url });
      const config = buildAgentConfig(
        { ...defaultAgentSettings, model: h.model ?? DEFAULT_MODELS[h.id], ...settings },
        { provider, workspace: await NodeWorkspace.open(ws.dir), runner: new NodeProcessRunner(), tools: builtinRegistry(), logger: silentLogger },
      );
      config.retryBaseDelayMs = 5;
      const events: AgentEvent[] = [];
      const outcome = await runAgent(config, messages, 'review every file', { signal: new AbortController().signal, onEvent: (e) => events.push(e) });
      return { outcome, events, requests: server.requests() };
    }

    const isSummary = (req: RecordedRequest) => !req.body.tools;
    const reads = (turn: number) => ({ calls: [0, 1].map((k) => ({ name: 'read_file', arguments: { path: `src/f${(turn * 2 + k) % 8}.ts` } })) });

    it('recognises the overflow error, compacts once, and the retried request is valid and smaller', async () => {
      let generate = 0;
      let overflowed = false;
      const { outcome, events, requests } = await run(
        (req) => {
          if (isSummary(req)) return { text: 'Summary: read f0..f5, all fine so far.' };
          const turn = generate++;
          // Turn 4's request is refused as too long; the retry must fit the stated limit.
          if (turn === 3 && !overflowed) {
            overflowed = true;
            return overflowFault(h.id, STATED_LIMIT, tokensOf(req));
          }
          return turn < 4 ? reads(turn) : { text: 'All files reviewed.' };
        },
        { contextWindow: 1_000_000 },
      );
      assert.equal(outcome.status, 'final', outcome.text);
      const compacts = events.filter((e) => e.type === 'compact');
      assert.equal(compacts.length, 1);
      assert.equal(compacts[0]!.type === 'compact' && compacts[0]!.reason, 'overflow');
      const model = requests.filter((r) => !isSummary(r));
      const retried = model[4]!;
      assert.deepEqual(wireProblems(h.id, retried), []);
      assert.ok(tokensOf(retried) < tokensOf(model[3]!), 'the retried request is smaller');
      assert.ok(tokensOf(retried) <= STATED_LIMIT, `retried request of ${tokensOf(retried)} tokens fits the stated ${STATED_LIMIT}`);
      for (const r of requests) assert.deepEqual(wireProblems(h.id, r), [], 'every request valid');
    });

    it('ends with a clear message when the request still does not fit after compacting: one retry, no loop', async () => {
      const { outcome, requests } = await run((req) => (isSummary(req) ? { text: 'short summary' } : overflowFault(h.id, 2000, tokensOf(req))), {}, [
        { role: 'user', text: 'earlier question' },
        { role: 'assistant', text: 'earlier answer', toolCalls: [] },
      ]);
      assert.equal(outcome.status, 'error');
      assert.equal(outcome.error?.kind, 'context_overflow');
      assert.match(outcome.text, /does not fit in the context window.*Start a new chat/s);
      assert.equal(requests.filter((r) => !isSummary(r)).length, 2);
    });

    it('runs a 300-turn session against a small window without ever sending a request over it', async () => {
      // Over the fixed part of every request (system prompt + the declarations of every built-in tool, ~5k tokens).
      const WINDOW = 12_000;
      const sizes: number[] = [];
      let generate = 0;
      const { outcome, events, requests } = await run(
        (req) => {
          const tokens = tokensOf(req);
          sizes.push(tokens);
          if (tokens > WINDOW) return overflowFault(h.id, WINDOW, tokens);
          const usage = { prompt_tokens: tokens, completion_tokens: 20 };
          if (isSummary(req)) return { text: `Summary ${generate}: reviewed files in turns so far; nothing wrong found.`, usage };
          const turn = generate++;
          return turn < 299 ? { ...reads(turn), usage } : { text: 'Reviewed everything.', usage };
        },
        { contextWindow: WINDOW, maxTurns: 300 },
      );
      assert.equal(outcome.status, 'final', outcome.text);
      assert.equal(outcome.turns, 300);
      assert.ok(Math.max(...sizes) <= WINDOW, `peak ${Math.max(...sizes)} tokens > ${WINDOW}`);
      assert.equal(events.filter((e) => e.type === 'compact' && e.reason === 'overflow').length, 0);
      assert.ok(events.some((e) => e.type === 'compact' && e.reason === 'threshold'));
      for (const r of requests) assert.deepEqual(wireProblems(h.id, r), []);
    });
  });
}
