import * as assert from 'node:assert/strict';
import { estimateCostUsd, priceFor, PRICES } from '../../../src/providers/pricing';
import { DEFAULT_MODELS } from '../../../src/providers';

const close = (actual: number | undefined, expected: number) => {
  assert.ok(actual !== undefined, 'expected a price');
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} != ${expected}`);
};

describe('pricing', () => {
  it('prices input and output per million tokens', () => {
    close(estimateCostUsd('gpt-4.1', { inputTokens: 1_000_000, outputTokens: 1_000_000 }), 2 + 8);
    close(estimateCostUsd('claude-sonnet-4-5', { inputTokens: 2000, outputTokens: 1000 }), (2000 * 3 + 1000 * 15) / 1e6);
    close(estimateCostUsd('gemini-2.5-flash', { inputTokens: 10_000, outputTokens: 500 }), (10_000 * 0.3 + 500 * 2.5) / 1e6);
  });

  it('prices cached reads and cache writes at their own rates, out of the whole prompt count', () => {
    // 100k prompt: 80k read from cache, 10k written to it, 10k plain.
    const usage = { inputTokens: 100_000, outputTokens: 1000, cacheReadTokens: 80_000, cacheWriteTokens: 10_000 };
    close(estimateCostUsd('claude-sonnet-4-5', usage), (10_000 * 3 + 80_000 * 0.3 + 10_000 * 3.75 + 1000 * 15) / 1e6);
    close(estimateCostUsd('gpt-4o', { inputTokens: 10_000, outputTokens: 0, cacheReadTokens: 4000 }), (6000 * 2.5 + 4000 * 1.25) / 1e6);
  });

  it('matches dated and routed ids to their family, but not a different model with a longer name', () => {
    assert.equal(priceFor('claude-sonnet-4-5-20250929'), PRICES['claude-sonnet-4-5']);
    assert.equal(priceFor('claude-sonnet-4-20250514'), PRICES['claude-sonnet-4']);
    assert.equal(priceFor('claude-3-5-haiku-latest'), PRICES['claude-3-5-haiku']);
    assert.equal(priceFor('gpt-4o-2024-08-06'), PRICES['gpt-4o']);
    assert.equal(priceFor('gpt-4o-mini-2024-07-18'), PRICES['gpt-4o-mini']);
    assert.equal(priceFor('gpt-4.1-mini'), PRICES['gpt-4.1-mini']);
    assert.equal(priceFor('o3-mini'), PRICES['o3-mini']);
    assert.equal(priceFor('models/gemini-2.5-flash'), PRICES['gemini-2.5-flash']);
    assert.equal(priceFor('gemini-2.5-flash-lite'), PRICES['gemini-2.5-flash-lite']);
    assert.equal(priceFor('gemini-2.5-flash-preview-05-20'), PRICES['gemini-2.5-flash']);
    assert.equal(priceFor('openai/gpt-4.1'), PRICES['gpt-4.1']);
    assert.equal(priceFor('gpt-4o-audio-preview-x'), undefined, 'not gpt-4o');
    assert.equal(priceFor('gpt-4'), undefined);
  });

  it('returns undefined for unknown models, so the UI shows tokens only', () => {
    assert.equal(estimateCostUsd('llama3.1', { inputTokens: 1000, outputTokens: 1000 }), undefined);
    assert.equal(estimateCostUsd('', { inputTokens: 1, outputTokens: 1 }), undefined);
  });

  it('uses the long-prompt price above the threshold (Gemini 2.5 Pro)', () => {
    close(estimateCostUsd('gemini-2.5-pro', { inputTokens: 200_000, outputTokens: 0 }), 200_000 * 1.25 / 1e6);
    close(estimateCostUsd('gemini-2.5-pro', { inputTokens: 300_000, outputTokens: 1000 }), (300_000 * 2.5 + 1000 * 15) / 1e6);
  });

  it('knows the default model of every provider that has list prices', () => {
    for (const p of ['openai', 'anthropic', 'gemini'] as const) assert.ok(priceFor(DEFAULT_MODELS[p]), p);
  });
});
