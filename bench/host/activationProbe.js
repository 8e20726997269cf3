// `node bench/host/activationProbe.js [dist/extension.js]`: loads the extension bundle the way VS Code does, with a
// stub `vscode` module that records what is registered, calls activate() with a minimal context, and prints JSON:
// the milliseconds require() and activate() took, every file they loaded, and the commands, views and language model
// tools registered. Run it in a fresh process (the module cache must start empty): bench/scenarios/packageSize.ts
// sizes activation_bundle_kb from `loaded`, and test/unit/activation.test.ts fails when activation loads more than
// the shell. Plain CommonJS so it runs with node alone.
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

const ROOT = path.join(__dirname, '../..');
const bundle = path.resolve(process.argv[2] ?? path.join(ROOT, 'dist/extension.js'));
const calls = {};

/** Any property is another stub; a call is recorded under its dotted name with its first argument, if a string. */
function stub(name) {
  return new Proxy(function () {}, {
    get: (_t, key) => (key === 'then' ? undefined : key === Symbol.toPrimitive ? () => name : stub(`${name}.${String(key)}`)),
    apply: (_t, _self, args) => {
      (calls[name] ??= []).push(typeof args[0] === 'string' ? args[0] : typeof args[0]);
      return stub(`${name}()`);
    },
    construct: () => stub(`new ${name}`),
  });
}

// The bundle copies the module's own properties (esbuild's namespace import): list the real API's top-level names.
const api = readFileSync(require.resolve('@types/vscode/index.d.ts', { paths: [ROOT] }), 'utf8');
const names = [...api.matchAll(/^\texport (?:namespace|class|enum|const|let|function) (\w+)/gm)].map((m) => m[1]);
const vscode = Object.fromEntries(names.map((n) => [n, n === 'version' ? '0.0.0-stub' : stub(`vscode.${n}`)]));
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? vscode : load.call(this, request, ...rest);
};

const before = new Set(Object.keys(require.cache));
const t0 = performance.now();
const ext = require(bundle);
const requireMs = performance.now() - t0;
if (typeof ext.activate !== 'function') throw new Error(`${bundle} exports no activate()`);
const context = {
  subscriptions: [],
  secrets: stub('context.secrets'),
  extensionUri: stub('context.extensionUri'),
  globalStorageUri: stub('context.globalStorageUri'),
  storageUri: stub('context.storageUri'),
  workspaceState: stub('context.workspaceState'),
  globalState: stub('context.globalState'),
  extension: { packageJSON: JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) },
};
const t1 = performance.now();
const activated = ext.activate(context);
const activateMs = performance.now() - t1;
Promise.resolve(activated).then(() => {
  const loaded = Object.keys(require.cache)
    .filter((f) => !before.has(f) && f !== bundle)
    .map((f) => path.relative(ROOT, f));
  process.stdout.write(
    JSON.stringify({
      requireMs,
      activateMs,
      loaded: [path.relative(ROOT, bundle), ...loaded],
      commands: calls['vscode.commands.registerCommand'] ?? [],
      views: calls['vscode.window.registerWebviewViewProvider'] ?? [],
      lmTools: calls['vscode.lm.registerTool'] ?? [],
      subscriptions: context.subscriptions.length,
    }),
  );
});
