// Runs inside a real VS Code extension host (test/host/runInHost.mjs loads it as the extension tests): times the
// Fanout extension's activation there and writes the figure to $FANOUT_TEST_RESULTS for bench/scenarios/packageSize.ts.
// Also reads what Fanout logs about its own part ("activated in X ms (modules evaluated in Y ms ...)"): the rest of
// ext.activate() is VS Code's (its context, storage and secrets set up for the extension).
// Plain CommonJS because the host require()s it as is.
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const id = 'fanout-dev.fanout';

exports.run = async function run() {
  const ext = vscode.extensions.getExtension(id);
  if (!ext) throw new Error(`${id} is not loaded in the host`);
  const result = { wasActive: ext.isActive, activationMs: null, ownMs: null, modulesMs: null };
  // An extension activated at startup cannot be timed from here; report that rather than a meaningless 0.
  if (!ext.isActive) {
    const t0 = performance.now();
    await ext.activate();
    result.activationMs = performance.now() - t0;
    const line = await activationLine();
    if (line) [result.ownMs, result.modulesMs] = [Number(line[1]), Number(line[2])];
  }
  fs.writeFileSync(process.env.FANOUT_TEST_RESULTS, JSON.stringify(result));
};

/** The log line, once the log service has written it (it flushes on its own schedule); undefined after 10 s. */
async function activationLine() {
  const socket = process.env.CODE_SERVER_SESSION_SOCKET;
  if (!socket) return undefined;
  for (let i = 0; i < 100; i++) {
    for (const file of findLogs(path.join(path.dirname(socket), 'logs'), 0)) {
      const m = /activated in ([\d.]+) ms \(modules evaluated in ([\d.]+) ms/.exec(fs.readFileSync(file, 'utf8'));
      if (m) return m;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

function findLogs(dir, depth) {
  if (depth > 6 || !fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return fs.statSync(p).isDirectory() ? findLogs(p, depth + 1) : name === 'Fanout.log' && p.includes(id) ? [p] : [];
  });
}
