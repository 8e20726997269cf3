import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { Usage } from '../../shared/transcript';
import type { FinishReason, ModelEvent } from '../provider';
import { splitConcatenatedJson } from './splitJson';

interface PartialCall {
  index: number;
  id: string;
  name: string;
  arguments: string;
  emitted: boolean;
}

/** Tolerances for OpenAI-compatible servers; api.openai.com needs none of them. */
export interface AssemblerOptions {
  /**
   * The server omits `index`, or reuses one index for different calls: a delta carrying a new id, or a name after
   * the current call's arguments are complete JSON, starts a new call.
   */
  lenientIndex?: boolean;
  /** Arguments holding several JSON objects back to back (`{..}{..}`) are split into one call each. */
  splitConcatenatedArguments?: boolean;
}

/**
 * Assembles Chat Completions stream chunks into model events. Tool calls arrive as deltas keyed by `index`; a call
 * is complete when a later index starts or the choice finishes, and is emitted at that moment so the scheduler can
 * start reads while the model is still streaming the rest of the turn.
 */
export class OpenAIStreamAssembler {
  private readonly calls = new Map<number, PartialCall>();
  /** lenientIndex: the server's index -> ours, once the server reused it for a different call. */
  private readonly alias = new Map<number, number>();
  private current: PartialCall | undefined;
  private finishReason: FinishReason | undefined;
  private usage: Usage | undefined;
  private splitCount = 0;

  constructor(private readonly options: AssemblerOptions = {}) {}

  push(chunk: ChatCompletionChunk): ModelEvent[] {
    const events: ModelEvent[] = [];
    // Some servers send usage twice (with the finish chunk and again on its own): keep the last, emit it once.
    if (chunk.usage) {
      const details = chunk.usage.prompt_tokens_details;
      this.usage = { inputTokens: chunk.usage.prompt_tokens ?? 0, outputTokens: chunk.usage.completion_tokens ?? 0, cacheReadTokens: details?.cached_tokens ?? 0 };
    }
    const choice = chunk.choices?.[0];
    if (!choice) return events;
    const delta = choice.delta ?? {};
    if (typeof delta.content === 'string' && delta.content) events.push({ type: 'text-delta', text: delta.content });
    for (const [position, d] of (delta.tool_calls ?? []).entries()) {
      const index = this.indexFor(d, position);
      let call = this.calls.get(index);
      if (!call) {
        // A new index means every earlier call is complete.
        events.push(...this.flush((i) => i < index));
        call = { index, id: '', name: '', arguments: '', emitted: false };
        this.calls.set(index, call);
      }
      this.current = call;
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
    return [...(this.usage ? [{ type: 'usage' as const, usage: this.usage }] : []), { type: 'finish', reason: this.finishReason }];
  }

  get sawUsage(): boolean {
    return this.usage !== undefined;
  }

  /** How many calls arrived with several argument objects glued together (and were split). */
  get concatenatedCalls(): number {
    return this.splitCount;
  }

  private indexFor(d: ChatCompletionChunk.Choice.Delta.ToolCall, position: number): number {
    const given = typeof d.index === 'number' ? d.index : undefined;
    if (!this.options.lenientIndex) return given ?? position;
    const mapped = given === undefined ? undefined : (this.alias.get(given) ?? given);
    const target = mapped === undefined ? this.current : this.calls.get(mapped);
    if (mapped !== undefined && !target) return mapped;
    if (target && !startsAnotherCall(target, d)) return target.index;
    const fresh = this.calls.size ? Math.max(...this.calls.keys()) + 1 : 0;
    if (given !== undefined) this.alias.set(given, fresh);
    return fresh;
  }

  private flush(which: (index: number) => boolean): ModelEvent[] {
    const out: ModelEvent[] = [];
    for (const call of [...this.calls.values()].sort((a, b) => a.index - b.index)) {
      if (call.emitted || !which(call.index)) continue;
      call.emitted = true;
      const parts = this.options.splitConcatenatedArguments ? splitConcatenatedJson(call.arguments) : undefined;
      if (parts) {
        this.splitCount++;
        // The first keeps the server's id; the others get none, so the adapter gives them fresh unique ones.
        parts.forEach((args, i) => out.push({ type: 'tool-call', call: { id: i === 0 ? call.id : '', name: call.name, arguments: args } }));
      } else {
        out.push({ type: 'tool-call', call: { id: call.id, name: call.name, arguments: call.arguments } });
      }
    }
    return out;
  }
}

function startsAnotherCall(call: PartialCall, d: ChatCompletionChunk.Choice.Delta.ToolCall): boolean {
  if (d.id && call.id && d.id !== call.id) return true;
  if (d.id || !d.function?.name || !call.name) return false;
  // Servers that repeat the name on every fragment send it mid-arguments too; only a complete call can be followed.
  return isCompleteJson(call.arguments);
}

function isCompleteJson(text: string): boolean {
  if (!text.trim()) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
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
