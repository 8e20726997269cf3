// One harness per adapter: how to start its fake server, and how to read what went over the wire in the vendor's
// own format. The conformance suite is written once against this interface.
import type { Fault, RecordedRequest } from '../../fakes/httpFake';
import { FakeAnthropicServer, anthropicMessages } from '../../fakes/anthropicServer';
import { FakeCompatibleServer } from '../../fakes/compatibleServer';
import { FakeGeminiServer, geminiContents } from '../../fakes/geminiServer';
import { FakeOpenAIServer, type ScriptedTurn } from '../../fakes/openaiServer';
import { argFragments, argsText, textPieces, type ProviderTurn } from '../../fakes/providerTurn';
import { ONE_CALL_PER_TURN } from '../../../src/providers/parallelHint';
import type { ProviderId } from '../../../src/providers/provider';

export type Script = (req: RecordedRequest, index: number) => ProviderTurn | Fault | Promise<ProviderTurn | Fault>;

/** What the request says after the model's last tool-calling turn: results and user text, vendor-neutral. */
export interface Tail {
  items: ({ kind: 'result'; name?: string; id?: string; ok: boolean; content: string } | { kind: 'text'; text: string })[];
  /** How many wire messages carry those items. */
  messages: number;
}

export interface Harness {
  id: ProviderId;
  /** @anthropic-ai/sdk warns on every request for a model it lists as deprecated (claude-sonnet-4-5 is, as of 1.14). */
  model?: string;
  start(script: Script): Promise<{ url: string; requests: () => RecordedRequest[]; close: () => Promise<void> }>;
  /** The conversation roles as sent (system prompt excluded). */
  roles(req: RecordedRequest): string[];
  /** Every assistant tool call in the request, in order: name and the id the API knows it by (if any). */
  assistantCalls(req: RecordedRequest): { id?: string; name: string }[][];
  tail(req: RecordedRequest): Tail;
  /** 'off' when the request tells the model to make one call per turn. */
  parallelSwitch(req: RecordedRequest): 'on' | 'off';
  /** A 401-style rejection of the key, as the vendor really sends it. */
  authFault: Fault;
  /** The fake can stall mid-stream (stallAfterChunks); FakeOpenAIServer cannot. */
  canStall: boolean;
}

const GEMINI_KEY_INVALID: Fault = {
  kind: 'status',
  status: 400,
  body: {
    error: {
      code: 400,
      message: 'API key not valid. Please pass a valid API key.',
      status: 'INVALID_ARGUMENT',
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }],
    },
  },
};

type ChatMessage = { role: string; content?: unknown; tool_calls?: { id: string; function: { name: string } }[]; tool_call_id?: string };

function chatHarness(id: 'openai' | 'openai-compatible'): Harness {
  const messages = (req: RecordedRequest) => (req.body.messages as ChatMessage[]).filter((m) => m.role !== 'system');
  return {
    id,
    async start(script) {
      if (id === 'openai-compatible') {
        const server = await new FakeCompatibleServer(script).start();
        return { url: `${server.url}/v1`, requests: () => server.chatRequests, close: () => server.close() };
      }
      const server = await new FakeOpenAIServer(async (req, i) => {
        const turn = await script(req, i);
        return 'kind' in turn ? turn : toOpenAITurn(turn);
      }).start();
      return { url: `${server.url}/v1`, requests: () => server.chatRequests, close: () => server.close() };
    },
    roles: (req) => messages(req).map((m) => m.role),
    assistantCalls: (req) => messages(req).filter((m) => m.role === 'assistant' && m.tool_calls).map((m) => m.tool_calls!.map((c) => ({ id: c.id, name: c.function.name }))),
    tail(req) {
      const all = messages(req);
      const after = all.slice(all.map((m) => m.role === 'assistant' && !!m.tool_calls).lastIndexOf(true) + 1);
      return {
        messages: after.length,
        items: after.map((m) =>
          m.role === 'tool'
            ? { kind: 'result' as const, id: m.tool_call_id, ok: !String(m.content).startsWith('Error ('), content: String(m.content) }
            : { kind: 'text' as const, text: String(m.content) },
        ),
      };
    },
    parallelSwitch: (req) => (req.body.parallel_tool_calls === false ? 'off' : 'on'),
    authFault: { kind: 'status', status: 401, body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } } },
    canStall: id === 'openai-compatible',
  };
}

/** FakeOpenAIServer knows dropAfterChunks only: count its chunks to cut inside call N's arguments. */
function toOpenAITurn(turn: ProviderTurn): ScriptedTurn {
  if (turn.dropInCall === undefined && turn.holdInCall === undefined) return turn;
  let chunks = 1 + textPieces(turn.text ?? '').length;
  for (const [i, c] of (turn.calls ?? []).entries()) {
    if (i === turn.dropInCall) return { ...turn, dropAfterChunks: chunks + 2 };
    if (i === turn.holdInCall?.call) return { ...turn, holdAtChunk: { chunk: chunks + 2, until: turn.holdInCall.until } };
    chunks += 1 + argFragments(argsText(c.arguments), turn.argChunk).length;
  }
  return turn;
}

const anthropic: Harness = {
  id: 'anthropic',
  model: 'claude-haiku-4-5',
  async start(script) {
    const server = await new FakeAnthropicServer(script).start();
    return { url: server.url, requests: () => server.messageRequests, close: () => server.close() };
  },
  roles: (req) => anthropicMessages(req).map((m) => m.role),
  assistantCalls: (req) =>
    anthropicMessages(req)
      .filter((m) => m.role === 'assistant' && m.content.some((b) => b.type === 'tool_use'))
      .map((m) => m.content.filter((b) => b.type === 'tool_use').map((b) => ({ id: b.id as string, name: b.name as string }))),
  tail(req) {
    const all = anthropicMessages(req);
    const after = all.slice(all.map((m) => m.role === 'assistant' && m.content.some((b) => b.type === 'tool_use')).lastIndexOf(true) + 1);
    return {
      messages: after.length,
      items: after.flatMap((m) =>
        m.content.map((b) =>
          b.type === 'tool_result'
            ? { kind: 'result' as const, id: b.tool_use_id as string, ok: b.is_error !== true, content: String(b.content ?? '') }
            : { kind: 'text' as const, text: String(b.text) },
        ),
      ),
    };
  },
  parallelSwitch: (req) => ((req.body.tool_choice as { disable_parallel_tool_use?: boolean } | undefined)?.disable_parallel_tool_use === true ? 'off' : 'on'),
  authFault: { kind: 'status', status: 401 },
  canStall: true,
};

const gemini: Harness = {
  id: 'gemini',
  async start(script) {
    let turnNo = 0;
    // Gemini 2.5 signs the first call of a turn: every scripted turn gets one, so echoes can be checked.
    const server = await new FakeGeminiServer(async (req, i) => {
      const turn = await script(req, i);
      if ('kind' in turn || !turn.calls?.length) return turn;
      return { ...turn, thoughtSignatures: [`sig-turn-${turnNo++}`] };
    }).start();
    return { url: server.url, requests: () => server.generateRequests, close: () => server.close() };
  },
  roles: (req) => geminiContents(req).map((c) => c.role),
  assistantCalls: (req) =>
    geminiContents(req)
      .filter((c) => c.role === 'model' && c.parts.some((p) => p.functionCall))
      .map((c) => c.parts.filter((p) => p.functionCall).map((p) => ({ id: p.functionCall.id, name: p.functionCall.name }))),
  tail(req) {
    const all = geminiContents(req);
    const after = all.slice(all.map((c) => c.role === 'model' && c.parts.some((p) => p.functionCall)).lastIndexOf(true) + 1);
    return {
      messages: after.length,
      items: after.flatMap((c) =>
        c.parts.map((p) =>
          p.functionResponse
            ? { kind: 'result' as const, name: p.functionResponse.name, id: p.functionResponse.id, ok: !('error' in p.functionResponse.response), content: String(p.functionResponse.response.output ?? p.functionResponse.response.error) }
            : { kind: 'text' as const, text: String(p.text) },
        ),
      ),
    };
  },
  parallelSwitch: (req) => (JSON.stringify(req.body.systemInstruction ?? '').includes(ONE_CALL_PER_TURN) ? 'off' : 'on'),
  authFault: GEMINI_KEY_INVALID,
  canStall: true,
};

export const HARNESSES: Harness[] = [chatHarness('openai'), anthropic, gemini, chatHarness('openai-compatible')];
