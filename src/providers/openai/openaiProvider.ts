import OpenAI from 'openai';
import { classifyError } from '../httpErrors';
import type { ModelEvent, ModelProvider, ModelRequest, ProviderConfig } from '../provider';
import { toOpenAIMessages, toOpenAITools } from './convert';
import { OpenAIStreamAssembler } from './streamAssembler';
import { sdkClientOptions } from '../sdkOptions';

/** OpenAI Chat Completions, streaming. Retries are the agent loop's job (it shows the user why it waits). */
export class OpenAIProvider implements ModelProvider {
  readonly id = 'openai' as const;
  private readonly client: OpenAI;
  private readonly apiKey: string | undefined;

  constructor(config: ProviderConfig) {
    this.apiKey = config.apiKey;
    this.client = new OpenAI(sdkClientOptions(config, config.apiKey ?? ''));
  }

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent> {
    const assembler = new OpenAIStreamAssembler();
    let started = false;
    try {
      const stream = await this.client.chat.completions.create(
        {
          model: request.model,
          messages: toOpenAIMessages(request.system, request.messages),
          stream: true,
          stream_options: { include_usage: true },
          ...(request.tools.length
            ? { tools: toOpenAITools(request.tools), ...(request.parallelToolCalls ? {} : { parallel_tool_calls: false }) }
            : {}),
          ...(request.maxOutputTokens ? { max_completion_tokens: request.maxOutputTokens } : {}),
        },
        { signal },
      );
      for await (const chunk of stream) {
        started = true;
        yield* assembler.push(chunk);
      }
      yield* assembler.end();
    } catch (e) {
      throw classifyError(this.id, e, { started, signal, apiKey: this.apiKey });
    }
  }

  async listModels(signal: AbortSignal): Promise<string[]> {
    const ids: string[] = [];
    for await (const m of this.client.models.list({ signal })) ids.push(m.id);
    return ids.sort();
  }
}
