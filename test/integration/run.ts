// npm run test:integration — the Fanout extension inside a real VS Code extension host (code-server, see test/host).
//   1. builds the extension and packages the VSIX, installs it into a fresh extensions dir (so what runs is what
//      ships); `--dev` loads the source tree with extensionDevelopmentPath instead (faster while iterating);
//   2. compiles test/integration/host/*.ts (mocha suites that run inside the host) to out/integration/;
//   3. copies test/fixtures/workspace to a temp folder, starts the scripted fake model (fakeModel.ts) here,
//      points `fanout.baseUrl` at it and runs the suites in ONE host start;
//   4. prints the results and exits non-zero on any failure. The host's process group and every temp dir are
//      removed even when something throws (test/host registers exit hooks).
// Flags: --dev, --grep <regexp> (mocha grep inside the host).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { startFakeModel, startWireEndpoint } from './fakeModel';
import { loadHost, REPO_ROOT } from './hostApi';
import type { TestResults } from './host/results';

const argv = process.argv.slice(2);
const dev = argv.includes('--dev');
const grep = argv.includes('--grep') ? argv[argv.indexOf('--grep') + 1] : undefined;
/** The key the extension falls back to (OPENAI_API_KEY); long enough for the log redactor to know it. */
const ENV_KEY = 'sk-fanout-env-key-8c1f2e';

const OUT = path.join(REPO_ROOT, 'out/integration');
const t0 = Date.now();
const since = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const say = (msg: string): void => void process.stderr.write(`[integration ${since()}] ${msg}\n`);

function sh(command: string, args: string[]): void {
  const r = spawnSync(command, args, { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
}

/** The host-side suites, bundled as CommonJS: the host `require`s index.js, which loads the rest through mocha. */
async function compileHostTests(): Promise<string> {
  rmSync(OUT, { recursive: true, force: true });
  const dir = path.join(REPO_ROOT, 'test/integration/host');
  const entryPoints = readdirSync(dir).filter((f) => f === 'index.ts' || f.endsWith('.test.ts')).map((f) => path.join(dir, f));
  await esbuild.build({
    entryPoints,
    outdir: OUT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    // mocha is loaded from node_modules (its reporters require files dynamically); `vscode` is the host's.
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return path.join(OUT, 'index.js');
}

/** `npm run package` (production build + vsce), then a fresh extensions dir with the VSIX installed. */
async function packageAndInstall(host: Awaited<ReturnType<typeof loadHost>>, scratch: string): Promise<string> {
  const version = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version as string;
  const vsix = path.join(REPO_ROOT, `fanout-${version}.vsix`);
  rmSync(vsix, { force: true });
  sh('npm', ['run', 'package']);
  if (!existsSync(vsix)) throw new Error(`npm run package did not produce ${vsix}`);
  const extensionsDir = path.join(scratch, 'extensions');
  await host.installVsix(vsix, extensionsDir);
  return extensionsDir;
}

/** With the VSIX installed, the payload still needs a development extension: a minimal one that only declares the test language-model vendor (`fanout-test`) the vscode-lm suite registers. */
function runnerExtension(scratch: string): string {
  const dir = path.join(scratch, 'runner-extension');
  cpSync(path.join(REPO_ROOT, 'test/fixtures/runner-extension'), dir, { recursive: true });
  return dir;
}

function printResults(results: TestResults | undefined): void {
  if (!results) return say('no results file was written (the suite did not load or the host died)');
  for (const t of results.tests) process.stdout.write(`  ${t.state === 'passed' ? '✔' : t.state === 'failed' ? '✘' : '-'} ${t.fullTitle} (${t.durationMs} ms)\n`);
  for (const f of results.failures) process.stdout.write(`\n✘ ${f.fullTitle}\n${f.error}\n`);
  const { passes, failures, pending } = results.stats;
  process.stdout.write(`\n${passes} passing, ${failures} failing, ${pending} pending\n`);
}

async function main(): Promise<number> {
  const host = await loadHost();
  await host.ensureHost();
  say('host ready');
  const scratch = mkdtempSync(path.join(tmpdir(), 'fanout-integration-'));
  const forget = host.onExitCleanup(() => rmSync(scratch, { recursive: true, force: true }));
  const model = await startFakeModel();
  const wire = await startWireEndpoint(model);
  try {
    let extensionDevelopmentPath = REPO_ROOT;
    let extensionsDir: string | undefined;
    if (dev) {
      sh(process.execPath, ['esbuild.mjs']);
      say('extension built (--dev: loaded from the source tree)');
    } else {
      extensionsDir = await packageAndInstall(host, scratch);
      extensionDevelopmentPath = runnerExtension(scratch);
      say('VSIX packaged and installed');
    }
    const testsPath = await compileHostTests();
    const workspaceDir = path.join(scratch, 'workspace');
    cpSync(path.join(REPO_ROOT, 'test/fixtures/workspace'), workspaceDir, { recursive: true });
    const resultsFile = path.join(scratch, 'results.json');
    const code = await host.runExtensionTests({
      extensionDevelopmentPath,
      extensionTestsPath: testsPath,
      extensionsDir,
      workspaceDir,
      resultsFile,
      // A backstop for a host that hangs, not a speed check: each test has its own mocha timeout, and on a loaded
      // 2-core machine the whole suite (~2.5 min quiet) once took over 4 min.
      timeoutMs: 900_000,
      env: {
        OPENAI_API_KEY: ENV_KEY,
        FANOUT_WIRE_URL: wire.url,
        FANOUT_EXPECT_INSTALL: dev ? REPO_ROOT : extensionsDir!,
        ...(grep ? { FANOUT_TEST_GREP: grep } : {}),
      },
      settings: {
        'fanout.provider': 'openai',
        'fanout.baseUrl': `${model.url}/v1`,
        'fanout.model': 'gpt-fake-integration',
        // The browser workbench defaults to saving after a delay; desktop VS Code (what users run) does not, and
        // the tests about unsaved editor text need a buffer that stays unsaved.
        'files.autoSave': 'off',
        // These tests check order and outcomes, not speed: on a starved 2-core CI machine the extension host went
        // unresponsive long enough that an edit's save passed the default 30 s and was stopped.
        'fanout.toolTimeoutSeconds': 120,
      },
    });
    const results = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as TestResults) : undefined;
    printResults(results);
    writeFileSync(path.join(OUT, 'results.json'), JSON.stringify(results ?? null, null, 2));
    say(`done: host exit ${code}, ${model.chatRequests.length} model requests served`);
    if (code !== 0) return code;
    if (!results || results.stats.failures > 0 || results.stats.passes === 0) return 1;
    return 0;
  } finally {
    await wire.close();
    await model.close();
    rmSync(scratch, { recursive: true, force: true });
    forget();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`[integration] ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(2);
  },
);
