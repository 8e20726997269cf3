import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { Message } from '../../shared/transcript';
import type { ToolSpec } from '../provider';

/**
 * Transcript -> Chat Completions messages. Converted messages are memoised per transcript message (transcripts only
 * grow), so building the request at turn 200 costs about what it costs at turn 1.
 */
const cache = new WeakMap<Message, ChatCompletionMessageParam[]>();

export function toOpenAIMessages(system: string, messages: readonly Message[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = system ? [{ role: 'system', content: system }] : [];
  for (const m of messages) {
    let converted = cache.get(m);
    if (!converted) cache.set(m, (converted = convert(m)));
    for (const c of converted) out.push(c);
  }
  return out;
}

function convert(m: Message): ChatCompletionMessageParam[] {
  switch (m.role) {
    case 'user':
      return [{ role: 'user', content: m.text }];
    case 'assistant':
      return [
        {
          role: 'assistant',
          content: m.text || null,
          ...(m.toolCalls.length
            ? { tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })) }
            : {}),
        },
      ];
    case 'tool':
      // One role:"tool" message per tool_call_id, in the order the calls were made.
      return m.results.map((r) => ({ role: 'tool' as const, tool_call_id: r.callId, content: r.content }));
  }
}

export function toOpenAITools(tools: readonly ToolSpec[]): ChatCompletionTool[] {
  return tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
}
