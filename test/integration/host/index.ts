// Loaded by the extension host (the @vscode/test-electron contract: `run(): Promise<void>`, reject = failure).
// Runs every compiled *.test.js next to this file with mocha and writes machine-readable results for the driver.
import { readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { recoverAfterFailure } from './helpers';
import type { TestResults } from './results';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec', grep: process.env.FANOUT_TEST_GREP });
  // Activation first: the other suites assume the extension is up.
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort((a, b) => Number(b.startsWith('activation')) - Number(a.startsWith('activation')) || a.localeCompare(b));
  for (const f of files) mocha.addFile(path.join(__dirname, f));

  const results: TestResults = { stats: { passes: 0, failures: 0, pending: 0, durationMs: 0 }, tests: [], failures: [] };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      results.stats = { passes: runner.stats?.passes ?? 0, failures, pending: runner.stats?.pending ?? 0, durationMs: runner.stats?.duration ?? 0 };
      if (process.env.FANOUT_TEST_RESULTS) writeFileSync(process.env.FANOUT_TEST_RESULTS, JSON.stringify(results, null, 2));
      if (failures) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
    runner.on('test end', (t) => {
      results.tests.push({ fullTitle: t.fullTitle(), state: t.state ?? 'pending', durationMs: t.duration ?? 0 });
    });
    runner.on('fail', (t, err: Error) => {
      results.failures.push({ fullTitle: t.fullTitle(), error: err.stack ?? String(err) });
      recoverAfterFailure();
    });
  });
}
