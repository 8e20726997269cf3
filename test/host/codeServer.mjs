// Starts a throwaway code-server (real VS Code server + Node extension host) for one test run.
// Everything it writes lives in a fresh temp dir; the whole process group is killed afterwards, because a
// leftover server on a reused port would silently answer the next run.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureHost } from './setup.mjs';

const verbose = !!process.env.FANOUT_HOST_VERBOSE;

// --- always-clean registry: synchronous cleanups still pending, run on any exit of this process ----------
const cleanups = new Set();
function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    /* ESRCH: already gone */
  }
}
function cleanupAllSync() {
  for (const fn of cleanups) {
    try {
      fn();
    } catch {
      /* best effort while exiting */
    }
  }
  cleanups.clear();
}
/** Registers a synchronous cleanup that runs if the process exits (normally, by exception or by signal)
 *  before the returned `done()` is called. */
export function onExitCleanup(fn) {
  hookProcessExit();
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}
const rmTmp = (dir) => process.env.FANOUT_HOST_KEEP_TMP || fs.rmSync(dir, { recursive: true, force: true });

// Quiet, offline-friendly defaults; the caller's settings win. Chat/AI and the welcome page add UI and log noise.
export const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'workbench.enableExperiments': false,
};

let hooked = false;
function hookProcessExit() {
  if (hooked) return;
  hooked = true;
  process.on('exit', cleanupAllSync); // also runs after an uncaught exception
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    // A handler replaces the default "die", so exit ourselves with the conventional code.
    process.once(sig, () => {
      cleanupAllSync();
      process.exit(128 + os.constants.signals[sig]);
    });
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Env for the server: ours minus VS Code's own IPC variables (when run from a VS Code terminal they would
 *  make code-server talk to the outer editor), plus the caller's additions, which reach the extension host. */
function serverEnv(extra) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VSCODE_|ELECTRON_RUN_AS_NODE$)/.test(k)));
  return { ...env, ...extra };
}

/** Installs a packaged extension into extensionsDir (created if missing). Throws with code-server's output. */
export async function installVsix(vsixPath, extensionsDir) {
  const { nodeBin, codeServerBin } = await ensureHost();
  fs.mkdirSync(extensionsDir, { recursive: true });
  const r = spawnSync(nodeBin, [codeServerBin, '--extensions-dir', extensionsDir, '--install-extension', path.resolve(vsixPath)], {
    encoding: 'utf8',
    env: serverEnv({}),
  });
  if (r.status !== 0) throw new Error(`install-extension failed (${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/**
 * @param {{ workspaceDir?: string, env?: Record<string,string>, extensionsDir?: string, settings?: object }} opts
 *   settings: merged over DEFAULT_SETTINGS into <user-data-dir>/User/settings.json, where code-server reads
 *   user settings (verified: workspace.getConfiguration in the extension host sees them).
 * @returns {Promise<{ port: number, url: (query?: object|string) => string, stop: () => Promise<void>,
 *   exited: Promise<{code, sig}>, tmpDir: string, userDataDir: string, extensionsDir: string, logFile: string }>}
 */
export async function startCodeServer({ workspaceDir, env = {}, extensionsDir, settings } = {}) {
  const { nodeBin, codeServerBin } = await ensureHost();
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-cs-'));
  const userDataDir = path.join(tmpDir, 'user-data');
  const extDir = extensionsDir ? path.resolve(extensionsDir) : path.join(tmpDir, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extDir, { recursive: true }); // code-server refuses a missing extensions dir
  const userSettings = { ...DEFAULT_SETTINGS, ...settings };
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));

  const port = await freePort();
  // An explicit --config keeps code-server away from ~/.config/code-server (and from generating a password).
  const config = path.join(tmpDir, 'config.yaml');
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [
    codeServerBin,
    '--config', config,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    // Lets the built workbench honour the `payload` URL parameter (extensionDevelopmentPath/extensionTestsPath).
    // A bare --enable-smoke-test-driver is rejected by code-server's CLI parser.
    '--vscode-option', 'enable-smoke-test-driver',
  ];
  if (workspaceDir) args.push(path.resolve(workspaceDir));

  // VS Code drops IPC sockets (vscode-ipc-*.sock, vscode-git-*.sock) into TMPDIR and never removes them when
  // killed; a private TMPDIR goes away with tmpDir. The extension host (tests) inherits it; caller's env wins.
  const serverTmp = path.join(tmpDir, 'tmp');
  fs.mkdirSync(serverTmp);

  const logFile = path.join(tmpDir, 'code-server.log');
  const out = fs.openSync(logFile, 'a');
  // detached => own process group, so stop() reaches the extension host, pty host and file watchers too.
  const child = spawn(nodeBin, args, { env: serverEnv({ TMPDIR: serverTmp, ...env }), detached: true, stdio: ['ignore', 'pipe', out] });
  fs.closeSync(out); // the child holds its own copy
  const forget = onExitCleanup(() => {
    killGroup(child.pid, 'SIGKILL');
    rmTmp(tmpDir);
  });
  let exited = null;
  const exitedP = new Promise((r) => child.on('exit', (code, sig) => r((exited = { code, sig }))));

  // "HTTP server listening on" proves that *our* process owns the port (not some earlier leftover).
  let listening = false;
  child.stdout.on('data', (buf) => {
    fs.appendFileSync(logFile, buf);
    if (verbose) process.stderr.write(buf);
    if (!listening && buf.toString().includes('HTTP server listening on')) listening = true;
  });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    killGroup(child.pid, 'SIGTERM');
    await Promise.race([exitedP, new Promise((r) => setTimeout(r, 5000))]);
    killGroup(child.pid, 'SIGKILL'); // stragglers in the group (extension host) even if the main process left
    rmTmp(tmpDir);
    forget();
  };

  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (exited) throw new Error(`code-server exited early (${exited.code ?? exited.sig})`);
      if (Date.now() > deadline) throw new Error('code-server did not become healthy within 60s');
      if (listening) {
        const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
        if (ok) break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
    await stop();
    throw new Error(`${e.message}\n--- code-server log tail ---\n${tail}`);
  }

  const url = (query = {}) => {
    const qs = typeof query === 'string' ? query : new URLSearchParams(query).toString();
    return `http://127.0.0.1:${port}/${qs ? `?${qs}` : ''}`;
  };
  return { port, url, stop, exited: exitedP, tmpDir, userDataDir, extensionsDir: extDir, logFile };
}
