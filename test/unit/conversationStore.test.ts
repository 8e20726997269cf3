import * as assert from 'node:assert/strict';
import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { completedTranscript, newConversation, parseConversation, serializeConversation, titleFor, withChatModel } from '../../src/agent/conversation';
import { ConversationStore, type BlobStore } from '../../src/agent/conversationStore';
import type { Logger } from '../../src/host/logger';
import type { Message } from '../../src/shared/transcript';

/** The store's folder on plain fs (the extension uses workspace.fs on its storage folder). */
function dirBlobs(dir: string): BlobStore {
  return {
    read: (n) => fs.readFile(path.join(dir, n), 'utf8').catch(() => undefined),
    write: (n, t) => fs.writeFile(path.join(dir, n), t),
    delete: (n) => fs.rm(path.join(dir, n), { force: true }),
    list: () => fs.readdir(dir),
  };
}

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, trace() {}, debug() {}, info() {}, warn: (m: string) => warnings.push(m), error: (m: string | Error) => warnings.push(String(m)) };
}

const user = (text: string): Message => ({ role: 'user', text });
const asks = (...ids: string[]): Message => ({ role: 'assistant', text: '', toolCalls: ids.map((id) => ({ id, name: 'read_file', arguments: '{}' })) });
const answers = (...ids: string[]): Message => ({ role: 'tool', results: ids.map((callId) => ({ callId, name: 'read_file', ok: true, content: 'x' })) });
const says = (text: string): Message => ({ role: 'assistant', text, toolCalls: [] });

describe('conversation', () => {
  it('cuts a transcript saved mid-turn back to its last completed turn', () => {
    const done = [user('q'), asks('a', 'b'), answers('a', 'b'), says('answer'), user('q2'), asks('c'), answers('c')];
    assert.deepEqual(completedTranscript(done), done);
    assert.deepEqual(completedTranscript([...done, asks('d', 'e')]), done, 'tool calls without results are dropped');
    assert.deepEqual(completedTranscript([...done, asks('d', 'e'), answers('d')]), done, 'partly answered calls are dropped');
    assert.deepEqual(completedTranscript([user('q'), answers('zz'), says('x')]), [user('q')], 'an orphan tool message ends the valid prefix');
    assert.deepEqual(completedTranscript([user('q'), user('again')]), [user('q'), user('again')]);
  });

  it('titles a chat with the first line of its first request', () => {
    assert.equal(titleFor('  Fix the   tests\nin src/'), 'Fix the tests');
    assert.equal(titleFor(''), 'New chat');
    assert.equal(titleFor('x'.repeat(100), 20), `${'x'.repeat(19)}…`);
  });

  it('round-trips through JSON and refuses what is not a conversation, saying why', () => {
    const c = { ...newConversation(1000), title: 'T', messages: [user('q'), says('a')] };
    assert.deepEqual(parseConversation(serializeConversation(c)), c);
    assert.throws(() => parseConversation('{nope'), /not JSON/);
    assert.throws(() => parseConversation(JSON.stringify({ version: 1, id: 'x' })), /not a Fanout conversation/);
  });
});

describe('a chat keeps its model', () => {
  const settings = { provider: 'openai' as const, model: 'gpt-a', baseUrl: undefined, agent: { model: 'gpt-a', maxTurns: 5 } };

  it('runs with the settings until it has a choice of its own, then with its own', () => {
    const c = newConversation();
    assert.equal(withChatModel(c, settings), settings, 'a new chat follows the settings');
    c.chatModel = { provider: 'anthropic', model: 'claude-b' };
    assert.deepEqual(withChatModel(c, settings), { provider: 'anthropic', model: 'claude-b', baseUrl: undefined, agent: { model: 'claude-b', maxTurns: 5 } });
  });

  it('stores the choice with the conversation; an unknown provider falls back to the settings and the chat still opens', () => {
    const c = { ...newConversation(), messages: [user('q'), says('a')], chatModel: { provider: 'gemini' as const, model: '' } };
    assert.deepEqual(parseConversation(serializeConversation(c)).chatModel, { provider: 'gemini', model: '' });
    const future = JSON.parse(serializeConversation(c)) as Record<string, unknown>;
    future.chatModel = { provider: 'some-later-vendor', model: 'x' };
    const opened = parseConversation(JSON.stringify(future));
    assert.equal(opened.chatModel, undefined);
    assert.deepEqual(opened.messages, c.messages);
  });
});

describe('ConversationStore', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'fanout-store-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('saves, lists newest first, loads and deletes', async () => {
    const store = new ConversationStore(dirBlobs(dir), recordingLogger());
    const a = { ...newConversation(1), title: 'A', messages: [user('a')] };
    const b = { ...newConversation(2), title: 'B', messages: [user('b'), says('B!')] };
    await Promise.all([store.save(a), store.save(b)]);
    assert.deepEqual((await store.list()).map((s) => s.title), ['B', 'A']);
    assert.deepEqual((await store.list())[0], { id: b.id, title: 'B', updatedAt: 2, messageCount: 1 });
    assert.deepEqual((await new ConversationStore(dirBlobs(dir), recordingLogger()).load(b.id))?.messages, b.messages, 'survives a reload');
    await store.delete(a.id);
    assert.deepEqual((await store.list()).map((s) => s.title), ['B']);
    assert.equal(await store.load(a.id), undefined);
    assert.deepEqual((await fs.readdir(dir)).sort(), [`conversation-${b.id}.json`, 'index.json']);
  });

  it('keeps at most `max` conversations, deleting the oldest files', async () => {
    const store = new ConversationStore(dirBlobs(dir), recordingLogger(), 3);
    const all = Array.from({ length: 5 }, (_, i) => ({ ...newConversation(i), title: `c${i}`, messages: [user(`q${i}`)] }));
    for (const c of all) await store.save(c);
    assert.deepEqual((await store.list()).map((s) => s.title), ['c4', 'c3', 'c2']);
    assert.equal((await fs.readdir(dir)).filter((f) => f.startsWith('conversation-')).length, 3);
  });

  it('restores a conversation saved mid-run up to its last completed turn', async () => {
    const store = new ConversationStore(dirBlobs(dir), recordingLogger());
    const c = { ...newConversation(1), messages: [user('q'), asks('a'), answers('a'), asks('b')] };
    await store.save(c);
    assert.deepEqual((await store.load(c.id))?.messages, [user('q'), asks('a'), answers('a')]);
  });

  it('rebuilds a damaged index from the conversation files, and skips (keeps) damaged conversation files', async () => {
    const first = new ConversationStore(dirBlobs(dir), recordingLogger());
    const c = { ...newConversation(5), title: 'kept', messages: [user('q')] };
    await first.save(c);
    await fs.writeFile(path.join(dir, 'index.json'), '{broken');
    await fs.writeFile(path.join(dir, 'conversation-bad.json'), '[1,2]');
    const logger = recordingLogger();
    const store = new ConversationStore(dirBlobs(dir), logger);
    assert.deepEqual((await store.list()).map((s) => s.title), ['kept']);
    assert.ok(logger.warnings.some((w) => w.includes('index was damaged')));
    assert.ok(logger.warnings.some((w) => w.includes('conversation bad could not be restored')));
    assert.ok((await fs.readdir(dir)).includes('conversation-bad.json'), 'a damaged file is left for the user');
  });

  it('reports a failed write to the caller and keeps working afterwards', async () => {
    let fail = true;
    const blobs = dirBlobs(dir);
    const store = new ConversationStore({ ...blobs, write: (n, t) => (fail ? Promise.reject(new Error('disk full')) : blobs.write(n, t)) }, recordingLogger());
    await assert.rejects(store.save({ ...newConversation(1), messages: [user('q')] }), /disk full/);
    fail = false;
    await store.save({ ...newConversation(2), title: 'ok', messages: [user('q')] });
    assert.deepEqual((await store.list()).map((s) => s.title), ['ok']);
  });
});
