import type { ContentBlockParam, MessageParam, TextBlockParam, Tool } from '@anthropic-ai/sdk/resources/messages';
import type { AssistantMessage, Message } from '../../shared/transcript';
import type { ToolSpec } from '../provider';
import type { AnthropicMessageData } from './streamParser';

type Role = 'user' | 'assistant';
interface Converted {
  role: Role;
  blocks: ContentBlockParam[];
}

const EPHEMERAL = { type: 'ephemeral' } as const;

/**
 * Transcript -> Messages API. Each transcript message is converted once (memoised: transcripts only grow, so
 * building the request at turn 200 costs about what it costs at turn 1). Consecutive messages of one role are merged:
 * a batch's tool results and the next user text (after a stop, an error or max turns) become ONE user message, with
 * the tool_result blocks first, as the API requires.
 */
const cache = new WeakMap<Message, Converted>();

export function toAnthropicMessages(messages: readonly Message[], options: { cacheLastMessage?: boolean } = {}): MessageParam[] {
  const out: { role: Role; content: ContentBlockParam[] }[] = [];
  for (const m of messages) {
    let converted = cache.get(m);
    if (!converted) cache.set(m, (converted = convert(m)));
    if (!converted.blocks.length) continue;
    const last = out.at(-1);
    if (last?.role === converted.role) last.content = [...last.content, ...converted.blocks];
    else out.push({ role: converted.role, content: converted.blocks });
  }
  const last = out.at(-1);
  if (options.cacheLastMessage && last?.content.length) {
    // A breakpoint at the end of the conversation: the next turn reads everything up to here from the cache.
    // Copied, never set on the memoised block, so the breakpoint moves with the conversation.
    const tail = last.content.length - 1;
    last.content = [...last.content.slice(0, tail), { ...last.content[tail], cache_control: EPHEMERAL } as ContentBlockParam];
  }
  return out;
}

function convert(m: Message): Converted {
  switch (m.role) {
    case 'user':
      return { role: 'user', blocks: m.text.trim() ? [{ type: 'text', text: m.text }] : [] };
    case 'assistant':
      return { role: 'assistant', blocks: assistantBlocks(m) };
    case 'tool':
      // Every result of the batch, in call order, in one user message; failures flagged so the model knows.
      return {
        role: 'user',
        blocks: m.results.map((r) => ({ type: 'tool_result', tool_use_id: r.callId, ...(r.content ? { content: r.content } : {}), ...(r.ok ? {} : { is_error: true }) })),
      };
  }
}

function assistantBlocks(m: AssistantMessage): ContentBlockParam[] {
  const toolUse = (i: number): ContentBlockParam[] => {
    const c = m.toolCalls[i];
    return c ? [{ type: 'tool_use', id: c.id, name: c.name, input: parseInput(c.arguments) }] : [];
  };
  const streamed = (m.providerData as AnthropicMessageData | undefined)?.anthropicContent;
  if (Array.isArray(streamed) && streamed.length) {
    // Thinking blocks back unchanged, in their places; text and calls from the transcript.
    return streamed.flatMap((e): ContentBlockParam[] => {
      if (e.type === 'tool_use') return toolUse(e.call);
      if (e.type === 'text') return e.text.trim() ? [{ type: 'text', text: e.text }] : [];
      return [e];
    });
  }
  // The API rejects empty or whitespace-only text blocks (a stopped or empty turn has no text).
  const blocks: ContentBlockParam[] = m.text.trim() ? [{ type: 'text', text: m.text }] : [];
  return [...blocks, ...m.toolCalls.flatMap((_, i) => toolUse(i))];
}

/** tool_use input must be an object; arguments the model garbled were answered with an error, so `{}` loses nothing. */
function parseInput(args: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(args || '{}');
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The system prompt as one cached block: it and the tools form the stable prefix of every request. */
export function toAnthropicSystem(system: string): TextBlockParam[] | undefined {
  return system.trim() ? [{ type: 'text', text: system, cache_control: EPHEMERAL }] : undefined;
}

const toolCache = new WeakMap<readonly ToolSpec[], Tool[]>();

/** Tool definitions, with a cache breakpoint on the last one (tools come first in the cached prefix). */
export function toAnthropicTools(tools: readonly ToolSpec[]): Tool[] {
  let converted = toolCache.get(tools);
  if (!converted) {
    converted = tools.map((t, i) => ({
      name: t.name,
      description: t.description,
      input_schema: { type: 'object', ...t.parameters } as Tool.InputSchema,
      ...(i === tools.length - 1 ? { cache_control: EPHEMERAL } : {}),
    }));
    toolCache.set(tools, converted);
  }
  return converted;
}
