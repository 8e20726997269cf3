// vsix_kb, bundle_kb, activation_bundle_kb, activation_ms, activation_wall_ms, activation_require_ms: what installing and activating the
// extension costs. Full mode builds the package (`npm run package`: production bundles + VSIX); quick mode reports
// whatever is built. activation_ms and activation_wall_ms come from a real extension host (test/host, full mode only: see
// hostActivation.ts). What activate() loads is observed, not assumed: bench/host/activationProbe.js requires
// dist/extension.js with a stub `vscode` module in a fresh Node process, calls activate(), and lists every file loaded.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { fmtMs, median, repeat, reported, skipped, type Row, type Scenario } from '../lib';
import { hostActivation } from './hostActivation';

const ROOT = path.join(__dirname, '../..');
const BUNDLE = path.join(ROOT, 'dist/extension.js');
const LAZY = path.join(ROOT, 'dist/lazy');
const PROBE = path.join(ROOT, 'bench/host/activationProbe.js');
const run = promisify(execFile);

export const packageSize: Scenario = {
  title: 'package, bundle and activation',
  names: ['vsix_kb', 'bundle_kb', 'activation_bundle_kb', 'activation_ms', 'activation_wall_ms', 'activation_require_ms'],
  async run({ quick, repeats, progress }) {
    let buildNote = 'not rebuilt (quick mode): as found in the working tree';
    if (!quick) {
      progress('npm run package (production bundles + VSIX)...');
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
    const activationRows = await hostActivation(quick, progress);
    if (!existsSync(BUNDLE)) {
      return [vsixRow, skipped('bundle_kb', 'KB', 'report', `no dist/extension.js; run npm run build; ${buildNote}`), skipped('activation_bundle_kb', 'KB', 'report', 'no dist/extension.js'), ...activationRows, skipped('activation_require_ms', 'ms', 'report', 'no dist/extension.js')];
    }
    const probes = await repeat(Math.max(repeats, 3), () => probe());
    const times = probes.map((p) => p.requireMs);
    progress(`activation_require_ms: ${fmtMs(median(times))}`);
    return [vsixRow, bundleRow(buildNote), activationBundleRow(probes[0].loaded), ...activationRows,
      reported('activation_require_ms', median(times), 'ms',
        `require('dist/extension.js') in a fresh Node process with a stub vscode module (not a real host; activate() not counted); median of ${times.length}`)];
  },
};

/** Everything the extension's Node side ships: the shell and every lazy bundle. */
function bundleRow(buildNote: string): Row {
  const lazy = existsSync(LAZY) ? readdirSync(LAZY).filter((f) => f.endsWith('.js')).sort() : [];
  const kb = (f: string) => statSync(f).size / 1024;
  const parts = [`extension.js ${kb(BUNDLE).toFixed(0)}`, ...lazy.map((f) => `lazy/${f} ${kb(path.join(LAZY, f)).toFixed(0)}`)];
  const total = kb(BUNDLE) + lazy.reduce((n, f) => n + kb(path.join(LAZY, f)), 0);
  return reported('bundle_kb', total, 'KB', `dist/extension.js and the bundles it loads on first use (KB: ${parts.join(', ')}); ${buildNote}`);
}

/** The files require() + activate() actually loaded (bench/host/activationProbe.js), not the files we meant to load. */
function activationBundleRow(loaded: readonly string[]): Row {
  const kb = loaded.reduce((n, f) => n + statSync(path.join(ROOT, f)).size / 1024, 0);
  const lazy = loaded.filter((f) => f.startsWith('dist/lazy/') || f.includes('node_modules'));
  const what = lazy.length ? `; activation also loaded ${lazy.join(', ')}: a heavy part is back on the activation path` : '; no lazy bundle (core, SDKs) loaded';
  return reported('activation_bundle_kb', kb, 'KB', `every file require() + activate() loaded (stub vscode): ${loaded.join(', ')}${what}`);
}

function newestVsix(): { file: string; bytes: number } | undefined {
  const found = readdirSync(ROOT)
    .filter((f) => /^fanout-.*\.vsix$/.test(f))
    .map((f) => ({ file: path.join(ROOT, f), st: statSync(path.join(ROOT, f)) }))
    .sort((a, b) => b.st.mtimeMs - a.st.mtimeMs)[0];
  return found && { file: found.file, bytes: found.st.size };
}

/** One fresh Node process: the milliseconds require() took (Node's own start-up not counted) and the files loaded. */
async function probe(): Promise<{ requireMs: number; loaded: string[] }> {
  const { stdout } = await run(process.execPath, [PROBE, BUNDLE], { cwd: ROOT, timeout: 60_000 });
  const result = JSON.parse(stdout) as { requireMs: number; loaded: string[] };
  if (!Number.isFinite(result.requireMs)) throw new Error(`could not time require(): ${stdout}`);
  return result;
}
