// The model catalog: context window, output limit and list price per model, as data. Where a provider reports a
// model's limits at run time (Gemini models.get, vscode-lm maxInputTokens, vLLM/Ollama model info) that wins; this
// table is the fallback, and an unknown model gets a conservative window and no price (no cost rather than a wrong one).
import type { Usage } from '../shared/transcript';

/** USD per million tokens, list price: no batch discounts, no regional or priority tiers. */
export interface ModelPrice {
  input: number;
  output: number;
  /** Cached prompt tokens read (OpenAI cached input, Anthropic cache hits, Gemini cached content). */
  cacheRead?: number;
  /** Prompt tokens written to the cache (Anthropic, 5-minute TTL). */
  cacheWrite?: number;
  /** Different prices when the prompt is longer than `aboveTokens` (Gemini 2.5 Pro). */
  longPrompt?: { aboveTokens: number } & Omit<ModelPrice, 'longPrompt' | 'checked'>;
  /** When this price was last checked against the vendor's page (YYYY-MM-DD). */
  checked: string;
}

export interface ModelInfo {
  /** Tokens the model accepts in one request (the vendor's context window). */
  contextWindow: number;
  maxOutputTokens: number;
  price?: ModelPrice;
}

/** For a model nobody knows: small enough for most local models; the provider's overflow error corrects it. */
export const DEFAULT_CONTEXT_WINDOW = 32_000;

// Sources: developers.openai.com/api/docs/models, platform.claude.com/docs models overview pages,
// ai.google.dev and Google Cloud model pages (gemini-3.8-flash price from the Vercel AI Gateway and APIYI listings,
// Google's pricing page not being reachable from here). Entries dated 2026-11-25 were carried over from the old
// pricing table; 2026-11-29 ones were checked for this catalog.
const OPENAI_NEW = { contextWindow: 1_050_000, maxOutputTokens: 128_000 };
const GEMINI = { contextWindow: 1_048_576, maxOutputTokens: 65_536 };

export const MODELS: Readonly<Record<string, ModelInfo>> = {
  // OpenAI: Astra (flagship), Sol (everyday coding and agents), Terra, Luna (high volume)
  'gpt-6.2-astra': { ...OPENAI_NEW, price: { input: 8, output: 40, checked: '2026-11-29' } },
  'gpt-6-astra': { ...OPENAI_NEW, price: { input: 10, output: 50, checked: '2026-11-29' } },
  'gpt-6.2-sol': { ...OPENAI_NEW, price: { input: 2, output: 10, checked: '2026-11-29' } },
  'gpt-6.1-sol': { ...OPENAI_NEW, price: { input: 2, output: 10, checked: '2026-11-29' } },
  'gpt-6-sol': { ...OPENAI_NEW, price: { input: 2, output: 10, checked: '2026-11-29' } },
  'gpt-6.1-terra': { ...OPENAI_NEW, price: { input: 1, output: 5, checked: '2026-11-29' } },
  'gpt-6-luna': { ...OPENAI_NEW, price: { input: 0.1, output: 0.5, checked: '2026-11-29' } },
  'gpt-5.6-sol': { ...OPENAI_NEW, price: { input: 4, output: 20, checked: '2026-11-29' } },
  'gpt-5.6-terra': { ...OPENAI_NEW, price: { input: 2, output: 12, checked: '2026-11-29' } },
  'gpt-5.6-luna': { ...OPENAI_NEW, price: { input: 0.2, output: 1.2, checked: '2026-11-29' } },
  'gpt-5': { contextWindow: 400_000, maxOutputTokens: 128_000, price: { input: 1.25, output: 10, cacheRead: 0.125, checked: '2026-11-25' } },
  'gpt-5-mini': { contextWindow: 400_000, maxOutputTokens: 128_000, price: { input: 0.25, output: 2, cacheRead: 0.025, checked: '2026-11-25' } },
  'gpt-5-nano': { contextWindow: 400_000, maxOutputTokens: 128_000, price: { input: 0.05, output: 0.4, cacheRead: 0.005, checked: '2026-11-25' } },
  'gpt-4.1': { contextWindow: 1_047_576, maxOutputTokens: 32_768, price: { input: 2, output: 8, cacheRead: 0.5, checked: '2026-11-25' } },
  'gpt-4.1-mini': { contextWindow: 1_047_576, maxOutputTokens: 32_768, price: { input: 0.4, output: 1.6, cacheRead: 0.1, checked: '2026-11-25' } },
  'gpt-4.1-nano': { contextWindow: 1_047_576, maxOutputTokens: 32_768, price: { input: 0.1, output: 0.4, cacheRead: 0.025, checked: '2026-11-25' } },
  'gpt-4o': { contextWindow: 128_000, maxOutputTokens: 16_384, price: { input: 2.5, output: 10, cacheRead: 1.25, checked: '2026-11-25' } },
  'gpt-4o-mini': { contextWindow: 128_000, maxOutputTokens: 16_384, price: { input: 0.15, output: 0.6, cacheRead: 0.075, checked: '2026-11-25' } },
  o3: { contextWindow: 200_000, maxOutputTokens: 100_000, price: { input: 2, output: 8, cacheRead: 0.5, checked: '2026-11-25' } },
  'o3-mini': { contextWindow: 200_000, maxOutputTokens: 100_000, price: { input: 1.1, output: 4.4, cacheRead: 0.55, checked: '2026-11-25' } },
  'o4-mini': { contextWindow: 200_000, maxOutputTokens: 100_000, price: { input: 1.1, output: 4.4, cacheRead: 0.275, checked: '2026-11-25' } },
  // Anthropic (cache writes at the 5-minute TTL price, 1.25x input; reads 0.1x)
  'claude-sonnet-5-5': { contextWindow: 1_000_000, maxOutputTokens: 128_000, price: { input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5, checked: '2026-11-29' } },
  'claude-sonnet-5': { contextWindow: 1_000_000, maxOutputTokens: 128_000, price: { input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5, checked: '2026-11-29' } },
  'claude-opus-5-5': { contextWindow: 1_000_000, maxOutputTokens: 128_000, price: { input: 4, output: 20, cacheRead: 0.4, cacheWrite: 5, checked: '2026-11-29' } },
  'claude-opus-5': { contextWindow: 1_000_000, maxOutputTokens: 128_000, price: { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25, checked: '2026-11-29' } },
  'claude-fable-5-2': { contextWindow: 1_000_000, maxOutputTokens: 128_000, price: { input: 8, output: 40, cacheRead: 0.8, cacheWrite: 10, checked: '2026-11-29' } },
  'claude-fable-5-1': { contextWindow: 1_000_000, maxOutputTokens: 128_000, price: { input: 10, output: 50, cacheRead: 1, cacheWrite: 12.5, checked: '2026-11-29' } },
  'claude-haiku-4-5': { contextWindow: 200_000, maxOutputTokens: 64_000, price: { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25, checked: '2026-11-29' } },
  'claude-sonnet-4-6': { contextWindow: 200_000, maxOutputTokens: 64_000, price: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, checked: '2026-11-25' } },
  'claude-sonnet-4-5': { contextWindow: 200_000, maxOutputTokens: 64_000, price: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, checked: '2026-11-25' } },
  'claude-sonnet-4': { contextWindow: 200_000, maxOutputTokens: 64_000, price: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, checked: '2026-11-25' } },
  'claude-opus-4-1': { contextWindow: 200_000, maxOutputTokens: 32_000, price: { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75, checked: '2026-11-25' } },
  'claude-opus-4': { contextWindow: 200_000, maxOutputTokens: 32_000, price: { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75, checked: '2026-11-25' } },
  'claude-3-5-haiku': { contextWindow: 200_000, maxOutputTokens: 8_192, price: { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1, checked: '2026-11-25' } },
  // Google (text input; thinking tokens are billed as output). Gemini 4 Argon and 3.1 Pro: windows only, prices unverified.
  'gemini-4-argon': { ...GEMINI },
  'gemini-3.1-pro-preview': { ...GEMINI },
  'gemini-3.8-flash': { ...GEMINI, price: { input: 0.75, output: 3.75, cacheRead: 0.075, checked: '2026-11-29' } },
  'gemini-3-flash-preview': { ...GEMINI, price: { input: 0.5, output: 3, cacheRead: 0.05, checked: '2026-11-29' } },
  'gemini-2.5-pro': {
    ...GEMINI,
    price: { input: 1.25, output: 10, cacheRead: 0.31, longPrompt: { aboveTokens: 200_000, input: 2.5, output: 15, cacheRead: 0.625 }, checked: '2026-11-25' },
  },
  'gemini-2.5-flash': { ...GEMINI, price: { input: 0.3, output: 2.5, cacheRead: 0.075, checked: '2026-11-25' } },
  'gemini-2.5-flash-lite': { ...GEMINI, price: { input: 0.1, output: 0.4, cacheRead: 0.025, checked: '2026-11-25' } },
};

/** What may follow a known name in a dated or versioned id: gpt-4o-2024-08-06, claude-sonnet-4-5-20250929, -latest. */
const VERSION_SUFFIX = /^-(\d{4}-\d{2}-\d{2}|\d{8}|\d{2}-\d{2}|\d{3}|latest|preview(-[\w.-]+)?|exp(-[\w.-]+)?)$/;

/**
 * The catalog entry for a model id. Route prefixes (`models/`, `openai/` on OpenRouter) are ignored; a dated id
 * matches its family, but a different model that merely shares a prefix (gpt-4o-mini vs gpt-4o) does not.
 */
export function modelInfo(model: string): ModelInfo | undefined {
  const id = model.trim().toLowerCase().split('/').pop() ?? '';
  if (MODELS[id]) return MODELS[id];
  let best: string | undefined;
  for (const key of Object.keys(MODELS)) {
    if (id.startsWith(`${key}-`) && VERSION_SUFFIX.test(id.slice(key.length)) && (!best || key.length > best.length)) best = key;
  }
  return best ? MODELS[best] : undefined;
}

export function priceFor(model: string): ModelPrice | undefined {
  return modelInfo(model)?.price;
}

/**
 * Estimated cost in USD, or undefined for a model without a known price (the UI then shows tokens only).
 * `usage.inputTokens` is the whole prompt, cached reads and writes included (every adapter reports it so).
 * Price one request (a turn's usage event) and add the results up: the long-prompt price is decided per request.
 */
export function estimateCostUsd(model: string, usage: Usage): number | undefined {
  const base = priceFor(model);
  if (!base) return undefined;
  const price = base.longPrompt && usage.inputTokens > base.longPrompt.aboveTokens ? base.longPrompt : base;
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const uncached = Math.max(0, usage.inputTokens - cacheRead - cacheWrite);
  const dollars =
    uncached * price.input + cacheRead * (price.cacheRead ?? price.input) + cacheWrite * (price.cacheWrite ?? price.input) + usage.outputTokens * price.output;
  return dollars / 1_000_000;
}

/**
 * Model ids a chat agent can use: the vendors' lists also hold embeddings, image, audio, speech, transcription,
 * moderation, realtime and legacy completion models, which would only fail (or bill) when picked.
 */
const NOT_CHAT = /(embed|image|imagen|dall-e|gpt-image|tts|whisper|transcri|audio|speech|realtime|moderation|omni-moderation|sora|veo|lyria|music|robotics|aqa|babbage|davinci|computer-use|search-preview|nano-banana|live)/i;

export function isChatModel(id: string): boolean {
  return !NOT_CHAT.test(id);
}
