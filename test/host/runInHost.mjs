// Runs extension tests inside a real VS Code extension host: code-server serves the workbench, headless Debian
// chromium (via playwright-core, no browser download) connects to it, which starts the extension host.
// The trigger is the same as @vscode/test-web: the workbench's `payload` URL parameter (honoured only with
// `--vscode-option enable-smoke-test-driver`) plus window.codeAutomationLog / codeAutomationExit hooks.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { format } from 'node:util';
import { ensureHost, CHROMIUM } from './setup.mjs';
import { startCodeServer, onExitCleanup } from './codeServer.mjs';

const verbose = !!process.env.FANOUT_HOST_VERBOSE;

const CHROMIUM_ARGS = [
  '--no-sandbox', // we run as root in CI containers
  '--disable-gpu',
  '--disable-dev-shm-usage', // small /dev/shm in containers
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// codeAutomationLog carries the workbench's own info log next to the extension host's console, untagged, so
// drop known workbench chatter and the harmless errors of an offline workbench (marketplace = open-vsx, GitHub
// auth). Kept narrow on purpose: a test failure mentioning e.g. ECONNREFUSED must still be shown. Matched
// against the start of each formatted message; FANOUT_HOST_VERBOSE=1 shows everything (plus page console).
const NOISE = [
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket/,
  /^Updating additional builtin extensions cache/,
  /^\[(reconnection-grace-time|Service Worker|AgentHost:\w+|AccountPolicyGate|ChatModelSelection|DefaultAccount)\]/,
  /^Canceled: Canceled/, // workbench tearing down the extension host once run() has settled
  /^[^\n]*(open-vsx\.org|marketplace\.visualstudio\.com|extensionquery)/,
  /^Timed out waiting for authentication provider/,
];
const isNoise = (line) => !verbose && NOISE.some((re) => re.test(line));

// Chromium leaves org.chromium.Chromium.* dirs in TMPDIR when killed: give it a private one, removed on close.
async function launchChromium() {
  const { playwrightDir } = await ensureHost();
  const { chromium } = createRequire(path.join(playwrightDir, 'package.json'))('playwright-core');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-chromium-'));
  const rm = () => fs.rmSync(tmp, { recursive: true, force: true });
  const forget = onExitCleanup(rm);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    env: { ...process.env, TMPDIR: tmp },
  });
  browser.on('disconnected', () => (rm(), forget()));
  return browser;
}

// The workbench resolves payload paths against the remote (code-server) authority.
const remoteUri = (port, p) => `vscode-remote://127.0.0.1:${port}${path.resolve(p)}`;

/** workspaceDir: a folder or a .code-workspace file; none => a fresh empty temp folder, deleted afterwards. */
function tmpWorkspace(workspaceDir) {
  if (workspaceDir) return { dir: path.resolve(workspaceDir), cleanup: () => {} };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-ws-'));
  const rm = () => fs.rmSync(dir, { recursive: true, force: true });
  const forget = onExitCleanup(rm); // also on Ctrl-C, where `finally` blocks never run
  return { dir, cleanup: () => (rm(), forget()) };
}

const folderQuery = (dir) => (dir.endsWith('.code-workspace') ? { workspace: dir } : { folder: dir });

// The server's temp dir (and log) is deleted on stop, so show its end when something went wrong.
function logTail(file, lines = 40) {
  try {
    const tail = fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    return `--- code-server log (last ${lines} lines) ---\n${tail}\n---\n`;
  } catch {
    return '';
  }
}

/** The workbench forwards console calls unformatted (mocha sends `'  ✔ %s', title`): format like console does. */
const formatLog = (args) => format(...args);

/**
 * Runs `extensionTestsPath` (a CommonJS module exporting `run(): Promise<void>`, the @vscode/test-electron
 * contract) in the extension host with the extension at `extensionDevelopmentPath` loaded.
 * `resultsFile` is passed to the host as env FANOUT_TEST_RESULTS, for run() to write machine-readable results.
 * @returns {Promise<number>} 0 pass, 1 failure (as reported by the host), 124 timeout, 2 harness failure
 */
export async function runExtensionTests({
  extensionDevelopmentPath,
  extensionTestsPath,
  workspaceDir,
  env = {},
  settings,
  extensionsDir,
  timeoutMs = 120_000,
  resultsFile,
}) {
  const t0 = Date.now();
  const ws = tmpWorkspace(workspaceDir);
  const hostEnv = { ...env, ...(resultsFile ? { FANOUT_TEST_RESULTS: path.resolve(resultsFile) } : {}) };
  let server, browser;
  try {
    server = await startCodeServer({ workspaceDir: ws.dir, env: hostEnv, settings, extensionsDir });
    browser = await launchChromium();
    const page = await browser.newPage();

    let finish;
    const done = new Promise((r) => (finish = r));
    let exited = false; // after exit the workbench only logs its own shutdown
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      if (exited && !verbose) return;
      const line = formatLog(args);
      if (isNoise(line)) return;
      (type === 'error' || type === 'warn' ? process.stderr : process.stdout).write(line + '\n');
    });
    await page.exposeFunction('codeAutomationExit', (code) => {
      exited = true;
      finish({ code });
    });
    page.on('crash', () => finish({ code: 2, why: 'browser page crashed' }));
    server.exited.then(({ code, sig }) => finish({ code: 2, why: `code-server exited (${code ?? sig})` }));
    if (verbose) page.on('console', (m) => process.stderr.write(`[page:${m.type()}] ${m.text()}\n`));

    const payload = [
      ['extensionDevelopmentPath', remoteUri(server.port, extensionDevelopmentPath)],
      ['extensionTestsPath', remoteUri(server.port, extensionTestsPath)],
    ];
    // Generous: on a loaded 2-core machine the first load of the workbench alone has taken over 30 s.
    await page.goto(server.url({ ...folderQuery(ws.dir), payload: JSON.stringify(payload) }), { timeout: 120_000 });

    const timer = setTimeout(() => finish({ code: 124, why: `timed out after ${timeoutMs} ms` }), timeoutMs);
    const { code, why } = await done;
    clearTimeout(timer);
    if (why) process.stderr.write(`[fanout-host] ${why}\n${logTail(server.logFile)}`);
    process.stderr.write(`[fanout-host] extension tests exited with ${code} in ${((Date.now() - t0) / 1000).toFixed(1)}s\n`);
    return code;
  } catch (e) {
    process.stderr.write(`[fanout-host] harness error: ${e.stack || e}\n${server ? logTail(server.logFile) : ''}`);
    return 2;
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop();
    ws.cleanup();
  }
}

/**
 * Opens the workbench with the extension loaded (payload with extensionDevelopmentPath only) for e2e tests that
 * drive the UI with playwright. Resolves once the workbench DOM is up; the extension activates per its
 * activationEvents as usual. Always call stop().
 * @returns {Promise<{ page: import('playwright-core').Page, browser: import('playwright-core').Browser,
 *   server: Awaited<ReturnType<typeof startCodeServer>>, stop: () => Promise<void> }>}
 */
export async function openWorkbench({ workspaceDir, extensionDevelopmentPath, env = {}, settings, extensionsDir }) {
  const ws = tmpWorkspace(workspaceDir);
  let server, browser;
  const stop = async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    ws.cleanup();
  };
  try {
    server = await startCodeServer({ workspaceDir: ws.dir, env, settings, extensionsDir });
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    if (verbose) page.on('console', (m) => process.stderr.write(`[page:${m.type()}] ${m.text()}\n`));
    const query = folderQuery(ws.dir);
    if (extensionDevelopmentPath) {
      query.payload = JSON.stringify([['extensionDevelopmentPath', remoteUri(server.port, extensionDevelopmentPath)]]);
    }
    await page.goto(server.url(query), { timeout: 120_000 });
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    return { page, browser, server, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Runs a command by its palette title, as a user would (e.g. 'Fanout: Start'). Notification *toasts* did not
 *  render in headless chromium here: assert messages via the notification center (click #status.notifications). */
export async function runCommandFromPalette(page, title) {
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}
