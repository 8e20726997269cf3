// Reliability: every read placed after a write in one batch sees that write, whatever the read is: read_file,
// list_files, search_workspace, or a read reused from an earlier attempt of a retried turn.
import * as assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { Scheduler, type CallUpdate } from '../../../src/agent/scheduler';
import { NodeWorkspace } from '../../../src/node/nodeWorkspace';
import type { ToolResult } from '../../../src/shared/transcript';
import { builtinTools } from '../../../src/tools';
import { defineTool, toolRegistry, type ToolDefinition } from '../../../src/tools/tool';
import { call, testContext } from '../../fakes/fakeTools';
import { tempWorkspace } from '../../fakes/tempWorkspace';

/** A write that finishes only when the test says so: a later read has to wait for it, and must not overtake it. */
function gatedWrite(): { tool: ToolDefinition; open: () => void; started: Promise<void> } {
  let open!: () => void;
  let started!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const startedP = new Promise<void>((r) => (started = r));
  const tool = defineTool({
    name: 'gated_create',
    description: 'Creates a file once the gate opens.',
    access: 'write',
    schema: z.strictObject({ path: z.string(), text: z.string() }),
    files: (input) => [{ path: input.path, write: true }],
    async execute(input, ctx) {
      started();
      await gate;
      await ctx.workspace.createFile(input.path, input.text, ctx.signal);
      return 'created';
    },
  }) as ToolDefinition;
  return { tool, open, started: startedP };
}

describe('reliability: read-after-write in one batch', () => {
  for (const backend of ['ripgrep', 'node'] as const) {
    describe(`list_files and search_workspace (${backend} search)`, () => {
      let ws: ReturnType<typeof tempWorkspace>;
      afterEach(() => ws.cleanup());

      it('see every earlier write of the batch, and do not wait for later ones', async () => {
        ws = tempWorkspace({ 'src/a.ts': 'export const a = 1;\n' });
        const workspace = await NodeWorkspace.open(ws.dir, backend === 'node' ? { ripgrep: false } : {});
        const gated = gatedWrite();
        const later = gatedWrite();
        const scheduler = new Scheduler({ tools: toolRegistry([...builtinTools, gated.tool, { ...later.tool, name: 'later_create' }]), context: testContext(workspace) });
        const updates: CallUpdate[] = [];
        const batch = scheduler.startBatch(1, new AbortController().signal, (u) => updates.push(u));
        batch.add(call('w', 'gated_create', { path: 'src/new.ts', text: 'export const marker = 42;\n' }));
        batch.add(call('e', 'apply_edit', { path: 'src/a.ts', oldText: 'a = 1', newText: 'a = 2' }));
        batch.add(call('l', 'list_files', { path: 'src' }));
        batch.add(call('s', 'search_workspace', { query: 'marker|a = 2', isRegex: true }));
        batch.add(call('s2', 'search_workspace', { query: 'export' }));
        batch.add(call('w2', 'later_create', { path: 'src/later.ts', text: 'export const later = 1;\n' }));
        const sealed = batch.seal();
        await gated.started;
        // The reads are queued behind the gated write; the later write may not run before the reads it follows.
        gated.open();
        later.open();
        const { results } = await sealed;
        const byId = Object.fromEntries(results.map((r) => [r.callId, r.content]));
        assert.equal(byId.l, 'src/a.ts\nsrc/new.ts');
        assert.deepEqual(byId.s.split('\n').sort(), ['src/a.ts:1: export const a = 2;', 'src/new.ts:1: export const marker = 42;']);
        assert.doesNotMatch(byId.s2, /later/, 'a search does not see a write placed after it');
        const waited = new Set(updates.filter((u) => u.state === 'waiting_lock').map((u) => u.callId));
        assert.ok(waited.has('l') && waited.has('s') && waited.has('s2') && waited.has('w2'));
      });
    });
  }

  it('list and search never wait for each other or for read_file', async () => {
    const ws = tempWorkspace({ 'a.txt': 'alpha\n' });
    try {
      const scheduler = new Scheduler({ tools: toolRegistry(builtinTools), context: testContext(await NodeWorkspace.open(ws.dir)) });
      const updates: CallUpdate[] = [];
      const batch = scheduler.startBatch(1, new AbortController().signal, (u) => updates.push(u));
      batch.add(call('l', 'list_files', {}));
      batch.add(call('s', 'search_workspace', { query: 'alpha' }));
      batch.add(call('r', 'read_file', { path: 'a.txt' }));
      batch.add(call('l2', 'list_files', {}));
      const { results } = await batch.seal();
      assert.ok(results.every((r) => r.ok));
      assert.deepEqual(updates.filter((u) => u.state === 'waiting_lock'), []);
    } finally {
      ws.cleanup();
    }
  });
});

describe('reliability: reads reused from a failed stream attempt', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  let scheduler: Scheduler;
  beforeEach(async () => {
    ws = tempWorkspace({ 'a.txt': 'alpha\n', 'b.txt': 'beta\n' });
    scheduler = new Scheduler({ tools: toolRegistry(builtinTools), context: testContext(await NodeWorkspace.open(ws.dir)) });
  });
  afterEach(() => ws.cleanup());

  const old = (callId: string, name: string, content: string): ToolResult => ({ callId, name, ok: true, content });

  it('are not reused when the retried turn writes what they read before them', async () => {
    const batch = scheduler.startBatch(1, new AbortController().signal);
    batch.add(call('r0', 'read_file', { path: 'b.txt' }), { reused: old('r0', 'read_file', 'beta (from the first attempt)\n') });
    batch.add(call('e', 'apply_edit', { path: 'a.txt', oldText: 'alpha', newText: 'ALPHA' }));
    batch.add(call('r', 'read_file', { path: 'a.txt' }), { reused: old('r', 'read_file', 'alpha\n') });
    batch.add(call('r2', 'read_file', { path: 'b.txt' }), { reused: old('r2', 'read_file', 'beta (from the first attempt)\n') });
    batch.add(call('l', 'list_files', {}), { reused: old('l', 'list_files', 'a.txt') });
    batch.add(call('s', 'search_workspace', { query: 'ALPHA' }), { reused: old('s', 'search_workspace', 'No matches for "ALPHA".') });
    const { results } = await batch.seal();
    const byId = Object.fromEntries(results.map((r) => [r.callId, r.content]));
    assert.equal(byId.r0, 'beta (from the first attempt)\n', 'a read before any write is reused');
    assert.equal(byId.r, 'ALPHA\n', 'the model sees its own edit, not the text from before it');
    assert.equal(byId.r2, 'beta (from the first attempt)\n', 'a read of a file nobody writes is still reused');
    assert.equal(byId.l, 'a.txt\nb.txt');
    assert.equal(byId.s, 'a.txt:1: ALPHA');
  });

  it('are not reused when the edit reaches the file through another name', async () => {
    symlinkSync('a.txt', path.join(ws.dir, 'alias.txt'));
    const batch = scheduler.startBatch(1, new AbortController().signal);
    batch.add(call('e', 'apply_edit', { path: 'alias.txt', oldText: 'alpha', newText: 'ALPHA' }));
    batch.add(call('r', 'read_file', { path: 'a.txt' }), { reused: old('r', 'read_file', 'alpha\n') });
    const { results } = await batch.seal();
    assert.equal(results[1].content, 'ALPHA\n');
  });
});
