// The provider-neutral transcript. Providers convert it to and from their wire formats; nothing here is vendor-specific
// except the opaque `providerData` bags, which an adapter writes and reads back verbatim (e.g. Gemini thought signatures).

export interface ToolCall {
  /** Unique within the run. Synthesized by the adapter when the provider gives none (Gemini, some local servers). */
  id: string;
  name: string;
  /** Arguments as the model sent them: raw JSON text, validated by the scheduler, not by the adapter. */
  arguments: string;
  providerData?: Record<string, unknown>;
}

export interface ToolResult {
  callId: string;
  name: string;
  ok: boolean;
  content: string;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

export type Message =
  | { role: 'user'; text: string }
  | { role: 'assistant'; text: string; toolCalls: ToolCall[]; usage?: Usage; providerData?: Record<string, unknown> }
  /** All results of one batch, in the order the model asked for the calls. */
  | { role: 'tool'; results: ToolResult[] };

export type UserMessage = Extract<Message, { role: 'user' }>;
export type AssistantMessage = Extract<Message, { role: 'assistant' }>;
export type ToolMessage = Extract<Message, { role: 'tool' }>;

export function addUsage(a: Usage | undefined, b: Usage | undefined): Usage {
  return {
    inputTokens: (a?.inputTokens ?? 0) + (b?.inputTokens ?? 0),
    outputTokens: (a?.outputTokens ?? 0) + (b?.outputTokens ?? 0),
    cacheReadTokens: (a?.cacheReadTokens ?? 0) + (b?.cacheReadTokens ?? 0),
    cacheWriteTokens: (a?.cacheWriteTokens ?? 0) + (b?.cacheWriteTokens ?? 0),
  };
}
