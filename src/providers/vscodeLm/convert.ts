// The VS Code Language Model API's message and response shapes, as plain data: the adapter (src/vscode/lmProvider.ts)
// turns these into `vscode.LanguageModelChatMessage`s and back. Kept free of `vscode` so it is unit-tested directly.
import { CallIdAllocator } from '../callIds';
import { withOneCallPerTurn } from '../parallelHint';
import type { FinishReason, ModelEvent, ModelRequest, ToolSpec } from '../provider';
import type { Message } from '../../shared/transcript';

export type LmTextPart = { kind: 'text'; text: string };
export type LmToolCallPart = { kind: 'tool-call'; callId: string; name: string; input: object };
export type LmToolResultPart = { kind: 'tool-result'; callId: string; text: string };
type LmInputPart = LmTextPart | LmToolCallPart | LmToolResultPart;

/** One `LanguageModelChatMessage`: User messages carry text and tool results, Assistant messages text and calls. */
export type LmMessage = { role: 'user'; parts: (LmTextPart | LmToolResultPart)[] } | { role: 'assistant'; parts: (LmTextPart | LmToolCallPart)[] };

export interface LmTool {
  name: string;
  description: string;
  inputSchema: object;
}

/**
 * The transcript as LM messages. The API has no system role, so the system prompt opens the first user message
 * (a separate leading user message would break the user/assistant alternation some models insist on). A batch's
 * results go back in ONE user message, in the order the model asked for the calls.
 */
export function toLmMessages(request: Pick<ModelRequest, 'system' | 'messages' | 'parallelToolCalls'>): LmMessage[] {
  const system = request.parallelToolCalls ? request.system : withOneCallPerTurn(request.system);
  const out: LmMessage[] = [];
  let systemPending = system.trim() !== '';
  const userParts = (parts: (LmTextPart | LmToolResultPart)[]): (LmTextPart | LmToolResultPart)[] => {
    if (!systemPending) return parts;
    systemPending = false;
    return [{ kind: 'text', text: system }, ...parts];
  };
  // Two messages of one role in a row (a stopped run's results, then the next request) become one.
  const push = (m: LmMessage): void => {
    const last = out[out.length - 1];
    if (last?.role === m.role) (last.parts as LmInputPart[]).push(...m.parts);
    else out.push(m);
  };
  for (const m of request.messages) {
    const { role, parts } = converted(m);
    push(role === 'user' ? { role, parts: userParts([...parts] as (LmTextPart | LmToolResultPart)[]) } : ({ role, parts: [...parts] } as LmMessage));
  }
  if (systemPending) out.unshift({ role: 'user', parts: [{ kind: 'text', text: system }] });
  return out;
}

const cache = new WeakMap<Message, { role: LmMessage['role']; parts: readonly LmInputPart[] }>();

/**
 * One transcript message's parts, converted once (transcript messages are never changed): re-parsing every earlier
 * call's arguments on every turn made a long session's requests grow quadratically in cost.
 */
function converted(m: Message): { role: LmMessage['role']; parts: readonly LmInputPart[] } {
  let c = cache.get(m);
  if (c) return c;
  if (m.role === 'user') c = { role: 'user', parts: [{ kind: 'text', text: m.text }] };
  else if (m.role === 'tool') c = { role: 'user', parts: m.results.map((r): LmToolResultPart => ({ kind: 'tool-result', callId: r.callId, text: r.content })) };
  else {
    const parts: (LmTextPart | LmToolCallPart)[] = m.text ? [{ kind: 'text', text: m.text }] : [];
    for (const call of m.toolCalls) parts.push({ kind: 'tool-call', callId: call.id, name: call.name, input: argumentsObject(call.arguments) });
    // An assistant turn with neither text nor calls (an empty answer) still keeps the alternation.
    c = { role: 'assistant', parts: parts.length ? parts : [{ kind: 'text', text: '' }] };
  }
  cache.set(m, c);
  return c;
}

export function toLmTools(tools: readonly ToolSpec[]): LmTool[] {
  return tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.parameters }));
}

/**
 * A call the model made earlier goes back as the object it was. Arguments that never parsed (the call was answered
 * with an invalid_json error) are sent as `{}`: the API takes only objects, and the error result says what went wrong.
 */
function argumentsObject(raw: string): object {
  try {
    const v: unknown = JSON.parse(raw || '{}');
    return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}

/** A part of `response.stream`, classified by the adapter; anything else (data, thinking) is `other`. */
export type LmOutputPart = { kind: 'text'; text: string } | { kind: 'tool-call'; callId: string; name: string; input: unknown } | { kind: 'other' };

/**
 * Response parts to ModelEvents. Calls arrive complete (the API streams whole LanguageModelToolCallParts), so each
 * becomes a `tool-call` at once; ids are made unique within the conversation (some vendors reuse or omit them).
 */
export class LmStreamAssembler {
  private readonly ids: CallIdAllocator;
  private calls = 0;

  constructor(messages: ModelRequest['messages']) {
    this.ids = new CallIdAllocator(messages, 'lm');
  }

  push(part: LmOutputPart): ModelEvent[] {
    if (part.kind === 'text') return part.text ? [{ type: 'text-delta', text: part.text }] : [];
    if (part.kind !== 'tool-call') return [];
    this.calls++;
    const args = part.input === undefined ? {} : part.input;
    return [{ type: 'tool-call', call: { id: this.ids.assign(part.callId), name: part.name, arguments: JSON.stringify(args) } }];
  }

  /** The API does not say why a response ended: it made calls, or it answered. */
  end(): ModelEvent[] {
    const reason: FinishReason = this.calls > 0 ? 'tool_calls' : 'stop';
    return [{ type: 'finish', reason }];
  }
}
