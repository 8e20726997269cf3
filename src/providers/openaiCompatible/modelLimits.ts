// What an OpenAI-compatible server says about a model's context length. There is no standard field: vLLM puts
// `max_model_len` on its /v1/models entries, OpenRouter `context_length` (and the top provider's output limit), and
// Ollama only tells through its own /api/show (the model's `<arch>.context_length`, or `num_ctx` when the Modelfile
// sets one: Ollama cuts prompts to num_ctx silently, so that is the real limit).
import type { ModelLimits } from '../provider';

interface ListedModel {
  id?: string;
  max_model_len?: unknown;
  context_length?: unknown;
  top_provider?: { max_completion_tokens?: unknown };
}

export function limitsFromListing(entry: ListedModel | undefined): ModelLimits | undefined {
  if (!entry) return undefined;
  const window = positive(entry.max_model_len) ?? positive(entry.context_length);
  return window ? { contextWindow: window, maxOutputTokens: positive(entry.top_provider?.max_completion_tokens) } : undefined;
}

interface OllamaShow {
  model_info?: Record<string, unknown>;
  parameters?: string;
}

export function limitsFromOllamaShow(show: OllamaShow): ModelLimits | undefined {
  const numCtx = /(?:^|\n)\s*num_ctx\s+(\d+)/.exec(show.parameters ?? '')?.[1];
  if (numCtx) return { contextWindow: Number(numCtx) };
  const key = Object.keys(show.model_info ?? {}).find((k) => k.endsWith('.context_length'));
  const window = key ? positive(show.model_info![key]) : undefined;
  return window ? { contextWindow: window } : undefined;
}

/** Ollama's native API sits at the server root, beside /v1. Any failure (not Ollama) is "no information". */
export async function ollamaLimits(baseUrl: string, model: string, signal: AbortSignal): Promise<ModelLimits | undefined> {
  const root = baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  try {
    const res = await fetch(`${root}/api/show`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model }), signal });
    if (!res.ok) return undefined;
    return limitsFromOllamaShow((await res.json()) as OllamaShow);
  } catch {
    return undefined;
  }
}

function positive(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}
