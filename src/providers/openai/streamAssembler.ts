import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { FinishReason, ModelEvent } from '../provider';

interface PartialCall {
  index: number;
  id: string;
  name: string;
  arguments: string;
  emitted: boolean;
}

/**
 * Assembles Chat Completions stream chunks into model events. Tool calls arrive as deltas keyed by `index`; a call
 * is complete when a later index starts or the choice finishes, and is emitted at that moment so the scheduler can
 * start reads while the model is still streaming the rest of the turn.
 */
export class OpenAIStreamAssembler {
  private readonly calls = new Map<number, PartialCall>();
  private finishReason: FinishReason | undefined;
  private usageSeen = false;

  push(chunk: ChatCompletionChunk): ModelEvent[] {
    const events: ModelEvent[] = [];
    if (chunk.usage) {
      this.usageSeen = true;
      const details = chunk.usage.prompt_tokens_details;
      events.push({
        type: 'usage',
        usage: {
          inputTokens: chunk.usage.prompt_tokens ?? 0,
          outputTokens: chunk.usage.completion_tokens ?? 0,
          cacheReadTokens: details?.cached_tokens ?? 0,
        },
      });
    }
    const choice = chunk.choices?.[0];
    if (!choice) return events;
    const delta = choice.delta ?? {};
    if (typeof delta.content === 'string' && delta.content) events.push({ type: 'text-delta', text: delta.content });
    for (const [position, d] of (delta.tool_calls ?? []).entries()) {
      const index = typeof d.index === 'number' ? d.index : position;
      let call = this.calls.get(index);
      if (!call) {
        // A new index means every earlier call is complete.
        events.push(...this.flush((i) => i < index));
        call = { index, id: '', name: '', arguments: '', emitted: false };
        this.calls.set(index, call);
      }
      if (d.id) call.id = d.id;
      if (d.function?.name) call.name += call.name && d.function.name.startsWith(call.name) ? d.function.name.slice(call.name.length) : d.function.name;
      const args = d.function?.arguments as unknown;
      if (typeof args === 'string') call.arguments += args;
      else if (args && typeof args === 'object') call.arguments += JSON.stringify(args);
    }
    if (choice.finish_reason) {
      this.finishReason = mapFinish(choice.finish_reason);
      events.push(...this.flush(() => true));
    }
    return events;
  }

  /** Call at the end of the HTTP stream. No finish event without a finish_reason: the loop treats that as a drop. */
  end(): ModelEvent[] {
    if (!this.finishReason) return [];
    return [{ type: 'finish', reason: this.finishReason }];
  }

  get sawUsage(): boolean {
    return this.usageSeen;
  }

  private flush(which: (index: number) => boolean): ModelEvent[] {
    const out: ModelEvent[] = [];
    for (const call of [...this.calls.values()].sort((a, b) => a.index - b.index)) {
      if (call.emitted || !which(call.index)) continue;
      call.emitted = true;
      out.push({ type: 'tool-call', call: { id: call.id, name: call.name, arguments: call.arguments } });
    }
    return out;
  }
}

function mapFinish(reason: string): FinishReason {
  switch (reason) {
    case 'stop':
      return 'stop';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'length':
      return 'length';
    case 'content_filter':
      return 'content_filter';
    default:
      return 'other';
  }
}
