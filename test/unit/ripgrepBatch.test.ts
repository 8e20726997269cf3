import * as assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { findRipgrep, rgSearch, type RgSearchArgs, type RgSearchResult } from '../../src/node/ripgrep';
import { RipgrepSearcher } from '../../src/node/ripgrepBatch';
import { tempWorkspace } from '../fakes/tempWorkspace';

const rg = findRipgrep();

/** Results in a stable order (ripgrep searches files in parallel, so file order varies from run to run). */
function sorted(r: RgSearchResult): RgSearchResult {
  const items = [...r.items].sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line);
  const notes = r.notes?.map((n) => n.replace(/: (.*)\]$/, (_m, list: string) => `: ${list.split(', ').sort().join(', ')}]`));
  return notes ? { items, truncated: r.truncated, notes } : { items, truncated: r.truncated };
}

const args = (query: string, extra: Partial<RgSearchArgs> = {}): RgSearchArgs => ({ query, isRegex: false, globs: [], searchPath: '.', limit: 200, ...extra });

(rg ? describe : describe.skip)('RipgrepSearcher (searches that arrive together share one ripgrep run)', () => {
  let ws: { dir: string; cleanup: () => void };
  let counting: string;
  let log: string;
  const runs = () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length;

  beforeEach(() => {
    ws = tempWorkspace({
      'src/a.ts': "import { x } from './module1';\nimport { y } from './module12';\nconst both = 'alpha beta';\n",
      'src/b.ts': "export const b = 'beta';\n// alpha\n",
      '.hidden/c.ts': 'alpha in a hidden folder\n',
      'ignored/d.ts': 'alpha but ignored\n',
      '.gitignore': 'ignored/\n',
      'long.txt': `alpha ${'x'.repeat(1500)} beta\n`,
      ...Object.fromEntries(Array.from({ length: 30 }, (_, f) => [`many/${f}.txt`, Array.from({ length: 100 }, (_, i) => `common ${i}`).join('\n')])),
    });
    writeFileSync(path.join(ws.dir, 'latin1.txt'), Buffer.from('caf\xe9 alpha\n', 'latin1'));
    writeFileSync(path.join(ws.dir, 'blob.bin'), Buffer.from('alpha here\n\0\x01 beta\n', 'latin1'));
    // A ripgrep that notes each run, so the test sees how many processes a set of searches took.
    log = path.join(ws.dir, '..', `${path.basename(ws.dir)}-rg.log`);
    writeFileSync(log, '');
    counting = path.join(ws.dir, '..', `${path.basename(ws.dir)}-rg`);
    writeFileSync(counting, `#!/bin/sh\necho run >> '${log}'\nexec '${rg}' "$@"\n`);
    chmodSync(counting, 0o755);
  });
  afterEach(() => ws.cleanup());

  it('gives every search exactly what its own run finds, from one ripgrep process', async function () {
    if (process.platform === 'win32') this.skip();
    const queries = ["from './module1'", "from './module12'", 'alpha', 'beta', 'alpha beta', 'nowhere', 'café'];
    const alone = await Promise.all(queries.map((q) => rgSearch(rg!, ws.dir, args(q))));
    const searcher = new RipgrepSearcher(counting);
    const together = await Promise.all(queries.map((q) => searcher.search(ws.dir, args(q))));
    assert.equal(runs(), 1);
    assert.deepEqual(together.map(sorted), alone.map(sorted));
    // What the comparison covers: a binary file named in a note, a Latin-1 line decoded, a long line whole.
    const alpha = sorted(together[2]);
    assert.deepEqual(alpha.notes, ['[binary files that match, not shown as text: blob.bin]']);
    assert.ok(alpha.items.some((m) => m.path === 'latin1.txt' && m.text === 'café alpha'));
    assert.ok(alpha.items.some((m) => m.path === 'long.txt' && m.text.length > 1500));
    assert.ok(!alpha.items.some((m) => m.path.startsWith('ignored/')));
  });

  it('keeps each search to its own limit, and a search past its limit does not stop the others', async function () {
    if (process.platform === 'win32') this.skip();
    const searcher = new RipgrepSearcher(counting);
    const [common, alpha] = await Promise.all([searcher.search(ws.dir, args('common', { limit: 5 })), searcher.search(ws.dir, args('alpha', { limit: 2 }))]);
    assert.equal(common.items.length, 5);
    assert.equal(common.truncated, true);
    assert.equal(alpha.items.length, 2);
    assert.equal(alpha.truncated, true);
    const rest = await Promise.all([searcher.search(ws.dir, args('common', { limit: 5 })), searcher.search(ws.dir, args('beta'))]);
    assert.deepEqual(sorted(rest[1]), sorted(await rgSearch(rg!, ws.dir, args('beta'))));
  });

  it('hands the searches still open back to their own runs when an answered one floods the shared run', async function () {
    if (process.platform === 'win32') this.skip();
    const searcher = new RipgrepSearcher(counting);
    // `common` is answered after its first file; its 2,900 other lines would otherwise be parsed for `zzz`'s sake.
    const [common, none] = await Promise.all([searcher.search(ws.dir, args('common', { limit: 1 })), searcher.search(ws.dir, args('zzz-absent', { globs: [] }))]);
    assert.equal(common.items.length, 1);
    assert.deepEqual(none, { items: [], truncated: false });
    assert.equal(runs(), 2, 'the shared run, then zzz-absent alone');
  });

  it('runs a regular expression, and searches of other globs, on their own', async function () {
    if (process.platform === 'win32') this.skip();
    const searcher = new RipgrepSearcher(counting);
    const [regex, ts, all] = await Promise.all([
      searcher.search(ws.dir, args('al.ha', { isRegex: true })),
      searcher.search(ws.dir, args('alpha', { globs: ['*.ts'] })),
      searcher.search(ws.dir, args('alpha')),
    ]);
    assert.equal(runs(), 3);
    assert.deepEqual(sorted(ts), sorted(await rgSearch(rg!, ws.dir, args('alpha', { globs: ['*.ts'] }))));
    assert.deepEqual(sorted(regex).items.map((m) => m.path), sorted(all).items.map((m) => m.path));
  });

  it('answers a stopped search at once with its reason, and the others still get their lines', async function () {
    if (process.platform === 'win32') this.skip();
    const searcher = new RipgrepSearcher(counting);
    const stop = new AbortController();
    const stopped = searcher.search(ws.dir, args('alpha'), stop.signal);
    const other = searcher.search(ws.dir, args('beta'));
    stop.abort(new Error('stopped by the user'));
    await assert.rejects(stopped, /stopped by the user/);
    assert.deepEqual(sorted(await other), sorted(await rgSearch(rg!, ws.dir, args('beta'))));
    await assert.rejects(searcher.search(ws.dir, args('alpha'), stop.signal), /stopped by the user/);
  });

  it('reports a ripgrep that cannot run as each search would alone', async () => {
    const searcher = new RipgrepSearcher(path.join(ws.dir, 'no-such-rg'));
    const results = await Promise.allSettled([searcher.search(ws.dir, args('alpha')), searcher.search(ws.dir, args('beta'))]);
    for (const r of results) assert.equal(r.status === 'rejected' && (r.reason as NodeJS.ErrnoException).code, 'ENOENT');
  });
});
