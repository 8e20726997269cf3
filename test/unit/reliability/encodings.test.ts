// Reliability: a file keeps every byte an edit does not touch, whatever its encoding; binary files are named as
// binary, never shown or edited as mojibake; FIFOs, sockets and devices are refused without being opened.
import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { Scheduler } from '../../../src/agent/scheduler';
import { NodeWorkspace } from '../../../src/node/nodeWorkspace';
import { builtinTools } from '../../../src/tools';
import { toolRegistry } from '../../../src/tools/tool';
import { call, runBatch, testContext } from '../../fakes/fakeTools';
import { FakeOpenAIServer, toolMessages } from '../../fakes/openaiServer';
import { tempWorkspace } from '../../fakes/tempWorkspace';

const bytes = (...parts: (string | readonly number[] | Buffer)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p as number[]))));

describe('reliability: encodings, binary and special files', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  let scheduler: Scheduler;
  const file = (rel: string) => path.join(ws.dir, rel);
  const put = (rel: string, content: Buffer) => writeFileSync(file(rel), content);
  async function one(name: string, args: unknown) {
    const { results } = await runBatch(scheduler, [call('c', name, args)]);
    return results[0];
  }
  async function setup(ripgrep: boolean) {
    ws = tempWorkspace();
    scheduler = new Scheduler({ tools: toolRegistry(builtinTools), context: testContext(await NodeWorkspace.open(ws.dir, ripgrep ? {} : { ripgrep: false })) });
  }
  afterEach(() => ws.cleanup());

  describe('text encodings round-trip byte for byte', () => {
    beforeEach(() => setup(true));

    it('Latin-1 (windows-1252): read as text, an edit of the ASCII part changes only its bytes, CRLF kept', async () => {
      const original = bytes('caf\xe9 na\xefve \x93quoted\x94\r\nline two \xb5\r\n');
      put('latin.txt', original);
      const read = await one('read_file', { path: 'latin.txt' });
      assert.equal(read.content, 'café naïve “quoted”\r\nline two µ\r\n');
      const edit = await one('apply_edit', { path: 'latin.txt', oldText: 'line two', newText: 'line 2 €' });
      assert.ok(edit.ok, edit.content);
      assert.deepEqual(readFileSync(file('latin.txt')), bytes('caf\xe9 na\xefve \x93quoted\x94\r\nline 2 \x80 \xb5\r\n'));
    });

    it('Latin-1: a character the encoding cannot hold is refused with a clear error, nothing written', async () => {
      const original = bytes('caf\xe9\n');
      put('latin.txt', original);
      const edit = await one('apply_edit', { path: 'latin.txt', oldText: 'caf', newText: 'done ✓ caf' });
      assert.match(edit.content, /^Error \(invalid_arguments\): latin\.txt is windows-1252 \(Latin-1\).*"✓" \(U\+2713\)/);
      assert.deepEqual(readFileSync(file('latin.txt')), original);
    });

    for (const [label, bom, encode] of [
      ['UTF-16 LE', [0xff, 0xfe], (s: string) => Buffer.from(s, 'utf16le')],
      ['UTF-16 BE', [0xfe, 0xff], (s: string) => Buffer.from(s, 'utf16le').swap16()],
    ] as const) {
      it(`${label} with BOM: read as text, edited in place, BOM and encoding kept`, async () => {
        put('wide.txt', bytes(bom, encode('héllo 🌍\nworld\n')));
        assert.equal((await one('read_file', { path: 'wide.txt' })).content, 'héllo 🌍\nworld\n');
        const edit = await one('apply_edit', { path: 'wide.txt', oldText: 'world', newText: 'wörld' });
        assert.ok(edit.ok, edit.content);
        assert.deepEqual(readFileSync(file('wide.txt')), bytes(bom, encode('héllo 🌍\nwörld\n')));
      });
    }

    it('UTF-8 with BOM: the BOM is not shown to the model and is kept by an edit', async () => {
      put('bom.txt', bytes([0xef, 0xbb, 0xbf], Buffer.from('première\nb\n')));
      assert.equal((await one('read_file', { path: 'bom.txt' })).content, 'première\nb\n');
      assert.ok((await one('apply_edit', { path: 'bom.txt', oldText: 'b', newText: 'c' })).ok);
      assert.deepEqual(readFileSync(file('bom.txt')), bytes([0xef, 0xbb, 0xbf], Buffer.from('première\nc\n')));
    });
  });

  for (const backend of ['ripgrep', 'node'] as const) {
    describe(`binary files (${backend} search)`, () => {
      beforeEach(() => setup(backend === 'ripgrep'));

      it('are reported as binary by read_file and search, and never edited', async () => {
        const blob = bytes('\x89PNG\r\n', [0, 0, 0], ' needle \xff\xfe\n');
        put('image.png', blob);
        put('latin.txt', bytes('a needle in caf\xe9\n'));
        assert.match((await one('read_file', { path: 'image.png' })).content, /^Error \(binary_file\): image\.png is a binary file/);
        const edit = await one('apply_edit', { path: 'image.png', oldText: 'needle', newText: 'pin' });
        assert.match(edit.content, /^Error \(binary_file\)/);
        assert.deepEqual(readFileSync(file('image.png')), blob);
        const search = await one('search_workspace', { query: 'needle' });
        assert.equal(search.content, 'latin.txt:1: a needle in café\n[binary files that match, not shown as text: image.png]');
      });
    });
  }

  for (const backend of ['ripgrep', 'node'] as const) {
    describe(`FIFOs (${backend} search)`, () => {
      beforeEach(() => setup(backend === 'ripgrep'));

      it('are refused by every file tool without being opened, and later file tools still run', async () => {
        put('a.txt', bytes('alpha\n'));
        execFileSync('mkfifo', [file('pipe')]);
        const { results } = await runBatch(scheduler, [
          call('r', 'read_file', { path: 'pipe' }),
          call('e', 'apply_edit', { path: 'pipe', oldText: 'x', newText: 'y' }),
          call('c', 'apply_edit', { path: 'pipe', oldText: '', newText: 'y' }),
          call('s', 'search_workspace', { query: 'alpha' }),
          call('l', 'list_files', {}),
        ]);
        assert.match(results[0].content, /^Error \(special_file\): pipe is a named pipe \(FIFO\), not a regular file/);
        assert.match(results[1].content, /^Error \(special_file\)/);
        assert.match(results[2].content, /^Error \(special_file\)/);
        assert.equal(results[3].content, 'a.txt:1: alpha');
        assert.equal(results[4].content, 'a.txt', 'listings name regular files only');
        // More reads than the fs thread pool has threads: none of them is stuck behind a pipe.
        const reads = await runBatch(scheduler, Array.from({ length: 8 }, (_, i) => call(`r${i}`, 'read_file', { path: i % 2 ? 'pipe' : 'a.txt' })));
        assert.deepEqual(reads.results.map((r) => r.ok), [true, false, true, false, true, false, true, false]);
      });
    });
  }

  describe('sockets', () => {
    beforeEach(() => setup(false));

    it('are refused by read_file and apply_edit, and skipped by search', async () => {
      put('a.txt', bytes('alpha\n'));
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(file('sock'), resolve));
      try {
        const { results } = await runBatch(scheduler, [
          call('r', 'read_file', { path: 'sock' }),
          call('e', 'apply_edit', { path: 'sock', oldText: 'x', newText: 'y' }),
          call('s', 'search_workspace', { query: 'alpha' }),
        ]);
        assert.match(results[0].content, /^Error \(special_file\): sock is a socket, not a regular file/);
        assert.match(results[1].content, /^Error \(special_file\)/);
        assert.equal(results[2].content, 'a.txt:1: alpha');
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  describe('the headless runner', () => {
    it('answers a batch that reads a FIFO, and exits', async function () {
      this.timeout(30_000);
      ws = tempWorkspace({ 'a.txt': 'alpha\n' });
      execFileSync('mkfifo', [file('pipe')]);
      const calls = [{ name: 'read_file', arguments: { path: 'pipe' } }, ...['a.txt', 'pipe', 'a.txt', 'pipe', 'a.txt'].map((p) => ({ name: 'read_file', arguments: { path: p } }))];
      const server = await new FakeOpenAIServer((_r, i) => (i === 0 ? { calls } : { text: 'done' })).start();
      try {
        // A real process: a stuck fs thread would keep a batch from answering and the CLI from exiting.
        const cli = path.resolve(__dirname, '../../../src/cli.ts');
        const code = await new Promise<number>((resolve) => {
          execFile(process.execPath, ['--import', 'tsx', cli, '--workspace', ws.dir, '--base-url', server.url, '--json', 'go'], { env: { ...process.env, OPENAI_API_KEY: 'k' } }, (e) =>
            resolve(e ? Number(e.code) : 0),
          );
        });
        assert.equal(code, 0);
        const answers = toolMessages(server.chatRequests[1]).map((m) => String(m.content));
        assert.equal(answers.length, 6);
        for (const [i, a] of answers.entries()) assert.match(a, i % 2 ? /^alpha\n$/ : /^Error \(special_file\)/);
      } finally {
        await server.close();
      }
    });
  });
});
