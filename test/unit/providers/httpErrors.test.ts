import * as assert from 'node:assert/strict';
import { createProvider } from '../../../src/providers';
import { ProviderError, type ModelProvider } from '../../../src/providers/provider';
import { HARNESSES } from './harness';

/** The error the adapter throws for the harness's real-wire key rejection, sent through the vendor's SDK. */
async function rejection(provider: ModelProvider, model: string): Promise<ProviderError> {
  try {
    for await (const _ of provider.stream({ model, system: '', messages: [{ role: 'user', text: 'hi' }], tools: [], parallelToolCalls: true }, new AbortController().signal)) {
      // a rejected key yields nothing
    }
  } catch (e) {
    assert.ok(ProviderError.is(e), String(e));
    return e;
  }
  assert.fail('the stream did not fail');
}

describe('auth error messages name what the user really sets', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c()));
  });

  async function rejected(id: string, apiKey: string | undefined): Promise<string> {
    const h = HARNESSES.find((x) => x.id === id)!;
    const server = await h.start(() => h.authFault);
    closers.push(server.close);
    const e = await rejection(await createProvider({ provider: h.id, apiKey, baseUrl: server.url }), h.model ?? 'm');
    assert.equal(e.kind, 'auth');
    return e.message;
  }

  for (const [id, label, env] of [
    ['openai', 'OpenAI', 'OPENAI_API_KEY'],
    ['anthropic', 'Anthropic', 'ANTHROPIC_API_KEY'],
    ['gemini', 'Gemini', 'GEMINI_API_KEY'],
  ] as const) {
    it(`${id}: the command or ${env} (both hosts read that variable)`, async () => {
      const message = await rejected(id, 'sk-wrong-key-1234');
      assert.ok(message.startsWith(`${label} rejected the API key (HTTP 4`), message);
      assert.ok(message.includes(`Run "Fanout: Set API Key" or set ${env}.`), message);
    });
  }

  // The extension reads an openai-compatible key from its key store only: naming OPENAI_API_KEY as the fix there
  // (as the message once did) sent the user to a variable the extension ignores.
  it('openai-compatible with a key: the endpoint refused it; the command, and the variable only for the CLI', async () => {
    const message = await rejected('openai-compatible', 'sk-wrong-key-1234');
    assert.ok(message.startsWith('The OpenAI-compatible server refused the API key (HTTP 401). Store the key it expects with "Fanout: Set API Key" (provider openai-compatible); the headless CLI reads OPENAI_API_KEY.'), message);
    assert.ok(!message.includes('or set OPENAI_API_KEY'), message);
  });

  it('openai-compatible without a key (an Ollama-style setup): says none was set and this endpoint needs one', async () => {
    const message = await rejected('openai-compatible', undefined);
    assert.ok(message.startsWith('The OpenAI-compatible server refused the request: no API key was set and this endpoint needs one (HTTP 401). Store the key it expects with "Fanout: Set API Key"'), message);
  });
});
