import type { RawMessageStreamEvent, StopReason } from '@anthropic-ai/sdk/resources/messages';
import type { Usage } from '../../shared/transcript';
import type { FinishReason, ModelEvent } from '../provider';

interface OpenToolUse {
  id: string;
  name: string;
  json: string;
  /** `input` of content_block_start: servers that send the whole input there and no deltas. */
  startInput: unknown;
}

/**
 * The assistant content in order, kept only when it holds thinking: thinking blocks must go back unchanged and in
 * place (with their signatures) or the API rejects the next request. Text and tool_use are rebuilt from the
 * transcript; a tool_use is a placeholder naming the call by position.
 */
export type AnthropicContentEntry =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'tool_use'; call: number };

/** AssistantMessage.providerData written by this parser. */
export interface AnthropicMessageData {
  anthropicContent?: AnthropicContentEntry[];
}

interface UsageCounts {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/**
 * Messages API stream events -> model events. A tool_use block is emitted at its content_block_stop, the moment
 * its input JSON is complete, so reads can start while the model streams the next block. Usage is cumulative
 * across message_start and message_delta and is emitted once, at the end.
 */
export class AnthropicStreamParser {
  private readonly open = new Map<number, OpenToolUse>();
  private readonly content = new Map<number, AnthropicContentEntry>();
  private calls = 0;
  private readonly usage: UsageCounts = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  private stopReason: StopReason | null = null;
  private stopped = false;

  push(event: RawMessageStreamEvent): ModelEvent[] {
    switch (event.type) {
      case 'message_start':
        this.updateUsage(event.message.usage);
        return [];
      case 'content_block_start': {
        const block = event.content_block;
        if (block.type === 'tool_use') {
          this.open.set(event.index, { id: block.id, name: block.name, json: '', startInput: block.input });
          this.content.set(event.index, { type: 'tool_use', call: this.calls++ });
        }
        if (block.type === 'thinking') this.content.set(event.index, { type: 'thinking', thinking: block.thinking ?? '', signature: block.signature ?? '' });
        if (block.type === 'redacted_thinking') this.content.set(event.index, { type: 'redacted_thinking', data: block.data });
        if (block.type === 'text') this.content.set(event.index, { type: 'text', text: block.text ?? '' });
        // A text block may open with text already in it.
        if (block.type === 'text' && block.text) return [{ type: 'text-delta', text: block.text }];
        return [];
      }
      case 'content_block_delta': {
        const delta = event.delta;
        const entry = this.content.get(event.index);
        if (delta.type === 'thinking_delta' && entry?.type === 'thinking') entry.thinking += delta.thinking;
        if (delta.type === 'signature_delta' && entry?.type === 'thinking') entry.signature += delta.signature;
        if (delta.type === 'text_delta' && entry?.type === 'text') entry.text += delta.text;
        if (delta.type === 'text_delta' && delta.text) return [{ type: 'text-delta', text: delta.text }];
        if (delta.type === 'input_json_delta') {
          const call = this.open.get(event.index);
          if (call) call.json += delta.partial_json;
        }
        return [];
      }
      case 'content_block_stop': {
        const call = this.open.get(event.index);
        if (!call) return [];
        this.open.delete(event.index);
        return [{ type: 'tool-call', call: { id: call.id, name: call.name, arguments: argumentsOf(call) } }];
      }
      case 'message_delta':
        this.updateUsage(event.usage);
        if (event.delta.stop_reason) this.stopReason = event.delta.stop_reason;
        return [];
      case 'message_stop':
        this.stopped = true;
        return [];
      default:
        return [];
    }
  }

  /** No finish without message_stop: a stream that ends before it was dropped, and the loop retries the turn. */
  end(): ModelEvent[] {
    if (!this.stopped) return [];
    const u = this.usage;
    // inputTokens counts the whole prompt, cached parts included, as OpenAI and Gemini report it.
    const usage: Usage = { inputTokens: u.input + u.cacheRead + u.cacheWrite, outputTokens: u.output, cacheReadTokens: u.cacheRead, cacheWriteTokens: u.cacheWrite };
    const content = [...this.content.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry);
    const thought = content.some((e) => e.type === 'thinking' || e.type === 'redacted_thinking');
    const providerData: AnthropicMessageData | undefined = thought ? { anthropicContent: content } : undefined;
    return [
      { type: 'usage', usage },
      { type: 'finish', reason: mapStopReason(this.stopReason), ...(providerData ? { providerData: { ...providerData } } : {}) },
    ];
  }

  private updateUsage(u: { input_tokens?: number | null; output_tokens?: number | null; cache_read_input_tokens?: number | null; cache_creation_input_tokens?: number | null } | undefined): void {
    if (!u) return;
    // message_delta counts are cumulative and may leave fields null: take each one when it is given.
    if (typeof u.input_tokens === 'number') this.usage.input = u.input_tokens;
    if (typeof u.output_tokens === 'number') this.usage.output = u.output_tokens;
    if (typeof u.cache_read_input_tokens === 'number') this.usage.cacheRead = u.cache_read_input_tokens;
    if (typeof u.cache_creation_input_tokens === 'number') this.usage.cacheWrite = u.cache_creation_input_tokens;
  }
}

function argumentsOf(call: OpenToolUse): string {
  if (call.json.trim()) return call.json;
  const input = call.startInput;
  return input && typeof input === 'object' && Object.keys(input).length ? JSON.stringify(input) : '{}';
}

function mapStopReason(reason: StopReason | null): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'tool_use':
      return 'tool_calls';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'refusal':
      return 'content_filter';
    default:
      return 'other';
  }
}
