// The agent end to end in the real host: `fanout.ask` -> OpenAI SDK -> the driver's fake model (real SSE wire) ->
// tools on the real workspace through VS Code's APIs -> results back on the wire.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { HELLO_ANSWER, MATH_EDITS, NOTES_TEXT } from '../scenarioData';
import { ask, batchLines, fanoutLog, lastToolCalls, lastToolResults, readDisk, requestsOf, tag, withSetting, workspaceUri, type WireRequest } from './helpers';

const TOOL_NAMES = ['apply_edit', 'find_references', 'find_symbol', 'get_diagnostics', 'go_to_definition', 'list_files', 'read_file', 'run_tests', 'search_workspace'];

describe('agent over the OpenAI wire', () => {
  before(async () => {
    await vscode.commands.executeCommand('fanout.newChat');
  });

  it('answers a question with the configured model, key and tools', async () => {
    const t = tag();
    const answer = await ask(`[scenario:hello] ${t}`);
    assert.equal(answer, HELLO_ANSWER);
    const [req, ...more] = await requestsOf(t);
    assert.equal(more.length, 0);
    assert.equal(req.body.model, 'gpt-fake-integration');
    assert.equal(req.authorization, `Bearer ${process.env.OPENAI_API_KEY}`, 'the OPENAI_API_KEY fallback key is used');
    const names = (req.body.tools as { function: { name: string } }[]).map((x) => x.function.name).sort();
    for (const n of TOOL_NAMES) assert.ok(names.includes(n), `tool ${n} not offered to the model (got ${names.join(', ')})`);
  });

  describe('a parallel batch, then edits (one request, three model turns)', () => {
    let originalMath: string;
    let originalConfig: string;
    let reqs: WireRequest[];
    let calls: ReturnType<typeof lastToolCalls>;
    let results: ReturnType<typeof lastToolResults>;
    const resultsOf = (name: string) => calls.filter((c) => c.name === name).map((c) => results.find((r) => r.id === c.id)?.content ?? '(none)');

    before(async () => {
      originalMath = readDisk('src/math.js');
      originalConfig = readDisk('src/config.js');
      const t = tag();
      const answer = await ask(`[scenario:parallel] ${t}`);
      assert.match(answer, /^All done/);
      reqs = await requestsOf(t);
      assert.equal(reqs.length, 3, 'three model turns: batch, edits, answer');
      calls = lastToolCalls(reqs[1]);
      results = lastToolResults(reqs[1]);
    });

    it('sends back exactly one role:tool result per tool_call_id', () => {
      assert.equal(calls.length, 6);
      assert.deepEqual(results.map((r) => r.id).sort(), calls.map((c) => c.id).sort());
      const edits = lastToolCalls(reqs[2]);
      assert.deepEqual(lastToolResults(reqs[2]).map((r) => r.id).sort(), edits.map((c) => c.id).sort());
    });

    it('reads, searches, lists and runs the tests in the real workspace', () => {
      assert.deepEqual(resultsOf('read_file'), [originalMath, originalConfig]);
      assert.match(resultsOf('search_workspace')[0], /src\/math\.js:\d+: module\.exports/);
      assert.match(resultsOf('list_files')[0], /math\.js/);
      for (const r of resultsOf('run_tests')) assert.match(r, /^\$ (FANOUT_TEST_FILTER=".*?" )?npm test -- /, 'the test command detected from package.json');
    });

    it('runs the calls at the same time (test processes meet; the batch log shows overlap)', () => {
      // Each run_tests probe waits for the other (test/fixtures/workspace/tests/run.js): they can only meet if both
      // ran at the same time.
      const tests = resultsOf('run_tests');
      assert.ok(tests.some((r) => /\w+: met \w+/.test(r)), `the two run_tests did not overlap:\n${tests.join('\n')}`);
      // The "Fanout" log agrees: run_tests waits for the end of the model's stream, so two run_tests one after the
      // other would fit in (wall - stream); running longer than that in sum means they overlapped.
      const token = /#\w+/.exec(String(calls.find((c) => c.name === 'run_tests')?.args.filter))?.[0] ?? 'no token';
      const batch = batchLines(fanoutLog()).find((b) => b.callMs.some((c) => c.name === 'run_tests' && c.summary.includes(token)));
      assert.ok(batch, 'no batch line for this turn in the Fanout log');
      assert.equal(batch.failed, 0, batch.raw);
      const testMs = batch.callMs.filter((c) => c.name === 'run_tests').reduce((sum, c) => sum + c.ms, 0);
      assert.ok(testMs > batch.wallMs - batch.streamMs, `run_tests did not overlap per the batch log: ${batch.raw}`);
    });

    it('applies the edits through VS Code in model order, saving files that were clean', async () => {
      // Each math.js edit's oldText exists only after the previous edit: all three succeeding proves the order.
      const edits = lastToolResults(reqs[2]);
      assert.equal(edits.length, 5);
      for (const e of edits) assert.match(e.content, /^(Edited|Created) /, edits.map((x) => x.content).join('\n'));
      const expectedMath = MATH_EDITS.reduce((text, e) => text.replace(e.oldText, e.newText), originalMath);
      assert.equal(readDisk('src/math.js'), expectedMath);
      const doc = await vscode.workspace.openTextDocument(workspaceUri('src/math.js'));
      assert.equal(doc.getText(), expectedMath, 'the editor buffer holds the same text as the disk');
      assert.equal(doc.isDirty, false, 'a file that was clean is saved after the edit');
      assert.equal(readDisk('src/config.js'), originalConfig.replace('retries: 3', 'retries: 5'));
      assert.equal(readDisk('src/notes.md'), NOTES_TEXT);
    });
  });

  it('applies settings changed at runtime to the next request (model, maxConcurrentTools, testCommand)', async () => {
    const t = tag();
    await withSetting('model', 'gpt-fake-other', () =>
      withSetting('maxConcurrentTools', 1, () => withSetting('testCommand', 'node tests/run.js', () => ask(`[scenario:rendezvous] wait=1500 ${t}`))),
    );
    const reqs = await requestsOf(t);
    assert.equal(reqs[0].body.model, 'gpt-fake-other');
    const results = lastToolResults(reqs[1]).map((r) => r.content);
    assert.equal(results.length, 2);
    for (const r of results) {
      assert.match(r, /^\$ (FANOUT_TEST_FILTER=".*?" )?node tests\/run\.js /, 'run_tests uses fanout.testCommand');
      // One call at a time: neither probe can meet the other.
      assert.match(r, /\w+: alone after 1500 ms/);
    }
    // ...and the batch log shows no overlap: the two runs fit one after the other in (wall - stream).
    const token = /#\w+/.exec(String(lastToolCalls(reqs[1])[0]?.args.filter))?.[0] ?? 'no token';
    const batch = batchLines(fanoutLog()).find((b) => b.callMs.some((c) => c.summary.includes(token)));
    assert.ok(batch, 'no batch line for this turn in the Fanout log');
    const testMs = batch.callMs.reduce((sum, c) => sum + c.ms, 0);
    assert.ok(testMs <= batch.wallMs - batch.streamMs, `calls overlapped with maxConcurrentTools 1: ${batch.raw}`);
  });

  it('sends parallel_tool_calls: false when fanout.parallelToolCalls is off', async () => {
    const t = tag();
    await withSetting('parallelToolCalls', false, () => ask(`[scenario:hello] ${t}`));
    const [req] = await requestsOf(t);
    assert.equal(req.body.parallel_tool_calls, false);
  });

  it('stops at fanout.maxTurns', async () => {
    const t = tag();
    const answer = await withSetting('maxTurns', 1, () => ask(`[scenario:parallel] ${t}`));
    assert.match(answer, /maxTurns/);
    assert.equal((await requestsOf(t)).length, 1);
  });
});
