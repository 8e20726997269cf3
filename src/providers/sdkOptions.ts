import type { ProviderConfig } from './provider';

/**
 * Client options shared by the OpenAI and Anthropic SDKs. `maxRetries: 0` everywhere: retries belong to the agent
 * loop, which backs off honouring retry-after and shows the user why it waits.
 */
export function sdkClientOptions(config: ProviderConfig, apiKey: string) {
  return { apiKey, baseURL: config.baseUrl || undefined, maxRetries: 0, defaultHeaders: config.headers };
}
