// context_peak_ratio and compactions: a long session against a 32k window. The in-process model builds each request
// with the OpenAI converters and reports its size as usage (4 characters of the request body per token), reads three
// 6 KB files per turn, and answers summary requests (no tools) with a short summary. The peak is the largest request
// it was sent, over the window: compaction must keep it below the threshold's neighbourhood, never over the window.
import { z } from 'zod';
import { runAgent } from '../../src/agent/loop';
import { buildAgentConfig, defaultAgentSettings } from '../../src/agent/settings';
import { silentLogger } from '../../src/host/logger';
import { NodeProcessRunner } from '../../src/node/nodeProcessRunner';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import { toOpenAIMessages, toOpenAITools } from '../../src/providers/openai/convert';
import type { ModelEvent, ModelProvider, ModelRequest } from '../../src/providers/provider';
import { defineTool, toolRegistry, type ToolDefinition } from '../../src/tools/tool';
import { tempWorkspace } from '../../test/fakes/tempWorkspace';
import { checked, reported, type Scenario } from '../lib';

const WINDOW = 32_000;

const readSome = defineTool({
  name: 'read_some',
  description: 'Returns about 6 KB, like reading a mid-sized source file.',
  access: 'read',
  schema: z.object({ key: z.string() }),
  summary: (input) => input.key,
  async execute(input) {
    return `file ${input.key}\n${'export const value = compute("some typical source line");\n'.repeat(100)}`;
  },
}) as ToolDefinition;

export const contextSession: Scenario = {
  title: 'long session in a 32k window: peak request / window, compactions',
  names: ['context_peak_ratio', 'compactions'],
  async run({ quick }) {
    const turns = quick ? 80 : 200;
    const ws = tempWorkspace({ 'README.md': 'bench\n' });
    try {
      let peak = 0;
      let modelTurns = 0;
      const provider: ModelProvider = {
        id: 'openai',
        async *stream(request: ModelRequest): AsyncIterable<ModelEvent> {
          const tokens = Math.ceil(JSON.stringify([toOpenAIMessages(request.system, request.messages), request.tools.length ? toOpenAITools(request.tools) : []]).length / 4);
          peak = Math.max(peak, tokens);
          yield { type: 'usage', usage: { inputTokens: tokens, outputTokens: 40 } };
          if (!request.tools.length) {
            yield { type: 'text-delta', text: `Summary: read ${modelTurns * 3} files so far, all alike; nothing to fix yet.` };
            yield { type: 'finish', reason: 'stop' };
            return;
          }
          const turn = ++modelTurns;
          if (turn >= turns) {
            yield { type: 'text-delta', text: 'Done.' };
            yield { type: 'finish', reason: 'stop' };
            return;
          }
          for (let i = 0; i < 3; i++) yield { type: 'tool-call', call: { id: `call_${turn}_${i}`, name: 'read_some', arguments: JSON.stringify({ key: `f${turn}.${i}` }) } };
          yield { type: 'finish', reason: 'tool_calls' };
        },
      };
      const config = buildAgentConfig(
        { ...defaultAgentSettings, model: 'in-process', maxTurns: turns, contextWindow: WINDOW },
        { provider, workspace: await NodeWorkspace.open(ws.dir), runner: new NodeProcessRunner(), tools: toolRegistry([readSome]), logger: silentLogger },
      );
      let compactions = 0;
      const outcome = await runAgent(config, [], 'Read everything.', { signal: new AbortController().signal, onEvent: (e) => void (e.type === 'compact' && compactions++) });
      if (outcome.status !== 'final') throw new Error(`session ended ${outcome.status} after ${outcome.turns} turns: ${outcome.text}`);
      const notes = `${turns} turns of 3 reads of 6 KB (~4.5k tokens per turn) in a ${WINDOW.toLocaleString('en-US')}-token window; peak request ${peak.toLocaleString('en-US')} tokens (request body / 4)`;
      return [checked('context_peak_ratio', Number((peak / WINDOW).toFixed(3)), '', '<=', 0.9, notes), reported('compactions', compactions, '', `compactions in the same session (threshold 0.85; elision first, then a summary)`)];
    } finally {
      ws.cleanup();
    }
  },
};
