// find_symbol, go_to_definition, find_references in the core: position checks, ordering, capping, and line text read
// through the workspace. The real language features are tested in the real host (test/integration/host/ide.test.ts).
import * as assert from 'node:assert/strict';
import { Scheduler } from '../../src/agent/scheduler';
import type { CodeLocation, LanguageFeatures, Position } from '../../src/host/language';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import { builtinTools } from '../../src/tools';
import { MAX_LOCATIONS } from '../../src/tools/languageTools';
import { toolRegistry } from '../../src/tools/tool';
import { editorTools } from '../../src/vscode/editorTools';
import { call, runBatch, testContext } from '../fakes/fakeTools';
import { tempWorkspace } from '../fakes/tempWorkspace';

class FakeLanguage implements LanguageFeatures {
  readonly asked: Position[] = [];
  constructor(private readonly found: CodeLocation[]) {}
  async findSymbols(): Promise<CodeLocation[]> {
    return this.found;
  }
  async definitions(at: Position): Promise<CodeLocation[]> {
    this.asked.push(at);
    return this.found;
  }
  async references(at: Position): Promise<CodeLocation[]> {
    this.asked.push(at);
    return this.found;
  }
}

describe('language tools (find_symbol, go_to_definition, find_references)', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  afterEach(() => ws?.cleanup());

  async function run(language: LanguageFeatures | undefined, name: string, args: unknown, tools = editorTools) {
    const workspace = await NodeWorkspace.open(ws.dir);
    const s = new Scheduler({ tools: toolRegistry(tools), context: { ...testContext(workspace), language } });
    const { results } = await runBatch(s, [call('c', name, args)]);
    return results[0].content;
  }

  it('answers workspace-relative path:line:col with the line read through the workspace, libraries last and flagged', async () => {
    ws = tempWorkspace({ 'src/lib.ts': 'export function add(a: number, b: number) {\n  return a + b;\n}\n', 'src/main.ts': "import { add } from './lib';\nadd(1, 2);\n" });
    const language = new FakeLanguage([
      { path: '/usr/lib/typescript/lib.d.ts', inWorkspace: false, line: 7, column: 3, text: 'declare function add(): void;' },
      { path: 'src/main.ts', inWorkspace: true, line: 2, column: 1 },
      { path: 'src/lib.ts', inWorkspace: true, line: 1, column: 17 },
      { path: 'src/main.ts', inWorkspace: true, line: 2, column: 1 },
    ]);
    const text = await run(language, 'find_references', { path: 'src/main.ts', line: 2, column: 1 });
    assert.equal(
      text,
      [
        '3 references to the symbol at src/main.ts:2:1 (1 outside the workspace):',
        'src/lib.ts:1:17  export function add(a: number, b: number) {',
        'src/main.ts:2:1  add(1, 2);',
        '/usr/lib/typescript/lib.d.ts:7:3 [outside the workspace]  declare function add(): void;',
      ].join('\n'),
    );
    assert.deepEqual(language.asked, [{ path: 'src/main.ts', line: 2, column: 1, label: 'src/main.ts:2:1' }]);
  });

  it('names symbols with their kind and container', async () => {
    ws = tempWorkspace({ 'src/lib.ts': 'export function add() {}\n' });
    const text = await run(new FakeLanguage([{ path: 'src/lib.ts', inWorkspace: true, line: 1, column: 8, name: 'add', kind: 'function', container: 'lib' }]), 'find_symbol', { query: 'ad' });
    assert.equal(text, '1 symbol matching "ad":\nsrc/lib.ts:1:8 function add in lib  export function add() {}');
  });

  it(`lists at most ${MAX_LOCATIONS} locations and counts the rest`, async () => {
    ws = tempWorkspace({ 'a.ts': 'x\n' });
    const many = Array.from({ length: MAX_LOCATIONS + 3 }, (_, i) => ({ path: 'a.ts', inWorkspace: true, line: 1, column: i + 1 }));
    const text = await run(new FakeLanguage(many), 'go_to_definition', { path: 'a.ts', line: 1, column: 1 });
    assert.equal(text.split('\n').length, MAX_LOCATIONS + 2);
    assert.match(text, /\n\.\.\. 3 more not listed\.$/);
  });

  it('explains a position past the end of the file or line, a missing file, and an empty answer', async () => {
    ws = tempWorkspace({ 'a.ts': 'const x = 1;\n' });
    const none = new FakeLanguage([]);
    assert.match(await run(none, 'go_to_definition', { path: 'a.ts', line: 9, column: 1 }), /^Error \(invalid_arguments\): line 9 is past the end of a\.ts \(1 line\)/);
    assert.match(await run(none, 'go_to_definition', { path: 'a.ts', line: 1, column: 40 }), /^Error \(invalid_arguments\): column 40 is past the end of line 1 of a\.ts \(12 characters\): const x = 1;/);
    assert.match(await run(none, 'find_references', { path: 'b.ts', line: 1, column: 1 }), /^Error \(not_found\): b\.ts does not exist/);
    assert.match(await run(none, 'go_to_definition', { path: 'a.ts', line: 1, column: 7 }), /^No definition found at a\.ts:1:7\. Put line and column on the symbol's name/);
    assert.match(await run(none, 'find_symbol', { query: 'zzz' }), /^No symbol matches "zzz"/);
    assert.equal(none.asked.length, 1, 'bad positions never reach the language features');
  });

  it('are offered by the extension only: the headless list has none, and a host without them says unavailable', async () => {
    ws = tempWorkspace({ 'a.ts': 'x\n' });
    const names = (list: readonly { name: string }[]) => list.map((t) => t.name);
    for (const n of ['find_symbol', 'go_to_definition', 'find_references']) {
      assert.ok(names(editorTools).includes(n));
      assert.ok(!names(builtinTools).includes(n));
    }
    assert.match(await run(undefined, 'find_symbol', { query: 'x' }), /^Error \(unavailable\): Language intelligence is only available in VS Code/);
    assert.match(await run(undefined, 'find_symbol', { query: 'x' }, builtinTools), /^Error \(unknown_tool\)/);
  });
});
