// Runs inside a real VS Code extension host (test/host/runInHost.mjs loads it as the extension tests): times the
// Fanout extension's activation there and writes the figures to $FANOUT_TEST_RESULTS for bench/scenarios/hostActivation.ts.
//
// VS Code times each activation itself, with performance marks around loading the extension's code
// (code/extHost/willLoadExtensionCode/<id> .. didLoadExtensionCode) and around calling its activate()
// (willActivateExtension .. didActivateExtension): that is the extension's own cost. Between the two, VS Code prepares
// the extension's context (it waits for the workbench to hand over globalState, workspaceState and the storage path),
// which every extension pays, an empty one too. So the ext.activate() wall is also measured for two empty extensions
// installed next to Fanout: the first activation of a host pays one-time start-up costs (warm-up), the second is
// the like-for-like floor, activated right after Fanout.
// Plain CommonJS because the host require()s it as is.
const fs = require('node:fs');
const vscode = require('vscode');

const FANOUT = 'fanout-dev.fanout';
const WARM_UP = 'fanout-bench.activation-warm-up';
const FLOOR = 'fanout-bench.activation-floor';

exports.run = async function run() {
  const result = { wasActive: false, ownMs: null, loadMs: null, activateMs: null, wallMs: null, floorWallMs: null };
  const fanout = extension(FANOUT);
  // An extension activated at startup cannot be timed from here; report that rather than a meaningless 0.
  result.wasActive = fanout.isActive;
  if (!result.wasActive) {
    await wall(extension(WARM_UP));
    result.wallMs = await wall(fanout);
    result.floorWallMs = await wall(extension(FLOOR));
    const mark = markReader(FANOUT);
    result.loadMs = mark('didLoadExtensionCode') - mark('willLoadExtensionCode');
    result.activateMs = mark('didActivateExtension') - mark('willActivateExtension');
    result.ownMs = result.loadMs + result.activateMs;
  }
  fs.writeFileSync(process.env.FANOUT_TEST_RESULTS, JSON.stringify(result));
};

function extension(id) {
  const ext = vscode.extensions.getExtension(id);
  if (!ext) throw new Error(`${id} is not loaded in the host`);
  return ext;
}

async function wall(ext) {
  const t0 = performance.now();
  await ext.activate();
  return performance.now() - t0;
}

/** VS Code's own marks in this host (vs/base/common/performance keeps them on globalThis in Node). */
function markReader(id) {
  const marks = globalThis.MonacoPerformanceMarks?.getMarks?.();
  if (!marks) throw new Error('this host keeps no performance marks (globalThis.MonacoPerformanceMarks)');
  return (what) => {
    const m = marks.find((x) => x.name === `code/extHost/${what}/${id}`);
    if (!m) throw new Error(`no code/extHost/${what}/${id} mark in this host`);
    return m.startTime;
  };
}
