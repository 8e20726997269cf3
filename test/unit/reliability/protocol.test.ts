// Reliability: whatever arrives over the webview channel, only well-formed messages of known types get through.
import * as assert from 'node:assert/strict';
import { parseHostMessage, parseWebviewMessage } from '../../../src/shared/protocol';

describe('reliability: webview messages of unknown type or wrong shape are rejected', () => {
  const junk: unknown[] = [
    undefined,
    null,
    42,
    'send',
    [],
    {},
    { type: 'exec', command: 'rm -rf /' },
    { type: 'send' },
    { type: 'send', text: '' },
    { type: 'send', text: 12 },
    { type: 'send', text: 'x'.repeat(200_001) },
    { type: 'send', text: 'hi', attachments: [{ kind: 'folder', path: 'x' }] },
    { type: 'open-conversation', id: '' },
    { type: 'approval-response', requestId: 'r', decisions: [{ id: 'a', allowed: 'yes' }] },
    { type: 'restore-checkpoint', messageIndex: -1 },
    { type: 'restore-checkpoint', messageIndex: 1.5 },
    { type: 'action', action: 'runArbitraryCommand' },
    { type: 'keep', path: 7 },
  ];

  for (const message of junk) {
    it(`webview -> extension: ${JSON.stringify(message)?.slice(0, 70) ?? String(message)}`, () => {
      assert.equal(parseWebviewMessage(message), undefined);
    });
  }

  it('accepts the well-formed ones, with defaults filled in', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'send', text: 'hi' }), { type: 'send', text: 'hi', attachments: [] });
    assert.deepEqual(parseWebviewMessage({ type: 'stop' }), { type: 'stop' });
    assert.deepEqual(parseWebviewMessage({ type: 'action', action: 'setApiKey' }), { type: 'action', action: 'setApiKey' });
  });

  it('extension -> webview messages are checked too', () => {
    assert.equal(parseHostMessage({ type: 'event', conversationId: 'c', event: { type: 'text-delta', turn: 1 } }), undefined);
    assert.equal(parseHostMessage({ type: 'error', message: 'x', actions: ['format-disk'] }), undefined);
    assert.deepEqual(parseHostMessage({ type: 'focus-input' }), { type: 'focus-input' });
  });
});
