import type { ModelProvider, ProviderConfig, ProviderId } from './provider';

export const DEFAULT_MODELS: Record<ProviderId, string> = {
  openai: 'gpt-4.1',
  anthropic: 'claude-sonnet-4-6',
  gemini: 'gemini-2.5-flash',
  'openai-compatible': 'llama3.1',
};

export const API_KEY_ENV: Record<ProviderId, string | undefined> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  gemini: 'GEMINI_API_KEY',
  'openai-compatible': undefined,
};

/** Whether the provider cannot work without a key (local OpenAI-compatible servers usually need none). */
export function requiresApiKey(provider: ProviderId): boolean {
  return provider !== 'openai-compatible';
}

/**
 * Creates the adapter. SDKs are loaded here, on first use, so activating the extension never evaluates them.
 */
export async function createProvider(config: ProviderConfig): Promise<ModelProvider> {
  switch (config.provider) {
    case 'openai':
      return new (await import('./openai/openaiProvider')).OpenAIProvider(config);
    case 'anthropic':
      return new (await import('./anthropic/anthropicProvider')).AnthropicProvider(config);
    case 'gemini':
      return new (await import('./gemini/geminiProvider')).GeminiProvider(config);
    case 'openai-compatible':
      return new (await import('./openaiCompatible/compatibleProvider')).OpenAICompatibleProvider(config);
  }
}
