// search_vs_rg: search_workspace (the tool on a NodeWorkspace) against the bare ripgrep binary with the same query
// and the very same argv, on a generated tree of 50k files (5k in quick mode). The figure is tool / rg.
import * as childProcess from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import { findRipgrep } from '../../src/node/ripgrep';
import { searchWorkspace } from '../../src/tools/searchWorkspace';
import { testContext } from '../../test/fakes/fakeTools';
import { checked, fmtMs, median, repeat, skipped, timed, type Scenario } from '../lib';

const NEEDLE = 'fanoutBenchNeedle';
/** One file in this many holds the needle: few enough matches that both sides walk the whole tree. */
const NEEDLE_EVERY = 250;
const MAX_RESULTS = 2000;

export const searchVsRg: Scenario = {
  title: 'search_workspace vs raw ripgrep',
  names: ['search_vs_rg'],
  async run({ quick, repeats, progress }) {
    const rg = findRipgrep();
    if (!rg) return [skipped('search_vs_rg', 'x', '<= 1.3', 'no ripgrep binary (FANOUT_RG_PATH, @vscode/ripgrep or `rg` on PATH); install it: apt-get install -y ripgrep')];
    const files = quick ? 5_000 : 50_000;
    const root = mkdtempSync(path.join(tmpdir(), 'fanout-bench-search-'));
    try {
      const gen = await timed(async () => writeTree(root, files));
      progress(`search_vs_rg: generated ${files.toLocaleString('en-US')} files in ${fmtMs(gen.ms)}`);
      const workspace = await NodeWorkspace.open(root, { ripgrep: rg });
      const ctx = { ...testContext(workspace), signal: new AbortController().signal };
      const input = { query: NEEDLE, maxResults: MAX_RESULTS };
      const tool = async () => {
        const text = await searchWorkspace.execute(input, ctx);
        return text.split('\n').filter((l) => l.includes(NEEDLE)).length;
      };
      const argv = await capturedArgv(tool);
      const raw = () => runRg(rg, root, argv);

      const expected = Math.ceil(files / NEEDLE_EVERY);
      // Warm the page cache and both code paths once; then alternate so drift hits both sides alike.
      for (const [label, count] of [['tool', await tool()], ['rg', await raw()]] as const) {
        if (count !== expected) throw new Error(`${label} found ${count} matches, expected ${expected}`);
      }
      const runs = await repeat(Math.max(repeats, 3), async () => ({ tool: (await timed(tool)).ms, rg: (await timed(raw)).ms }));
      const toolMs = median(runs.map((r) => r.tool));
      const rgMs = median(runs.map((r) => r.rg));
      progress(`search_vs_rg: tool ${fmtMs(toolMs)}, rg ${fmtMs(rgMs)}`);
      return [
        checked('search_vs_rg', median(runs.map((r) => r.tool / r.rg)), 'x', '<=', 1.3,
          `${files.toLocaleString('en-US')} files, ${expected} matches; tool ${fmtMs(toolMs)} vs rg ${fmtMs(rgMs)} (${path.basename(rg)} ${argv.join(' ')}); median of ${runs.length}`),
      ];
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
};

/** Nested folders of 100 source files each; every NEEDLE_EVERY-th file mentions the needle once. */
function writeTree(root: string, files: number): void {
  for (let i = 0; i < files; i++) {
    const dir = path.join(root, `pkg${Math.floor(i / 1000)}`, `mod${Math.floor(i / 100) % 10}`);
    if (i % 100 === 0) mkdirSync(dir, { recursive: true });
    const lines = Array.from({ length: 24 }, (_, l) => `export const value${l} = compute(${i}, ${l}); // line ${l} of file ${i}`);
    if (i % NEEDLE_EVERY === 0) lines[12] = `export const ${NEEDLE} = ${i};`;
    writeFileSync(path.join(dir, `file${i}.ts`), `${lines.join('\n')}\n`);
  }
}

/**
 * The argv the workspace really gives ripgrep, recorded from one search, so the raw run uses the same flags even as
 * src/node/ripgrep.ts changes them.
 */
async function capturedArgv(search: () => Promise<unknown>): Promise<string[]> {
  // The module object itself (not an ESM namespace copy), which ripgrep.ts reads `spawn` from at call time.
  const cp = require('node:child_process') as { spawn: (...a: unknown[]) => unknown };
  const original = cp.spawn;
  let argv: string[] | undefined;
  cp.spawn = (cmd: unknown, args: unknown, ...rest: unknown[]) => {
    argv ??= [...(args as string[])];
    return original(cmd, args, ...rest);
  };
  try {
    await search();
  } finally {
    cp.spawn = original;
  }
  if (!argv) throw new Error('search_workspace did not spawn ripgrep; cannot compare with it');
  return argv;
}

/** ripgrep alone: spawn, read all output, count match events. */
function runRg(rg: string, cwd: string, argv: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = childProcess.spawn(rg, argv, { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 && code !== 1) return reject(new Error(`rg exited ${code}`));
      resolve(Buffer.concat(chunks).toString('utf8').split('\n').filter((l) => l.startsWith('{"type":"match"')).length);
    });
  });
}
