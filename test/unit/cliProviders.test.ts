import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ONE_CALL_PER_TURN } from '../../src/providers/parallelHint';
import { anthropicMessages, FakeAnthropicServer } from '../fakes/anthropicServer';
import { FakeCompatibleServer } from '../fakes/compatibleServer';
import { FakeGeminiServer, geminiContents } from '../fakes/geminiServer';
import { toolMessages } from '../fakes/openaiServer';
import { runCli } from '../fakes/runCli';
import { tempWorkspace } from '../fakes/tempWorkspace';

const TURN_ONE = [
  { name: 'read_file', arguments: { path: 'src/a.ts' } },
  { name: 'list_files', arguments: { path: 'src' } },
  { name: 'apply_edit', arguments: { path: 'src/b.ts', oldText: 'a + 1', newText: 'a + 2' } },
];

describe('headless runner with --provider anthropic | gemini | openai-compatible', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  let close: (() => Promise<void>) | undefined;
  beforeEach(() => {
    ws = tempWorkspace({ 'src/a.ts': 'export const a = 1;\n', 'src/b.ts': 'export const b = a + 1;\n' });
  });
  afterEach(async () => {
    ws.cleanup();
    await close?.();
    close = undefined;
  });
  const edited = () => readFileSync(path.join(ws.dir, 'src/b.ts'), 'utf8') === 'export const b = a + 2;\n';

  it('anthropic: runs the batch and answers with one user message of tool_results', async () => {
    const server = await new FakeAnthropicServer((_r, i) => (i === 0 ? { text: 'On it.', calls: TURN_ONE } : { text: 'Done.' })).start();
    close = () => server.close();
    const { code, lines } = await runCli(['--provider', 'anthropic', '--model', 'claude-haiku-4-5', '--base-url', server.url, '--workspace', ws.dir, '--json', 'bump b'], { ANTHROPIC_API_KEY: 'sk-ant-cli' });
    assert.equal(code, 0);
    assert.equal(lines[0].type, 'batch');
    assert.ok(lines[0].calls.every((c: { ok: boolean }) => c.ok));
    assert.deepEqual(lines.at(-1).text, 'Done.');
    assert.ok(edited());
    const msgs = anthropicMessages(server.messageRequests[1]);
    assert.deepEqual(msgs.map((m) => m.role), ['user', 'assistant', 'user']);
    assert.deepEqual(msgs[2].content.map((b) => b.type), ['tool_result', 'tool_result', 'tool_result']);
    assert.equal(server.messageRequests[0].headers.authorization, 'Bearer sk-ant-cli');
  });

  it('gemini: runs the batch (all calls in one chunk), echoes the thought signature, one content of functionResponses', async () => {
    const server = await new FakeGeminiServer((_r, i) => (i === 0 ? { calls: TURN_ONE, singleChunk: true, thoughtSignatures: ['sig-cli'] } : { text: 'Done.' })).start();
    close = () => server.close();
    const { code, lines } = await runCli(['--provider', 'gemini', '--base-url', server.url, '--workspace', ws.dir, '--json', 'bump b'], { GEMINI_API_KEY: 'gk-cli' });
    assert.equal(code, 0);
    assert.equal(lines.at(-1).text, 'Done.');
    assert.ok(edited());
    const contents = geminiContents(server.generateRequests[1]);
    assert.deepEqual(contents.map((c) => c.role), ['user', 'model', 'user']);
    assert.equal(contents[1].parts[0].thoughtSignature, 'sig-cli');
    assert.deepEqual(contents[2].parts.map((p) => p.functionResponse.name), ['read_file', 'list_files', 'apply_edit']);
    assert.equal(server.generateRequests[0].headers['x-goog-api-key'], 'gk-cli');
  });

  it('gemini --sequential asks for one call per turn in the system instruction', async () => {
    const server = await new FakeGeminiServer(() => ({ text: 'hi' })).start();
    close = () => server.close();
    const { code } = await runCli(['--provider', 'gemini', '--base-url', server.url, '--workspace', ws.dir, '--sequential', 'hi'], { GEMINI_API_KEY: 'gk' });
    assert.equal(code, 0);
    assert.ok(JSON.stringify(server.generateRequests[0].body.systemInstruction).includes(ONE_CALL_PER_TURN));
  });

  it('openai-compatible: works without any key, against a server with quirks', async () => {
    const server = await new FakeCompatibleServer((_r, i) => (i === 0 ? { calls: TURN_ONE, quirks: { omitIds: true, omitIndex: true } } : { text: 'Done.' })).start();
    close = () => server.close();
    const { code, lines } = await runCli(['--provider', 'openai-compatible', '--model', 'qwen2.5-coder', '--base-url', `${server.url}/v1`, '--workspace', ws.dir, '--json', 'bump b']);
    assert.equal(code, 0);
    assert.equal(lines.at(-1).text, 'Done.');
    assert.ok(edited());
    assert.equal(toolMessages(server.chatRequests[1]).length, 3);
    assert.equal(server.chatRequests[0].body.model, 'qwen2.5-coder');
  });

  it('exits with a one-line reason: missing key (2), rejected key (1)', async () => {
    const noKey = await runCli(['--provider', 'anthropic', '--workspace', ws.dir, 'hi']);
    assert.equal(noKey.code, 2);
    assert.match(noKey.err, /set ANTHROPIC_API_KEY/);

    const server = await new FakeGeminiServer(() => ({ kind: 'status', status: 403 })).start();
    close = () => server.close();
    const rejected = await runCli(['--provider', 'gemini', '--base-url', server.url, '--workspace', ws.dir, 'hi'], { GEMINI_API_KEY: 'gk-bad-key-123' });
    assert.equal(rejected.code, 1);
    assert.match(rejected.err, /^fanout: Gemini rejected the API key \(HTTP 403\).*GEMINI_API_KEY/);
    assert.equal(rejected.err.trim().split('\n').length, 1);
    assert.equal(server.generateRequests.length, 1, 'not retried');
  });
});
