import type { GenerateContentResponse, Part } from '@google/genai';
import type { Usage } from '../../shared/transcript';
import type { CallIdAllocator } from '../callIds';
import type { FinishReason, ModelEvent } from '../provider';
import type { GeminiCallData, GeminiMessageData } from './convert';

/**
 * streamGenerateContent chunks -> model events. A functionCall part always arrives whole, so each call is emitted
 * as soon as its chunk does. Every part is kept as received and handed back with the finish event, for the next
 * request to echo (thought signatures are only valid in their original place).
 */
export class GeminiStreamParser {
  private readonly parts: Part[] = [];
  private finishReason: string | undefined;
  private blocked = false;
  private calls = 0;
  private usage: Usage | undefined;

  constructor(private readonly ids: CallIdAllocator) {}

  push(chunk: GenerateContentResponse): ModelEvent[] {
    const events: ModelEvent[] = [];
    const u = chunk.usageMetadata;
    // Each chunk may repeat the running totals: keep the latest, emit once.
    if (u) {
      this.usage = {
        inputTokens: (u.promptTokenCount ?? 0) + (u.toolUsePromptTokenCount ?? 0),
        // Thinking is billed as output.
        outputTokens: (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0),
        cacheReadTokens: u.cachedContentTokenCount ?? 0,
      };
    }
    if (chunk.promptFeedback?.blockReason) this.blocked = true;
    const candidate = chunk.candidates?.[0];
    if (!candidate) return events;
    for (const part of candidate.content?.parts ?? []) {
      this.parts.push(part);
      if (part.functionCall) {
        const fc = part.functionCall;
        const data: GeminiCallData = { ...(fc.id ? { geminiId: fc.id } : {}), ...(part.thoughtSignature ? { thoughtSignature: part.thoughtSignature } : {}) };
        this.calls++;
        events.push({
          type: 'tool-call',
          call: { id: this.ids.assign(fc.id), name: fc.name ?? '', arguments: JSON.stringify(fc.args ?? {}), ...(Object.keys(data).length ? { providerData: { ...data } } : {}) },
        });
      } else if (typeof part.text === 'string' && part.text && !part.thought) {
        events.push({ type: 'text-delta', text: part.text });
      }
    }
    if (candidate.finishReason) this.finishReason = candidate.finishReason;
    return events;
  }

  /** No finish without a finishReason (or a blocked prompt): the stream was cut and the loop retries the turn. */
  end(): ModelEvent[] {
    if (!this.finishReason && !this.blocked) return [];
    const providerData: GeminiMessageData = { geminiParts: this.parts };
    return [
      ...(this.usage ? [{ type: 'usage' as const, usage: this.usage }] : []),
      { type: 'finish', reason: this.blocked ? 'content_filter' : mapFinish(this.finishReason, this.calls > 0), providerData: { ...providerData } },
    ];
  }
}

function mapFinish(reason: string | undefined, hadCalls: boolean): FinishReason {
  switch (reason) {
    // Gemini reports STOP after function calls too.
    case 'STOP':
      return hadCalls ? 'tool_calls' : 'stop';
    case 'MAX_TOKENS':
      return 'length';
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
      return 'content_filter';
    default:
      return 'other';
  }
}
