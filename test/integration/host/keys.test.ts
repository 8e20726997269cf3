// The API key reaches the model server and nothing else: not the log, not the error the user sees, even when the
// server echoes it back. (Storing a key through the `fanout.setApiKey` input boxes is driven in the browser, see
// test/e2e/workbench.test.ts: the quick input cannot be typed into from the extension host.)
import * as assert from 'node:assert/strict';
import { ask, fanoutLog, requestsOf, tag } from './helpers';

describe('API key hygiene', () => {
  const key = process.env.OPENAI_API_KEY ?? '';

  before(() => assert.ok(key.length >= 8, 'the driver sets a long OPENAI_API_KEY'));

  it('keeps the key out of errors and the log when the server echoes it', async () => {
    const t = tag();
    const error = await ask(`[scenario:echo-key] ${t}`).then(
      () => assert.fail('a 401 must fail the request'),
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
    const [req] = await requestsOf(t);
    assert.equal(req.authorization, `Bearer ${key}`, 'the key was sent (and echoed by the fake server)');
    assert.ok(!error.includes(key), `the error shown to the user contains the key: ${error}`);
    const log = fanoutLog();
    assert.match(log, /invalid_api_key|Incorrect API key|401|auth/i, 'the failure is logged');
    assert.ok(!log.includes(key), 'the Fanout log contains the API key');
  });
});
