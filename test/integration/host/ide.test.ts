// get_diagnostics and the language tools against VS Code's built-in TypeScript support (code-server ships the
// typescript-language-features extension and its TypeScript), on test/fixtures/workspace/ide.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ask, lastToolCalls, lastToolResults, requestsOf, tag, waitFor, workspaceUri } from './helpers';

describe('IDE tools on the built-in TypeScript language features', () => {
  before(async function () {
    this.timeout(120_000);
    await vscode.commands.executeCommand('fanout.newChat');
    // The TypeScript support starts with the first TypeScript file opened. Until its project is loaded only its syntax
    // server answers, which resolves nothing across files (a definition is then the import line): wait until the
    // definition is in lib.ts, so the agent's calls below meet a ready server.
    const main = await vscode.workspace.openTextDocument(workspaceUri('ide/main.ts'));
    await waitFor(
      'the TypeScript project to load',
      async () => {
        const found = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', main.uri, new vscode.Position(2, 30));
        return found?.some((l) => ('targetUri' in l ? l.targetUri : l.uri).path.endsWith('/ide/lib.ts'));
      },
      110_000,
    );
  });

  async function run(scenario: string) {
    const t = tag();
    await ask(`[scenario:${scenario}] ${t}`);
    const [, second] = await requestsOf(t);
    const calls = lastToolCalls(second);
    const results = lastToolResults(second);
    return (name: string) => results.filter((r) => calls.find((c) => c.id === r.id)?.name === name).map((r) => r.content);
  }

  it('go_to_definition, find_references and find_symbol find a function across two files', async () => {
    const resultsOf = await run('ide-lang');
    const [definition] = resultsOf('go_to_definition');
    assert.equal(definition, '1 definition of the symbol at ide/main.ts:3:30:\nide/lib.ts:1:17  export function addNumbers(a: number, b: number): number {');
    const [references] = resultsOf('find_references');
    for (const line of [
      'ide/lib.ts:1:17  export function addNumbers(a: number, b: number): number {',
      "ide/main.ts:1:10  import { addNumbers } from './lib';",
      'ide/main.ts:3:30  export const total: number = addNumbers(1, 2);',
      'ide/main.ts:4:22  export const again = addNumbers(total, 3);',
    ]) {
      assert.ok(references.split('\n').includes(line), `missing "${line}" in:\n${references}`);
    }
    const [symbols] = resultsOf('find_symbol');
    // TypeScript's symbol range is the whole declaration (from `export`), and it names functions with `()`.
    assert.match(symbols, /^ide\/lib\.ts:1:\d+ function addNumbers\b.*export function addNumbers\(a: number/m, symbols);
  });

  it('get_diagnostics waits for an edit of the same batch and reports its type error; a file never opened is checked too', async () => {
    const resultsOf = await run('ide-diag');
    const [edit] = resultsOf('apply_edit');
    assert.match(edit, /^Edited ide\/main\.ts/);
    const [main, bad] = resultsOf('get_diagnostics');
    assert.match(main, /^ide\/main\.ts:3:14 error Type 'string' is not assignable to type 'number'\. \(ts\)$/m, main);
    assert.match(bad, /^ide\/bad\.ts:1:14 error Type 'string' is not assignable to type 'number'\. \(ts\)$/m, bad);
    // TypeScript checks only files shown in tabs: the tool showed bad.ts in the background and closed it again.
    // (main.ts is left out: a tab with unsaved text is never closed, and under heavy load VS Code may not have
    // finished saving the agent's edit yet.)
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => (t.input instanceof vscode.TabInputText ? vscode.workspace.asRelativePath(t.input.uri) : ''));
    assert.ok(!tabs.includes('ide/bad.ts'), `the tab get_diagnostics opened is closed (tabs: ${tabs.join(', ')})`);
  });
});
