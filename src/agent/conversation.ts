import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { batchLogSchema, compactionSchema, messageSchema, subagentRecordSchema, usageSchema, type CompactionRecord, type ConversationSummary, type SubagentRecord } from '../shared/protocol';
import { addUsage, type Message, type Usage } from '../shared/transcript';
import { EXTENSION_PROVIDER_IDS, type ExtensionProviderId } from '../providers/provider';
import type { ContextState } from './context/requestView';
import type { BatchLog } from './scheduler';
import { lanesOf } from './subagents/laneRecord';

/** One chat: the transcript the model sees, plus what the UI redraws after a reload. */
export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  messages: Message[];
  batches: BatchLog[];
  usage: Usage;
  costUsd?: number;
  /** What requests send instead of the whole transcript (summary point, elided results); see src/agent/context. */
  context?: ContextState;
  compactions?: CompactionRecord[];
  /** The last known context use, for the meter after a reload. */
  contextUse?: { tokens: number; window: number };
  /** The provider and model this chat talks to (set at its first request, changed by picking a model while it is
   *  shown); absent: the settings' choice, as for a new chat. */
  chatModel?: ChatModel;
  /** Subagent lanes, drawn again inside their delegate cards after a reload (see subagents/laneRecord.ts). */
  subagents?: SubagentRecord[];
}

/** A chat's model choice: `model` empty means the provider's default, as in the settings. */
export interface ChatModel {
  provider: ExtensionProviderId;
  model: string;
}

/** The settings a request of this chat runs with: the chat's own provider and model over the window's settings
 *  (the model twice: the agent settings carry the name the requests send). */
export function withChatModel<S extends ChatModel & { agent: { model: string } }>(c: Conversation, settings: S): S {
  const own = c.chatModel;
  return own ? { ...settings, provider: own.provider, model: own.model, agent: { ...settings.agent, model: own.model } } : settings;
}

export function newConversation(now = Date.now()): Conversation {
  return { id: randomUUID(), title: 'New chat', createdAt: now, updatedAt: now, messages: [], batches: [], usage: addUsage(undefined, undefined) };
}

/** The first line of the user's first message, shortened: what the history list shows. */
export function titleFor(text: string, max = 60): string {
  const line = text.trim().split('\n')[0]!.trim().replace(/\s+/g, ' ');
  if (!line) return 'New chat';
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

export function summaryOf(c: Conversation): ConversationSummary {
  return { id: c.id, title: c.title, updatedAt: c.updatedAt, messageCount: c.messages.filter((m) => m.role === 'user').length };
}

/**
 * The longest prefix of `messages` that is a complete transcript: every assistant tool call is answered by the
 * tool message that follows it. A conversation saved in the middle of a turn (the window closed while tools ran)
 * is cut back to its last completed turn, so the next request is valid for every provider.
 */
export function completedTranscript(messages: readonly Message[]): Message[] {
  const out: Message[] = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.role === 'tool') break; // a tool message is only valid right after its assistant message, handled below
    if (m.role === 'assistant' && m.toolCalls.length > 0) {
      const next = messages[i + 1];
      const answered = new Set(next?.role === 'tool' ? next.results.map((r) => r.callId) : []);
      if (!m.toolCalls.every((c) => answered.has(c.id))) break;
      out.push(m, next!);
      i++;
      continue;
    }
    out.push(m);
  }
  return out;
}

const storedSchema = z.object({
  version: z.literal(1),
  id: z.string().min(1),
  title: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  messages: z.array(messageSchema),
  batches: z.array(batchLogSchema),
  usage: usageSchema,
  costUsd: z.number().optional(),
  context: z
    .object({
      summarisedUpTo: z.number().int().min(0),
      summary: z.string().optional(),
      elided: z.array(z.string()),
      learned: z.object({ model: z.string(), window: z.number() }).optional(),
    })
    .optional(),
  compactions: z.array(compactionSchema).optional(),
  contextUse: z.object({ tokens: z.number(), window: z.number() }).optional(),
  chatModel: z.object({ provider: z.enum(EXTENSION_PROVIDER_IDS as [ExtensionProviderId, ...ExtensionProviderId[]]), model: z.string().max(500) })
    .optional()
    // A choice this version does not know (a provider removed since) falls back to the settings; the chat still opens.
    .catch(undefined),
  subagents: z.array(subagentRecordSchema).optional(),
});

export function serializeConversation(c: Conversation): string {
  return JSON.stringify({ version: 1, ...c });
}

/** Parses a stored conversation; a clear error when the file is not one. */
export function parseConversation(text: string): Conversation {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON (${(e as Error).message})`);
  }
  const parsed = storedSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`not a Fanout conversation: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const { version: _v, ...c } = parsed.data;
  const messages = completedTranscript(c.messages as Message[]);
  // A summary point past a transcript cut back to its last complete turn no longer says what it summarised.
  const { context, subagents, ...rest } = c;
  const callIds = new Set(messages.flatMap((m) => (m.role === 'assistant' ? m.toolCalls.map((t) => t.id) : [])));
  const lanes = lanesOf(subagents, callIds);
  return {
    ...rest,
    messages,
    batches: rest.batches as BatchLog[],
    ...(context && context.summarisedUpTo < messages.length ? { context } : {}),
    ...(lanes ? { subagents: lanes } : {}),
  };
}
