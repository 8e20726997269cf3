// activation_ms and activation_wall_ms in a real extension host: test/host's code-server harness loads the extension
// from the working tree and runs bench/host/activation.js inside the host. activation_ms is what VS Code itself
// times for Fanout (its performance marks around loading Fanout's code and calling activate(): the figure behind
// "Developer: Show Running Extensions", without the workbench round trips VS Code makes in between);
// activation_wall_ms is the whole ext.activate() call, shown next to an empty extension's in the same host. An
// extension activates once per host, so each sample is a host of its own: the median of three. Only in full mode
// (a host run takes 10-30 s) and only when the harness is installed; otherwise the rows say why they have no value.
// Target (issue 15): activation_ms under 100.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { checked, median, reported, type Row } from '../lib';

const ROOT = path.join(__dirname, '../..');
const HOST = path.join(ROOT, 'test/host');
const SAMPLES = 3;

interface HostResult {
  wasActive: boolean;
  ownMs: number | null;
  loadMs: number | null;
  activateMs: number | null;
  wallMs: number | null;
  floorWallMs: number | null;
}

export async function hostActivation(quick: boolean, progress: (m: string) => void): Promise<Row[]> {
  const none = (why: string) => [
    reported('activation_ms', null, 'ms', `measured in a real extension host (full mode); ${why}`),
    reported('activation_wall_ms', null, 'ms', `measured in a real extension host (full mode); ${why}`),
  ];
  if (quick) return none('not run in quick mode (a host start takes 10-30 s)');
  if (!existsSync(path.join(HOST, 'runInHost.mjs')) || !existsSync(path.join(HOST, 'setup.mjs'))) return none('test/host harness not present');
  const setup = (await import(pathToFileURL(path.join(HOST, 'setup.mjs')).href)) as { hostCacheDir(): string };
  if (!existsSync(path.join(setup.hostCacheDir(), '.installed.json'))) return none('host not installed here (node test/host/setup.mjs installs it)');
  if (!existsSync(path.join(ROOT, 'dist/extension.js'))) return none('no dist/extension.js to load');

  const { runExtensionTests } = (await import(pathToFileURL(path.join(HOST, 'runInHost.mjs')).href)) as {
    runExtensionTests(o: { extensionDevelopmentPath: string; extensionTestsPath: string; extensionsDir: string; resultsFile: string; timeoutMs: number }): Promise<number>;
  };
  const dir = mkdtempSync(path.join(tmpdir(), 'fanout-bench-host-'));
  const extensionsDir = emptyExtensions(dir);
  // The host's console goes to stdout; keep stdout for the results table.
  const write = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  try {
    const results: HostResult[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      progress(`activation_ms: starting a real extension host (code-server + headless chromium), ${i + 1} of ${SAMPLES}...`);
      const resultsFile = path.join(dir, `activation-${i}.json`);
      const code = await runExtensionTests({ extensionDevelopmentPath: ROOT, extensionTestsPath: path.join(__dirname, '../host/activation.js'), extensionsDir, resultsFile, timeoutMs: 180_000 });
      if (code !== 0 || !existsSync(resultsFile)) return none(`the host run failed (exit ${code}); see stderr`);
      const result = JSON.parse(readFileSync(resultsFile, 'utf8')) as HostResult;
      if (result.wasActive) return none('the extension was already active when the test started (activated at startup), so it could not be timed');
      results.push(result);
    }
    const list = (key: keyof HostResult) => results.map((r) => Number(r[key]).toFixed(0)).join(', ');
    const med = (key: keyof HostResult) => median(results.map((r) => Number(r[key])));
    return [
      checked('activation_ms', med('ownMs'), 'ms', '<', 100,
        `VS Code's own timing of Fanout's activation (its performance marks: loading dist/extension.js + calling activate()) in a code-server extension host (Node 24), extension loaded from the working tree; median of ${SAMPLES} hosts (${list('ownMs')} ms; loading ${list('loadMs')}, activate() ${list('activateMs')})`),
      reported('activation_wall_ms', med('wallMs'), 'ms',
        `the whole ext.activate() call (${list('wallMs')} ms), which also waits while the workbench hands VS Code the extension's storage; an empty extension activated right after it in the same host: ${list('floorWallMs')} ms (median ${med('floorWallMs').toFixed(0)})`),
    ];
  } finally {
    process.stdout.write = write;
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An extensions folder with two empty extensions: one to warm the host up, one as the like-for-like floor. */
function emptyExtensions(dir: string): string {
  const extensionsDir = path.join(dir, 'extensions');
  for (const name of ['activation-warm-up', 'activation-floor']) {
    const ext = path.join(extensionsDir, `fanout-bench.${name}-0.0.1`);
    mkdirSync(ext, { recursive: true });
    writeFileSync(path.join(ext, 'package.json'), JSON.stringify({ name, publisher: 'fanout-bench', version: '0.0.1', engines: { vscode: '^1.90.0' }, main: './extension.js', activationEvents: [] }));
    writeFileSync(path.join(ext, 'extension.js'), 'exports.activate = function () {};\n');
  }
  return extensionsDir;
}
