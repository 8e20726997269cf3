import type { ExtensionProviderId, ModelProvider, ProviderConfig, ProviderId } from './provider';

/**
 * Each vendor's current mid-tier coding model (SDK model lists and the vendors' model pages, November 2026): OpenAI's
 * Sol ("everyday work, from coding to agents"), Anthropic's Sonnet, Google's Flash (between Pro and Flash-Lite).
 */
export const DEFAULT_MODELS: Record<ExtensionProviderId, string> = {
  openai: 'gpt-6.2-sol',
  anthropic: 'claude-sonnet-5-5',
  gemini: 'gemini-3.8-flash',
  'openai-compatible': 'llama3.1',
  // Empty: the first chat model VS Code offers (whatever the user has installed, e.g. GitHub Copilot Chat).
  'vscode-lm': '',
};

/** Where the SDKs send requests when no base URL is set (named in connection errors). */
export const DEFAULT_BASE_URLS: Record<ProviderId, string | undefined> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  gemini: 'https://generativelanguage.googleapis.com',
  'openai-compatible': undefined,
};

/**
 * The one table of key variables. openai-compatible has none in the extension: its key is stored with "Fanout: Set
 * API Key" only, so an OpenAI key in the environment is never sent to whatever server the base URL names. The
 * headless CLI has no key store and reads COMPATIBLE_KEY_ENV_CLI for it instead.
 */
export const API_KEY_ENV: Record<ExtensionProviderId, string | undefined> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  gemini: 'GEMINI_API_KEY',
  'openai-compatible': undefined,
  'vscode-lm': undefined,
};

/** Where the CLI finds an openai-compatible key (optional: local servers usually need none). */
export const COMPATIBLE_KEY_ENV_CLI = 'OPENAI_API_KEY';

/**
 * Whether the provider cannot work without a key (local OpenAI-compatible servers usually need none; VS Code's own
 * models need none either: VS Code asks the user for consent instead).
 */
export function requiresApiKey(provider: ExtensionProviderId): boolean {
  return provider !== 'openai-compatible' && provider !== 'vscode-lm';
}

/**
 * Creates an HTTP adapter. SDKs are loaded here, on first use, so activating the extension never evaluates them.
 * (`vscode-lm` needs the `vscode` module: the extension creates it itself.)
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
