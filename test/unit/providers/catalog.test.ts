import * as assert from 'node:assert/strict';
import { estimateCostUsd, isChatModel, modelInfo, MODELS, priceFor } from '../../../src/providers/catalog';
import { DEFAULT_MODELS } from '../../../src/providers';

const close = (actual: number | undefined, expected: number) => {
  assert.ok(actual !== undefined, 'expected a price');
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} != ${expected}`);
};

describe('model catalog', () => {
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
    assert.equal(priceFor('claude-sonnet-4-5-20250929'), MODELS['claude-sonnet-4-5'].price);
    assert.equal(priceFor('claude-sonnet-4-20250514'), MODELS['claude-sonnet-4'].price);
    assert.equal(priceFor('claude-3-5-haiku-latest'), MODELS['claude-3-5-haiku'].price);
    assert.equal(priceFor('gpt-4o-2024-08-06'), MODELS['gpt-4o'].price);
    assert.equal(priceFor('gpt-4o-mini-2024-07-18'), MODELS['gpt-4o-mini'].price);
    assert.equal(priceFor('gpt-4.1-mini'), MODELS['gpt-4.1-mini'].price);
    assert.equal(priceFor('o3-mini'), MODELS['o3-mini'].price);
    assert.equal(priceFor('models/gemini-2.5-flash'), MODELS['gemini-2.5-flash'].price);
    assert.equal(priceFor('gemini-2.5-flash-lite'), MODELS['gemini-2.5-flash-lite'].price);
    assert.equal(priceFor('gemini-2.5-flash-preview-05-20'), MODELS['gemini-2.5-flash'].price);
    assert.equal(priceFor('openai/gpt-4.1'), MODELS['gpt-4.1'].price);
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

  it('has a window, an output limit and a check date for every entry, and knows every default model', () => {
    for (const [id, info] of Object.entries(MODELS)) {
      assert.ok(info.contextWindow >= 8000 && info.maxOutputTokens > 0, id);
      if (info.price) assert.match(info.price.checked, /^\d{4}-\d{2}-\d{2}$/, id);
    }
    for (const p of ['openai', 'anthropic', 'gemini'] as const) assert.ok(modelInfo(DEFAULT_MODELS[p])?.contextWindow, p);
    assert.equal(modelInfo('claude-sonnet-5-5-20261015'), MODELS['claude-sonnet-5-5']);
    assert.equal(modelInfo('llama3.1'), undefined);
  });

  it('tells chat models from embeddings, image, audio, speech, moderation and realtime models', () => {
    const ids = ['gpt-6.2-sol', 'text-embedding-3-large', 'gpt-image-2', 'dall-e-3', 'tts-1', 'gpt-4o-mini-tts', 'whisper-1', 'gpt-4o-transcribe',
      'omni-moderation-latest', 'gpt-realtime', 'gpt-audio-mini', 'babbage-002', 'claude-sonnet-5-5', 'gemini-3.8-flash', 'gemini-embedding-001',
      'gemini-3.1-flash-image', 'gemini-3.8-flash-tts', 'imagen-4.0-generate-001', 'veo-3.0-generate-001', 'lyria-3.5', 'gemini-4-argon', 'qwen2.5-coder'];
    assert.deepEqual(ids.filter(isChatModel), ['gpt-6.2-sol', 'claude-sonnet-5-5', 'gemini-3.8-flash', 'gemini-4-argon', 'qwen2.5-coder']);
  });
});
