// Provider `vscode-lm` in the real host: `fanout.ask` -> Fanout's VscodeLmProvider -> vscode.lm.selectChatModels /
// sendRequest -> VS Code's language model service -> a test model registered with registerLanguageModelChatProvider
// (scriptedLm.ts), and the tool results back through the same API.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ask, EXTENSION_ID, readDisk, tag } from './helpers';
import { describePart, registerTestModel, SMALL_WINDOW, TEST_MODEL_FAMILY, TEST_MODEL_ID, TEST_SMALL_MODEL_ID, withSettings, type ScriptedLanguageModel } from './scriptedLm';

describe('provider vscode-lm (VS Code Language Model API)', () => {
  let model: ScriptedLanguageModel;
  let registration: vscode.Disposable | undefined;

  before(async function () {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    const registered = await registerTestModel();
    if (!registered) return this.skip();
    ({ model, registration } = registered);
    await vscode.commands.executeCommand('fanout.newChat');
  });

  after(() => registration?.dispose());

  it('runs parallel tool calls from one response and returns the final text', async () => {
    const t = tag();
    model.script(t, (step) =>
      step === 0
        ? [
            { text: 'Reading both files at once.' },
            { call: { id: 'lm_read_a', name: 'read_file', input: { path: 'src/greet.js' } } },
            { call: { id: 'lm_read_b', name: 'read_file', input: { path: 'README.md' } } },
          ]
        : [{ text: `Both read. ${t}` }],
    );
    const answer = await withSettings({ provider: 'vscode-lm', model: TEST_MODEL_ID }, () => ask(`read greet.js and the README ${t}`));
    assert.equal(answer, `Both read. ${t}`);

    const [first, second, ...more] = model.requestsOf(t);
    assert.equal(more.length, 0, 'two model requests: the batch, then the answer');
    for (const n of ['read_file', 'search_workspace', 'list_files', 'run_tests', 'apply_edit']) assert.ok(first.tools.includes(n), `${n} not offered (got ${first.tools.join(', ')})`);
    assert.equal(first.toolMode, vscode.LanguageModelChatToolMode.Auto);

    // The second request replays the assistant turn (text + both calls), then ONE user message with both results.
    const msgs = second.messages;
    const assistant = msgs[msgs.length - 2];
    const results = msgs[msgs.length - 1];
    assert.equal(assistant.role, vscode.LanguageModelChatMessageRole.Assistant);
    assert.deepEqual(assistant.content.map(describePart), [
      { text: 'Reading both files at once.' },
      { callId: 'lm_read_a', name: 'read_file', input: { path: 'src/greet.js' } },
      { callId: 'lm_read_b', name: 'read_file', input: { path: 'README.md' } },
    ]);
    assert.equal(results.role, vscode.LanguageModelChatMessageRole.User);
    assert.deepEqual(results.content.map(describePart), [
      { resultFor: 'lm_read_a', text: readDisk('src/greet.js') },
      { resultFor: 'lm_read_b', text: readDisk('README.md') },
    ]);
  });

  it('opens the first user message with the system prompt (the API has no system role)', () => {
    const first = model.requests[0].messages[0];
    assert.equal(first.role, vscode.LanguageModelChatMessageRole.User);
    const [system] = first.content.map(describePart);
    assert.ok('text' in system && /Fanout/.test(system.text), JSON.stringify(system).slice(0, 200));
  });

  it('finds the model by family too', async () => {
    const t = tag();
    model.script(t, () => [{ text: `by family ${t}` }]);
    assert.equal(await withSettings({ provider: 'vscode-lm', model: TEST_MODEL_FAMILY }, () => ask(`hello ${t}`)), `by family ${t}`);
  });

  it('says which models exist when the configured one does not', async () => {
    await assert.rejects(
      withSettings({ provider: 'vscode-lm', model: 'no-such-model-42' }, () => ask(`hello ${tag()}`)),
      (e: Error) => /No such model/.test(e.message) && e.message.includes('no-such-model-42') && e.message.includes(TEST_MODEL_ID),
    );
  });

  it('with parallel tool calls off, asks for one call per turn in the system text', async () => {
    const t = tag();
    model.script(t, () => [{ text: `one at a time ${t}` }]);
    await vscode.commands.executeCommand('fanout.newChat');
    await withSettings({ provider: 'vscode-lm', model: TEST_MODEL_ID, parallelToolCalls: false }, () => ask(`hello ${t}`));
    const [system] = model.requestsOf(t)[0].messages[0].content.map(describePart);
    assert.ok('text' in system && /at most one tool per turn/.test(system.text));
  });

  it('keeps a long session inside a small maxInputTokens: compacts and finishes, never sending more than the model takes', async function () {
    this.timeout(120_000);
    const t = tag();
    const big = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'context-big.txt');
    await vscode.workspace.fs.writeFile(big, Buffer.from(Array.from({ length: 500 }, (_, i) => `line ${i}: text that fills the window of the small model`).join('\n')));
    try {
      model.script(t, (step, request) => {
        if (!request.tools.length) return [{ text: `Summary: the big file was read ${step} times; nothing new in it.` }];
        const reads = model.requestsOf(t).filter((r) => r.tools.length).length - 1;
        return reads < 6 ? [{ call: { id: `lm_big_${reads}`, name: 'read_file', input: { path: 'context-big.txt' } } }] : [{ text: `Read it six times. ${t}` }];
      });
      await vscode.commands.executeCommand('fanout.newChat');
      const answer = await withSettings({ provider: 'vscode-lm', model: TEST_SMALL_MODEL_ID }, () => ask(`read context-big.txt six times ${t}`));
      assert.equal(answer, `Read it six times. ${t}`);
      const sent = model.requestsOf(t);
      const peak = Math.max(...sent.map((r) => r.tokens));
      assert.ok(peak <= SMALL_WINDOW, `a request of ${peak} tokens passed maxInputTokens ${SMALL_WINDOW}`);
      const compacted = sent.some((r) => r.messages.some((m) => m.content.map(describePart).some((p) => ('text' in p && /compacted to fit|Result elided|were cut/.test(p.text)) || ('resultFor' in p && /Result elided|were cut/.test(p.text)))));
      assert.ok(compacted, 'some request carried an elided result, a shared-budget cut or a summary');
    } finally {
      await vscode.workspace.fs.delete(big);
    }
  });
});
