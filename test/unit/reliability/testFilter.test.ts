// Reliability: the model's run_tests filter never reaches a shell's parser, whatever the user wrote around
// `{filter}` in fanout.testCommand. Every payload x every quoting style: no marker file appears, and the test command
// receives the filter byte for byte (as one argument, or inside the argument the user wrote around it).
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { NodeProcessRunner } from '../../../src/node/nodeProcessRunner';
import { NodeWorkspace } from '../../../src/node/nodeWorkspace';
import { runTests } from '../../../src/tools/runTests';
import { testContext } from '../../fakes/fakeTools';
import { tempWorkspace } from '../../fakes/tempWorkspace';

const PAYLOADS = [
  '$(touch pwned)',
  '`touch pwned`',
  '"; touch pwned; "',
  "'; touch pwned; '",
  "'\"$(touch pwned)\"'",
  'x\ntouch pwned',
  'x\r\ntouch pwned\n',
  '; touch pwned',
  '| touch pwned',
  '&& touch pwned',
  '> pwned',
  '${IFS}touch${IFS}pwned',
  '\\"; touch pwned #',
  "\\'; touch pwned #",
  '$&',
  "$'",
  '$`',
  '$1 $$ $0',
  '$FANOUT_TEST_FILTER',
  '*',
  '  two  spaces  ',
  '{filter}',
  '%PATH% !x!',
  'ünïcødé ✓ "mixed" \'quotes\'',
];

// printf is a shell builtin: cheap to run 200 times, and it prints each argument exactly, between < and >.
const STYLES: { command: string; expect: (f: string) => string }[] = [
  { command: "printf '<%s>' {filter}", expect: (f) => `<${f}>` },
  { command: "printf '<%s>' \"{filter}\"", expect: (f) => `<${f}>` },
  { command: "printf '<%s>' '{filter}'", expect: (f) => `<${f}>` },
  { command: "printf '<%s>' --grep={filter}", expect: (f) => `<--grep=${f}>` },
  { command: "printf '<%s>' \"-k {filter} and more\"", expect: (f) => `<-k ${f} and more>` },
  { command: "printf '<%s>' 'name: {filter}!'", expect: (f) => `<name: ${f}!>` },
  { command: "printf '<%s>' \\\"{filter}", expect: (f) => `<"${f}>` },
  { command: "printf '<%s>' {filter} '{filter}'", expect: (f) => `<${f}><${f}>` },
  { command: "printf '<%s>'", expect: (f) => `<${f}>` },
];

describe('reliability: run_tests filter x quoting styles', function () {
  this.timeout(60_000);
  let ws: ReturnType<typeof tempWorkspace>;
  afterEach(() => ws?.cleanup());

  for (const style of STYLES) {
    it(`fanout.testCommand = ${style.command}`, async function () {
      if (process.platform === 'win32') this.skip();
      ws = tempWorkspace();
      const ctx = { ...testContext(await NodeWorkspace.open(ws.dir), { testCommand: style.command }), runner: new NodeProcessRunner() };
      const outputs = await Promise.all(
        PAYLOADS.map(async (filter) => {
          const text = await runTests.execute({ filter }, { ...ctx, signal: new AbortController().signal });
          return text.split('\n').slice(2).join('\n');
        }),
      );
      assert.equal(existsSync(path.join(ws.dir, 'pwned')), false, 'no payload ran as shell');
      PAYLOADS.forEach((filter, i) => assert.equal(outputs[i], style.expect(filter), `filter ${JSON.stringify(filter)} arrived exactly`));
    });
  }

  it('a filter with a NUL is refused with a clear error', async () => {
    ws = tempWorkspace();
    const ctx = { ...testContext(await NodeWorkspace.open(ws.dir), { testCommand: 'true' }), signal: new AbortController().signal };
    await assert.rejects(runTests.execute({ filter: 'a\0b' }, ctx), /NUL character/);
  });
});
