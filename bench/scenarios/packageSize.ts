// vsix_kb, bundle_kb, activation_ms, activation_require_ms: what installing and activating the extension costs.
// Full mode builds the package (`npm run package`: production bundle + VSIX); quick mode reports whatever is built.
// activation_ms comes from a real extension host (test/host, full mode only: see hostActivation.ts); the time to
// require() the bundle in plain Node with a stub `vscode` module is measured too, under its own name.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { fmtMs, median, repeat, reported, skipped, type Scenario } from '../lib';
import { hostActivation } from './hostActivation';

const ROOT = path.join(__dirname, '../..');
const BUNDLE = path.join(ROOT, 'dist/extension.js');
const run = promisify(execFile);

export const packageSize: Scenario = {
  title: 'package, bundle and activation',
  names: ['vsix_kb', 'bundle_kb', 'activation_bundle_kb', 'activation_ms', 'activation_require_ms'],
  async run({ quick, repeats, progress }) {
    let buildNote = 'not rebuilt (quick mode): as found in the working tree';
    if (!quick) {
      progress('npm run package (production bundle + VSIX)...');
      try {
        await run('npm', ['run', 'package'], { cwd: ROOT, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
        buildNote = 'built by `npm run package` in this run';
      } catch (e) {
        const out = `${(e as { stdout?: string }).stdout ?? ''}${(e as { stderr?: string }).stderr ?? ''}`;
        const why = out.split('\n').find((l) => /error/i.test(l))?.trim() ?? (e as Error).message.split('\n')[0];
        buildNote = `\`npm run package\` failed in this run (${why})`;
        progress(`npm run package failed: ${why}`);
      }
    }
    const vsix = newestVsix();
    const vsixRow = vsix ? reported('vsix_kb', vsix.bytes / 1024, 'KB', `${path.basename(vsix.file)}; ${buildNote}`) : skipped('vsix_kb', 'KB', 'report', `no fanout-*.vsix; ${buildNote}`);
    const activationRow = await hostActivation(quick, progress);
    if (!existsSync(BUNDLE)) {
      return [vsixRow, skipped('bundle_kb', 'KB', 'report', `no dist/extension.js; run npm run build; ${buildNote}`), skipped('activation_bundle_kb', 'KB', 'report', 'no dist/extension.js'), activationRow, skipped('activation_require_ms', 'ms', 'report', 'no dist/extension.js')];
    }
    const times = await repeat(Math.max(repeats, 3), () => requireTime());
    progress(`activation_require_ms: ${fmtMs(median(times))}`);
    return [
      vsixRow,
      reported('bundle_kb', statSync(BUNDLE).size / 1024, 'KB', `dist/extension.js; ${buildNote}`),
      // What activate() loads: today the one bundle (the SDKs are in it, reached through import() and not evaluated).
      reported('activation_bundle_kb', statSync(BUNDLE).size / 1024, 'KB', 'everything activate() loads: dist/extension.js, one bundle (SDKs not yet split into bundles of their own)'),
      activationRow,
      reported('activation_require_ms', median(times), 'ms',
        `require('dist/extension.js') in a fresh Node process with a stub vscode module (not a real host; no activate() call); median of ${times.length}`),
    ];
  },
};

function newestVsix(): { file: string; bytes: number } | undefined {
  const found = readdirSync(ROOT)
    .filter((f) => /^fanout-.*\.vsix$/.test(f))
    .map((f) => ({ file: path.join(ROOT, f), st: statSync(path.join(ROOT, f)) }))
    .sort((a, b) => b.st.mtimeMs - a.st.mtimeMs)[0];
  return found && { file: found.file, bytes: found.st.size };
}

/** Milliseconds to require() the bundle, timed inside a fresh process so Node's own start-up is not counted. */
async function requireTime(): Promise<number> {
  const script = `
    const Module = require('node:module');
    const load = Module._load;
    const stub = new Proxy(function () {}, { get: (t, k) => (k === 'then' ? undefined : stub), apply: () => stub, construct: () => stub });
    Module._load = function (request, ...rest) { return request === 'vscode' ? stub : load.call(this, request, ...rest); };
    const t0 = performance.now();
    const ext = require(${JSON.stringify(BUNDLE)});
    const ms = performance.now() - t0;
    if (typeof ext.activate !== 'function') throw new Error('dist/extension.js exports no activate()');
    process.stdout.write(String(ms));`;
  const { stdout } = await run(process.execPath, ['-e', script], { cwd: ROOT, timeout: 60_000 });
  const ms = Number(stdout.trim());
  if (!Number.isFinite(ms)) throw new Error(`could not time require(): ${stdout}`);
  return ms;
}
