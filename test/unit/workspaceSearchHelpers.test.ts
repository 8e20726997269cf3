import * as assert from 'node:assert/strict';
import { findRipgrep, rgFiles, rgSearch } from '../../src/node/ripgrep';
import { excludeGlobsForRipgrep, lineMatcher, matchLines, mergeBufferMatches } from '../../src/shared/search';
import { tempWorkspace } from '../fakes/tempWorkspace';

describe('excludeGlobsForRipgrep', () => {
  it('translates files.exclude / search.exclude to negated, root-anchored ripgrep globs', () => {
    const globs = excludeGlobsForRipgrep(
      { '**/.git': true, 'out/': true, './build': true, '**/*.js': { when: '$(basename).ts' }, 'disabled/**': false },
      { '**/node_modules': true, '**/.git': true, '': true },
    );
    assert.deepEqual(globs, ['!**/.git', '!/out', '!/build', '!**/node_modules']);
    assert.deepEqual(excludeGlobsForRipgrep(undefined), []);
  });

  const rg = findRipgrep();
  (rg ? it : it.skip)('excludes exactly what VS Code would, when handed to ripgrep', async () => {
    const ws = tempWorkspace({ 'out/a.js': 'needle', 'src/out/b.js': 'needle', 'node_modules/x/c.js': 'needle', 'src/d.ts': 'needle', 'gen/e.ts': 'needle' });
    try {
      const excludes = excludeGlobsForRipgrep({ out: true, 'gen/**': true }, { '**/node_modules': true });
      const files = await rgFiles(rg!, ws.dir, { globs: excludes, searchPath: '.', limit: 100 });
      assert.deepEqual(files.items.sort(), ['src/d.ts', 'src/out/b.js'], 'out/ only at the root; node_modules anywhere');
      const scoped = await rgFiles(rg!, ws.dir, { globs: ['src/**/*.ts', ...excludes], searchPath: 'src', limit: 100 });
      assert.deepEqual(scoped.items, ['src/d.ts']);
      const found = await rgSearch(rg!, ws.dir, { query: 'needle', isRegex: false, globs: excludes, searchPath: '.', limit: 100 });
      assert.deepEqual(found.items.map((m) => m.path).sort(), ['src/d.ts', 'src/out/b.js']);
    } finally {
      ws.cleanup();
    }
  });
});

describe('searching unsaved buffers', () => {
  it('matchLines reports 1-based lines and stops at the limit', () => {
    assert.deepEqual(matchLines('a\nneedle 1\r\nb\nneedle 2\n', (l) => l.includes('needle'), 5), {
      items: [
        { line: 2, text: 'needle 1' },
        { line: 4, text: 'needle 2' },
      ],
      truncated: false,
    });
    assert.equal(matchLines('x\nx\nx', (l) => l === 'x', 2).truncated, true);
  });

  it('lineMatcher handles plain text (regex characters literal) and regular expressions', () => {
    assert.equal(lineMatcher('a.b(', false)('xa.b(y'), true);
    assert.equal(lineMatcher('a.b(', false)('axb('), false);
    assert.equal(lineMatcher('^fn \\w+', true)('fn main'), true);
    assert.throws(() => lineMatcher('(', true));
  });

  it('replaces the disk matches of a dirty file with matches in its buffer text', () => {
    const disk = {
      items: [
        { path: 'a.ts', line: 1, text: 'needle (saved)' },
        { path: 'b.ts', line: 3, text: 'needle' },
      ],
      truncated: false,
    };
    const buffers = new Map([
      ['a.ts', 'x\nneedle (unsaved)\nneedle again'],
      ['c.md', 'needle in docs'],
    ]);
    const test = lineMatcher('needle', false);
    assert.deepEqual(mergeBufferMatches(disk, buffers, { test, limit: 10 }).items, [
      { path: 'b.ts', line: 3, text: 'needle' },
      { path: 'a.ts', line: 2, text: 'needle (unsaved)' },
      { path: 'a.ts', line: 3, text: 'needle again' },
      { path: 'c.md', line: 1, text: 'needle in docs' },
    ]);
    const onlyTs = mergeBufferMatches(disk, buffers, { test, include: (p) => p.endsWith('.ts'), limit: 2 });
    assert.deepEqual(onlyTs, {
      items: [
        { path: 'b.ts', line: 3, text: 'needle' },
        { path: 'a.ts', line: 2, text: 'needle (unsaved)' },
      ],
      truncated: true,
    });
    assert.equal(mergeBufferMatches(disk, new Map(), { test, limit: 10 }), disk);
  });
});
