// Reliability: the pure-Node search (no ripgrep on PATH) keeps the rules every other tool keeps: nothing outside the
// workspace, a deadline that really stops a runaway regular expression, and skipped files named.
import * as assert from 'node:assert/strict';
import { symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Scheduler, type CallUpdate } from '../../../src/agent/scheduler';
import { NodeWorkspace, type NodeWorkspaceOptions } from '../../../src/node/nodeWorkspace';
import { builtinTools } from '../../../src/tools';
import { toolRegistry } from '../../../src/tools/tool';
import { call, runBatch, testContext } from '../../fakes/fakeTools';
import { tempWorkspace } from '../../fakes/tempWorkspace';

// `(a+)+$` against this line backtracks about 2^26 ways before failing: tens of seconds of one pinned core.
const EVIL_LINE = `${'a'.repeat(26)}b`;
const EVIL = { query: '(a+)+$', isRegex: true };

describe('reliability: the pure-Node search fallback', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  let outside: ReturnType<typeof tempWorkspace>;
  beforeEach(() => {
    ws = tempWorkspace({ 'a.txt': 'needle here\n', 'evil.txt': `${EVIL_LINE}\n` });
    outside = tempWorkspace({ 'secret.txt': 'needle SECRET outside\n' });
  });
  afterEach(() => {
    ws.cleanup();
    outside.cleanup();
  });

  async function scheduler(options: NodeWorkspaceOptions = {}, toolTimeoutMs?: number) {
    const workspace = await NodeWorkspace.open(ws.dir, { ripgrep: false, ...options });
    return new Scheduler({ tools: toolRegistry(builtinTools), context: testContext(workspace), ...(toolTimeoutMs ? { toolTimeoutMs } : {}) });
  }

  it('does not follow a symlink to a file outside the workspace; one inside is searched', async () => {
    symlinkSync(path.join(outside.dir, 'secret.txt'), path.join(ws.dir, 'leak.txt'));
    symlinkSync('a.txt', path.join(ws.dir, 'inside-link.txt'));
    const { results } = await runBatch(await scheduler(), [call('s', 'search_workspace', { query: 'needle' })]);
    assert.equal(results[0].content, 'a.txt:1: needle here\ninside-link.txt:1: needle here');
    assert.doesNotMatch(results[0].content, /SECRET/);
  });

  it('a catastrophic regex is stopped at its deadline with a clear error, and the next search runs', async () => {
    const s = await scheduler({ regexDeadlineMs: 50 });
    const { results } = await runBatch(s, [call('s', 'search_workspace', EVIL)]);
    assert.match(results[0].content, /^Error \(timeout\): The regular expression ran for over 0\.05 s on one file and was stopped: nested quantifiers such as \(a\+\)\+/);
    const next = await runBatch(s, [call('n', 'search_workspace', { query: 'needle' })]);
    assert.equal(next.results[0].content, 'a.txt:1: needle here');
  });

  it('the tool timeout stops a catastrophic regex', async () => {
    const { results } = await runBatch(await scheduler({}, 100), [call('s', 'search_workspace', EVIL)]);
    assert.match(results[0].content, /^Error \(timeout\): search_workspace did not finish within 0\.1 s/);
  });

  it('a stop (SIGINT in the CLI) ends it while it runs', async () => {
    const s = await scheduler();
    const stop = new AbortController();
    const batch = s.startBatch(1, stop.signal, (u: CallUpdate) => {
      if (u.state === 'running') stop.abort();
    });
    batch.add(call('s', 'search_workspace', EVIL));
    const { results } = await batch.seal();
    assert.match(results[0].content, /^Error \(cancelled\)/);
    const next = await runBatch(s, [call('n', 'read_file', { path: 'a.txt' })]);
    assert.equal(next.results[0].content, 'needle here\n');
  });

  it('names a file skipped for its size', async () => {
    writeFileSync(path.join(ws.dir, 'big.log'), '');
    truncateSync(path.join(ws.dir, 'big.log'), 21 * 1024 * 1024);
    const { results } = await runBatch(await scheduler(), [call('s', 'search_workspace', { query: 'needle' })]);
    assert.equal(results[0].content, 'a.txt:1: needle here\n[not searched, over 20 MB: big.log]');
    const none = await runBatch(await scheduler(), [call('s', 'search_workspace', { query: 'nothing-matches-this' })]);
    assert.equal(none.results[0].content, 'No matches for "nothing-matches-this".\n[not searched, over 20 MB: big.log]');
  });
});
