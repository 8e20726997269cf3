// The agent end to end in the real host: `fanout.ask` -> OpenAI SDK -> the driver's fake model (real SSE wire) ->
// tools on the real workspace through VS Code's APIs -> results back on the wire.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { HELLO_ANSWER, MATH_EDITS, NOTES_TEXT } from '../scenarioData';
import { ask, batchLines, fanoutLog, lastToolCalls, lastToolResults, readDisk, requestsOf, tag, withSetting, workspaceUri } from './helpers';

const TOOL_NAMES = ['apply_edit', 'list_files', 'read_file', 'run_tests', 'search_workspace'];

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

  it('runs a parallel batch, then ordered edits, and sends back one result per call', async () => {
    const originalMath = readDisk('src/math.js');
    const originalConfig = readDisk('src/config.js');
    const t = tag();
    const answer = await ask(`[scenario:parallel] ${t}`);
    assert.match(answer, /^All done/);
    const reqs = await requestsOf(t);
    assert.equal(reqs.length, 3, 'three model turns: batch, edits, answer');

    // Turn 1's six calls: exactly one role:tool message per tool_call_id, none extra.
    const calls = lastToolCalls(reqs[1]);
    const results = lastToolResults(reqs[1]);
    assert.equal(calls.length, 6);
    assert.deepEqual(results.map((r) => r.id).sort(), calls.map((c) => c.id).sort());
    const byName = (name: string) => calls.filter((c) => c.name === name).map((c) => results.find((r) => r.id === c.id)!.content);
    assert.deepEqual(byName('read_file'), [originalMath, originalConfig]);
    assert.match(byName('search_workspace')[0], /src\/math\.js:\d+: module\.exports/);
    assert.match(byName('list_files')[0], /math\.js/);
    // The two run_tests probes each wait for the other (test/fixtures/workspace/tests/run.js): they can only meet
    // if both ran at the same time.
    const tests = byName('run_tests');
    assert.equal(tests.length, 2);
    assert.ok(tests.some((r) => /\w+: met \w+/.test(r)), `the two run_tests did not overlap:\n${tests.join('\n')}`);

    // Turn 2's edits: all applied, in model order (each math.js edit's oldText exists only after the previous one).
    const edits = lastToolResults(reqs[2]);
    assert.equal(edits.length, 5);
    for (const e of edits) assert.match(e.content, /^(Edited|Created) /, edits.map((x) => x.content).join('\n'));
    const expectedMath = MATH_EDITS.reduce((text, e) => text.replace(e.oldText, e.newText), originalMath);
    assert.equal(readDisk('src/math.js'), expectedMath);
    const doc = await vscode.workspace.openTextDocument(workspaceUri('src/math.js'));
    assert.equal(doc.getText(), expectedMath, 'the editor buffer holds the same text as the disk');
    assert.equal(doc.isDirty, false, 'a file that was clean is saved after the edit');
    assert.match(readDisk('src/config.js'), /retries: 5/);
    assert.equal(readDisk('src/notes.md'), NOTES_TEXT);

    // The batch log in the "Fanout" channel: the six calls of turn 1, their running times adding up to more than
    // the batch's wall time, which only overlapping calls can do.
    const batch = batchLines(fanoutLog()).find((b) => b.turn === 1 && b.calls === 6 && b.raw.includes(calls[0].name));
    assert.ok(batch, 'no batch line for turn 1 in the Fanout log');
    assert.equal(batch.failed, 0);
    const busy = batch.callMs.reduce((sum, c) => sum + c.ms, 0);
    assert.ok(busy > batch.wallMs, `calls did not overlap per the batch log: ${batch.raw}`);
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
      assert.match(r, /^\$ node tests\/run\.js /, 'run_tests uses fanout.testCommand');
      // One call at a time: neither probe can meet the other.
      assert.match(r, /\w+: alone after 1500 ms/);
    }
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
