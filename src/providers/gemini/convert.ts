import type { Content, FunctionDeclaration, Part, Tool } from '@google/genai';
import type { AssistantMessage, Message, ToolCall } from '../../shared/transcript';
import { withOneCallPerTurn } from '../parallelHint';
import type { ToolSpec } from '../provider';

/** AssistantMessage.providerData: the model's parts exactly as streamed (thought parts and signatures included). */
export interface GeminiMessageData {
  geminiParts?: Part[];
}

/** ToolCall.providerData: what the API needs back for this call. */
export interface GeminiCallData {
  /** The API's own call id (Gemini 3 gives one, 2.5 none); our transcript id may be synthesized or renamed. */
  geminiId?: string;
  thoughtSignature?: string;
}

/**
 * Transcript -> Gemini contents. Each transcript message is converted once (memoised: transcripts only grow).
 * A batch's results become ONE user content with a functionResponse part per call, in call order; consecutive
 * user contents (results, then the next user text after a stop or max turns) are merged into one.
 */
const cache = new WeakMap<Message, Content>();

export function toGeminiContents(messages: readonly Message[]): Content[] {
  const out: Content[] = [];
  let lastCalls: readonly ToolCall[] = [];
  for (const m of messages) {
    let converted = cache.get(m);
    if (!converted) cache.set(m, (converted = convert(m, lastCalls)));
    if (m.role === 'assistant') lastCalls = m.toolCalls;
    if (!converted.parts?.length) continue;
    const last = out.at(-1);
    // Merged into a new object: the memoised contents are never changed.
    if (last && last.role === converted.role) out[out.length - 1] = { role: last.role, parts: [...(last.parts ?? []), ...converted.parts] };
    else out.push(converted);
  }
  return out;
}

function convert(m: Message, lastCalls: readonly ToolCall[]): Content {
  switch (m.role) {
    case 'user':
      return { role: 'user', parts: m.text ? [{ text: m.text }] : [] };
    case 'assistant':
      return { role: 'model', parts: modelParts(m) };
    case 'tool': {
      const byId = new Map(lastCalls.map((c) => [c.id, c]));
      return {
        role: 'user',
        parts: m.results.map((r) => {
          const apiId = (byId.get(r.callId)?.providerData as GeminiCallData | undefined)?.geminiId;
          return { functionResponse: { ...(apiId ? { id: apiId } : {}), name: r.name, response: r.ok ? { output: r.content } : { error: r.content } } };
        }),
      };
    }
  }
}

/**
 * The parts as the model sent them, when we have them: thought signatures must come back unchanged and in place.
 * Rebuilt from text and calls otherwise (a stopped turn keeps only its text).
 */
function modelParts(m: AssistantMessage): Part[] {
  const streamed = (m.providerData as GeminiMessageData | undefined)?.geminiParts;
  if (Array.isArray(streamed) && streamed.length) return streamed;
  const parts: Part[] = m.text ? [{ text: m.text }] : [];
  for (const c of m.toolCalls) {
    const data = (c.providerData ?? {}) as GeminiCallData;
    parts.push({
      functionCall: { ...(data.geminiId ? { id: data.geminiId } : {}), name: c.name, args: parseArgs(c.arguments) },
      ...(data.thoughtSignature ? { thoughtSignature: data.thoughtSignature } : {}),
    });
  }
  return parts;
}

function parseArgs(args: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(args || '{}');
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Gemini has no parallel-calls switch (toolConfig.functionCallingConfig only has modes and allowed names), so when
 * parallel calls are off the model is asked in the system instruction; the scheduler runs whatever comes one by one.
 */
export function toGeminiSystem(system: string, parallelToolCalls: boolean): string | undefined {
  const text = parallelToolCalls ? system : withOneCallPerTurn(system);
  return text.trim() ? text : undefined;
}

const toolCache = new WeakMap<readonly ToolSpec[], Tool[]>();

export function toGeminiTools(tools: readonly ToolSpec[]): Tool[] {
  let converted = toolCache.get(tools);
  if (!converted) {
    const functionDeclarations: FunctionDeclaration[] = tools.map((t) => ({ name: t.name, description: t.description, parametersJsonSchema: t.parameters }));
    converted = [{ functionDeclarations }];
    toolCache.set(tools, converted);
  }
  return converted;
}
