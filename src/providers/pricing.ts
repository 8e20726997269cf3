// List prices, to show the user what a run cost. An estimate: no batch discounts, no regional or priority tiers.
import type { Usage } from '../shared/transcript';

/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  /** Cached prompt tokens read (OpenAI cached input, Anthropic cache hits, Gemini cached content). */
  cacheRead?: number;
  /** Prompt tokens written to the cache (Anthropic, 5-minute TTL). */
  cacheWrite?: number;
  /** Different prices when the prompt is longer than `aboveTokens` (Gemini 2.5 Pro). */
  longPrompt?: { aboveTokens: number } & Omit<ModelPrice, 'longPrompt'>;
}

export const PRICES: Readonly<Record<string, ModelPrice>> = {
  // OpenAI
  'gpt-4.1': { input: 2, output: 8, cacheRead: 0.5 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cacheRead: 0.1 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, cacheRead: 0.025 },
  'gpt-4o': { input: 2.5, output: 10, cacheRead: 1.25 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cacheRead: 0.075 },
  o3: { input: 2, output: 8, cacheRead: 0.5 },
  'o3-mini': { input: 1.1, output: 4.4, cacheRead: 0.55 },
  'o4-mini': { input: 1.1, output: 4.4, cacheRead: 0.275 },
  'gpt-5': { input: 1.25, output: 10, cacheRead: 0.125 },
  'gpt-5-mini': { input: 0.25, output: 2, cacheRead: 0.025 },
  'gpt-5-nano': { input: 0.05, output: 0.4, cacheRead: 0.005 },
  // Anthropic (cache writes at the 5-minute TTL price, 1.25x input; reads 0.1x)
  // Sonnet-tier list price, unchanged from Claude 3 Sonnet through 4.5; 4.6 is the SDK's current non-deprecated Sonnet.
  'claude-sonnet-4-6': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-sonnet-4-5': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-sonnet-4': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-opus-4-1': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  'claude-opus-4': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  'claude-haiku-4-5': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  'claude-3-5-haiku': { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
  // Google (text input; thinking tokens are billed as output)
  'gemini-2.5-pro': {
    input: 1.25,
    output: 10,
    cacheRead: 0.31,
    longPrompt: { aboveTokens: 200_000, input: 2.5, output: 15, cacheRead: 0.625 },
  },
  'gemini-2.5-flash': { input: 0.3, output: 2.5, cacheRead: 0.075 },
  'gemini-2.5-flash-lite': { input: 0.1, output: 0.4, cacheRead: 0.025 },
};

/** What may follow a known name in a dated or versioned id: gpt-4o-2024-08-06, claude-sonnet-4-5-20250929, -latest. */
const VERSION_SUFFIX = /^-(\d{4}-\d{2}-\d{2}|\d{8}|\d{2}-\d{2}|\d{3}|latest|preview(-[\w.-]+)?|exp(-[\w.-]+)?)$/;

/**
 * The price entry for a model id. Route prefixes (`models/`, `openai/` on OpenRouter) are ignored; a dated id
 * matches its family, but a different model that merely shares a prefix (gpt-4o-mini vs gpt-4o) does not.
 */
export function priceFor(model: string): ModelPrice | undefined {
  const id = model.trim().toLowerCase().split('/').pop() ?? '';
  if (PRICES[id]) return PRICES[id];
  let best: string | undefined;
  for (const key of Object.keys(PRICES)) {
    if (id.startsWith(`${key}-`) && VERSION_SUFFIX.test(id.slice(key.length)) && (!best || key.length > best.length)) best = key;
  }
  return best ? PRICES[best] : undefined;
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
