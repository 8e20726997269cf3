// activation_ms in a real extension host: test/host's code-server harness loads the extension from the working tree
// and runs bench/host/activation.js inside the host, which times `activate()`. An extension activates once per host,
// so each sample is a host of its own: the median of three. Only in full mode (a host run takes 10-30 s) and only
// when the harness is installed; otherwise the row says why it has no value. Target (issue 15): under 100 ms.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { checked, median, reported, type Row } from '../lib';

const ROOT = path.join(__dirname, '../..');
const HOST = path.join(ROOT, 'test/host');
const SAMPLES = 3;

export async function hostActivation(quick: boolean, progress: (m: string) => void): Promise<Row> {
  const none = (why: string) => reported('activation_ms', null, 'ms', `measured in a real extension host (full mode); ${why}`);
  if (quick) return none('not run in quick mode (a host start takes 10-30 s)');
  if (!existsSync(path.join(HOST, 'runInHost.mjs')) || !existsSync(path.join(HOST, 'setup.mjs'))) return none('test/host harness not present');
  const setup = (await import(pathToFileURL(path.join(HOST, 'setup.mjs')).href)) as { hostCacheDir(): string };
  if (!existsSync(path.join(setup.hostCacheDir(), '.installed.json'))) return none('host not installed here (node test/host/setup.mjs installs it)');
  if (!existsSync(path.join(ROOT, 'dist/extension.js'))) return none('no dist/extension.js to load');

  const { runExtensionTests } = (await import(pathToFileURL(path.join(HOST, 'runInHost.mjs')).href)) as {
    runExtensionTests(o: { extensionDevelopmentPath: string; extensionTestsPath: string; resultsFile: string; timeoutMs: number }): Promise<number>;
  };
  const dir = mkdtempSync(path.join(tmpdir(), 'fanout-bench-host-'));
  // The host's console goes to stdout; keep stdout for the results table.
  const write = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  try {
    const samples: number[] = [];
    const own: string[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      progress(`activation_ms: starting a real extension host (code-server + headless chromium), ${i + 1} of ${SAMPLES}...`);
      const resultsFile = path.join(dir, `activation-${i}.json`);
      const code = await runExtensionTests({ extensionDevelopmentPath: ROOT, extensionTestsPath: path.join(__dirname, '../host/activation.js'), resultsFile, timeoutMs: 180_000 });
      if (code !== 0 || !existsSync(resultsFile)) return none(`the host run failed (exit ${code}); see stderr`);
      const result = JSON.parse(readFileSync(resultsFile, 'utf8')) as { wasActive: boolean; activationMs: number | null; ownMs: number | null; modulesMs: number | null };
      if (result.activationMs === null) return none('the extension was already active when the test started (activated at startup), so it could not be timed');
      samples.push(result.activationMs);
      if (result.ownMs !== null && result.modulesMs !== null) own.push(`${result.modulesMs.toFixed(1)} + ${result.ownMs.toFixed(1)}`);
    }
    return checked('activation_ms', median(samples), 'ms', '<', 100,
      `ext.activate() in a code-server extension host (Node 24), extension loaded from the working tree; median of ${SAMPLES} hosts (${samples.map((ms) => ms.toFixed(0)).join(', ')} ms)` +
        (own.length ? `; of which Fanout's own module evaluation + activate() body, as it logs: ${own.join(', ')} ms (the rest is VS Code loading the file and setting up the extension's context)` : ''));
  } finally {
    process.stdout.write = write;
    rmSync(dir, { recursive: true, force: true });
  }
}
