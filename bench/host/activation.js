// Runs inside a real VS Code extension host (test/host/runInHost.mjs loads it as the extension tests): times the
// Fanout extension's activation there and writes the figure to $FANOUT_TEST_RESULTS for bench/scenarios/packageSize.ts.
// Plain CommonJS because the host require()s it as is.
const fs = require('node:fs');
const vscode = require('vscode');

exports.run = async function run() {
  const id = 'fanout-dev.fanout';
  const ext = vscode.extensions.getExtension(id);
  if (!ext) throw new Error(`${id} is not loaded in the host`);
  const result = { wasActive: ext.isActive, activationMs: null };
  // An extension activated at startup cannot be timed from here; report that rather than a meaningless 0.
  if (!ext.isActive) {
    const t0 = performance.now();
    await ext.activate();
    result.activationMs = performance.now() - t0;
  }
  fs.writeFileSync(process.env.FANOUT_TEST_RESULTS, JSON.stringify(result));
};
