import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { CallIdAllocator } from '../callIds';
import { classifyError } from '../httpErrors';
import { toOpenAIMessages, toOpenAITools } from '../openai/convert';
import { OpenAIStreamAssembler } from '../openai/streamAssembler';
import { withOneCallPerTurn } from '../parallelHint';
import type { ModelEvent, ModelLimits, ModelProvider, ModelRequest, ProviderConfig } from '../provider';
import { sdkClientOptions } from '../sdkOptions';
import { limitsFromListing, ollamaLimits } from './modelLimits';

/** Request fields some servers reject with a 400; each is dropped for the endpoint once it was rejected. */
const OPTIONAL_PARAMS = ['parallel_tool_calls', 'stream_options'] as const;
type OptionalParam = (typeof OPTIONAL_PARAMS)[number];

export const GARBLED_NOTICE =
  'This OpenAI-compatible server garbled parallel tool calls (several calls arrived glued together). They were split ' +
  'this time; from now on Fanout asks it for one tool call per turn.';

/**
 * Chat Completions on any OpenAI-compatible server (Ollama, vLLM, LM Studio, llama.cpp, Groq, OpenRouter...).
 * Same SDK and stream assembler as the OpenAI adapter, with the tolerances real servers need: missing or repeated
 * call ids, missing indexes, arguments as objects, calls glued together, and fields they refuse.
 */
export class OpenAICompatibleProvider implements ModelProvider {
  readonly id = 'openai-compatible' as const;
  private readonly client: OpenAI;
  private readonly apiKey: string | undefined;
  private readonly baseUrl: string;
  private readonly rejected = new Set<OptionalParam>();
  /** Set once the endpoint garbled a parallel batch: it gets one call per turn from then on. */
  private oneCallPerTurn = false;

  constructor(config: ProviderConfig) {
    if (!config.baseUrl) {
      throw new Error('The OpenAI-compatible provider needs a base URL, e.g. http://localhost:11434/v1 (Ollama) or http://localhost:8000/v1 (vLLM).');
    }
    this.apiKey = config.apiKey;
    this.baseUrl = config.baseUrl;
    // Local servers need no key, but the SDK refuses to start without one.
    this.client = new OpenAI(sdkClientOptions(config, config.apiKey || 'no-key'));
  }

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent> {
    const parallel = request.parallelToolCalls && !this.oneCallPerTurn;
    const assembler = new OpenAIStreamAssembler({ lenientIndex: true, splitConcatenatedArguments: true });
    const ids = new CallIdAllocator(request.messages);
    let started = false;
    try {
      const stream = await this.open(request, parallel, signal);
      for await (const chunk of stream) {
        started = true;
        for (const event of assembler.push(chunk)) yield event.type === 'tool-call' ? { ...event, call: { ...event.call, id: ids.assign(event.call.id) } } : event;
        if (assembler.concatenatedCalls && parallel && !this.oneCallPerTurn) {
          this.oneCallPerTurn = true;
          yield { type: 'notice', message: GARBLED_NOTICE };
        }
      }
      yield* assembler.end();
    } catch (e) {
      throw classifyError(this.id, e, { started, signal, apiKey: this.apiKey });
    }
  }

  async listModels(signal: AbortSignal): Promise<string[]> {
    const ids: string[] = [];
    try {
      for await (const m of this.client.models.list({ signal })) ids.push(m.id);
    } catch (e) {
      throw classifyError(this.id, e, { started: false, signal, apiKey: this.apiKey });
    }
    return ids.sort();
  }

  /** vLLM / OpenRouter say it in their model listing; Ollama through /api/show. */
  async modelLimits(model: string, signal: AbortSignal): Promise<ModelLimits | undefined> {
    try {
      for await (const m of this.client.models.list({ signal })) {
        if (m.id === model) {
          const limits = limitsFromListing(m as unknown as Parameters<typeof limitsFromListing>[0]);
          if (limits) return limits;
          break;
        }
      }
    } catch {
      // No listing: try Ollama's own endpoint below.
    }
    return ollamaLimits(this.baseUrl, model, signal);
  }

  /** Sends the request; a 400 naming an optional field we sent is answered by sending it again without that field. */
  private async open(request: ModelRequest, parallel: boolean, signal: AbortSignal): Promise<AsyncIterable<ChatCompletionChunk>> {
    for (;;) {
      const body = this.body(request, parallel);
      try {
        return await this.client.chat.completions.create(body, { signal });
      } catch (e) {
        const refused = refusedParam(e, body);
        if (!refused) throw e;
        this.rejected.add(refused);
      }
    }
  }

  private body(request: ModelRequest, parallel: boolean): ChatCompletionCreateParamsStreaming {
    const sendParallelSwitch = !parallel && request.tools.length > 0 && !this.rejected.has('parallel_tool_calls');
    // Where the switch is missing or was ignored before, ask in the prompt too.
    const askInPrompt = !parallel && (this.oneCallPerTurn || this.rejected.has('parallel_tool_calls'));
    return {
      model: request.model,
      messages: toOpenAIMessages(askInPrompt ? withOneCallPerTurn(request.system) : request.system, request.messages),
      stream: true,
      ...(this.rejected.has('stream_options') ? {} : { stream_options: { include_usage: true } }),
      ...(request.tools.length ? { tools: toOpenAITools(request.tools) } : {}),
      ...(sendParallelSwitch ? { parallel_tool_calls: false } : {}),
      // Most servers know max_tokens; max_completion_tokens is newer and OpenAI-only in practice.
      ...(request.maxOutputTokens ? { max_tokens: request.maxOutputTokens } : {}),
    };
  }
}

function refusedParam(error: unknown, body: ChatCompletionCreateParamsStreaming): OptionalParam | undefined {
  if (!(error instanceof OpenAI.APIError) || (error.status !== 400 && error.status !== 422)) return undefined;
  const text = `${error.message} ${JSON.stringify(error.error ?? '')}`;
  return OPTIONAL_PARAMS.find((p) => p in body && text.includes(p));
}
