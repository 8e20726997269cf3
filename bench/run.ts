// `npm run bench` / `npm run bench:quick`: every benchmark of the issue, offline, as side-by-side ratios.
// Prints progress on stderr, a markdown table on stdout, and writes bench/results.json. Exits non-zero only when a
// scenario throws; a missed target is printed as MISS but is not an error (the machine may be the reason).
import { writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchOptions, Row, Scenario } from './lib';
import { fanout } from './scenarios/fanout';
import { loadMemory } from './scenarios/loadMemory';
import { longSession } from './scenarios/longSession';
import { contextSession } from './scenarios/contextSession';
import { packageSize } from './scenarios/packageSize';
import { readMany } from './scenarios/readMany';
import { runCommandMany } from './scenarios/runCommandMany';
import { review, seedReview } from './scenarios/review';
import { reviewBatch } from './scenarios/reviewBatch';
import { sameFileEdits } from './scenarios/sameFileEdits';
import { schedulerOverhead } from './scenarios/schedulerOverhead';
import { searchVsRg } from './scenarios/searchVsRg';
import { streamOverlap } from './scenarios/streamOverlap';
import { subagentSharedFileEdits, subagentSpeedup } from './scenarios/subagents';
import { markdownTable } from './table';

const SCENARIOS: readonly Scenario[] = [fanout, review, seedReview, reviewBatch, streamOverlap, schedulerOverhead, sameFileEdits, subagentSpeedup, subagentSharedFileEdits, searchVsRg, readMany, runCommandMany, longSession, contextSession, loadMemory, packageSize];

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean' }, only: { type: 'string' } } });
  const quick = values.quick ?? false;
  const started = performance.now();
  const loadavgAtStart = Number(os.loadavg()[0].toFixed(2));
  const progress = (m: string) => process.stderr.write(`  ${elapsed(started)} ${m}\n`);
  const options: BenchOptions = { quick, repeats: quick ? 1 : 5, progress };
  const chosen = values.only ? SCENARIOS.filter((s) => s.names.some((n) => n.startsWith(values.only!))) : SCENARIOS;
  if (!chosen.length) throw new Error(`--only ${values.only} matches no benchmark`);
  process.stderr.write(`fanout bench (${quick ? 'quick' : 'full'}): ${chosen.length} scenario(s) on ${machine().cpu}, ${machine().cores} cores, node ${process.version}\n`);

  const rows: Row[] = [];
  let failed = 0;
  for (const [i, s] of chosen.entries()) {
    process.stderr.write(`[${i + 1}/${chosen.length}] ${s.title}\n`);
    try {
      const got = await s.run(options);
      for (const r of got) progress(`${r.name} = ${r.value ?? '—'} ${r.unit} (${r.target}) ${r.status === 'ok' ? 'pass' : r.status}`);
      rows.push(...got);
    } catch (e) {
      failed++;
      const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
      process.stderr.write(`  ERROR in ${s.title}: ${message}\n`);
      for (const name of s.names) rows.push({ name, value: null, unit: '', target: '', pass: false, status: 'error', notes: `ERROR: ${String(e instanceof Error ? e.message : e).split('\n')[0]}` });
    }
  }

  const result = { mode: quick ? 'quick' : 'full', machine: machine(), loadavgAtStart, totalSeconds: Number(((performance.now() - started) / 1000).toFixed(1)), rows };
  writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(result, null, 2)}\n`);
  const misses = rows.filter((r) => r.status === 'MISS' || r.status === 'skipped').map((r) => r.name);
  process.stdout.write(`\n${markdownTable(rows)}\n\n`);
  process.stdout.write(
    `Machine: ${result.machine.cpu}, ${result.machine.cores} cores, node ${result.machine.node}, ${result.machine.date}; ` +
      `load average ${loadavgAtStart} at start, ${result.machine.loadavg1m} at end; ${result.mode} mode, ${result.totalSeconds} s\n`,
  );
  if (misses.length) process.stdout.write(`MISS / SKIPPED: ${misses.join(', ')}\n`);
  if (failed) process.stdout.write(`ERRORS: ${failed} scenario(s) threw; see stderr\n`);
  return failed ? 1 : 0;
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
    // Other work on a shared machine moves absolute timings; the ratios less so. Recorded to read the run by.
    loadavg1m: Number(os.loadavg()[0].toFixed(2)),
  };
}

function elapsed(since: number): string {
  return `[${((performance.now() - since) / 1000).toFixed(1).padStart(5)} s]`;
}

main().then(
  (code) => {
    process.exitCode = code;
    // Everything was closed; if a handle still holds the loop, say so and leave anyway rather than hang CI.
    setTimeout(() => {
      process.stderr.write('bench: a handle kept the process alive after the run; exiting\n');
      process.exit(code);
    }, 5000).unref();
  },
  (e) => {
    process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
