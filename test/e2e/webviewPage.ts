// A stand-in for the VS Code webview host: serves dist/ and a page with the CSP the extension uses, VS Code's theme
// variables (dark, light, high contrast), and a scripted `acquireVsCodeApi` that records what the view posts.
// `useWebviewPage` gives a suite its browser and a fresh page per test, checked for CSP violations and console errors.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { HostMessage, WebviewMessage } from '../../src/shared/protocol';
import { themeCss, type ThemeClass } from './webviewThemes';

export type { ThemeClass } from './webviewThemes';

const ROOT = resolve(__dirname, '../..');
const DIST = join(ROOT, 'dist');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface WebviewHost {
  origin: string;
  close(): Promise<void>;
}

export async function startWebviewHost(): Promise<WebviewHost> {
  let origin = '';
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', origin);
      if (url.pathname === '/') {
        const nonce = randomBytes(16).toString('base64');
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(pageHtml(origin, nonce));
        return;
      }
      if (url.pathname === '/favicon.ico') {
        // The browser asks for it on its own (a VS Code webview never does); a 404 would read as a page error.
        res.writeHead(204).end();
        return;
      }
      const file = normalize(join(ROOT, decodeURIComponent(url.pathname)));
      if (!file.startsWith(DIST + '/')) {
        res.writeHead(404).end();
        return;
      }
      try {
        const body = await readFile(file);
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The same policy the extension sets: scripts only by nonce, styles and fonts only from the extension's origin. */
export function csp(origin: string, nonce: string): string {
  return `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${origin} 'nonce-${nonce}'; font-src ${origin}; img-src ${origin} data:`;
}

function pageHtml(origin: string, nonce: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp(origin, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${nonce}">${themeCss()}</style>
<link rel="stylesheet" href="${origin}/dist/codicons/codicon.css">
<link rel="stylesheet" href="${origin}/dist/webview.css">
<script nonce="${nonce}">
  window.__posted = [];
  window.__violations = [];
  // __state is left alone: a test may seed it (addInitScript) to play a view restored by VS Code.
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber));
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi may only be called once');
    acquired = true;
    return {
      postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
      getState: () => window.__state,
      setState: (s) => { window.__state = JSON.parse(JSON.stringify(s)); },
    };
  };
</script>
</head>
<body class="vscode-dark">
<script nonce="${nonce}" src="${origin}/dist/webview.js"></script>
</body>
</html>`;
}

// ---------- helpers for tests ----------

declare global {
  interface Window {
    __posted: WebviewMessage[];
    __violations: string[];
    __state: unknown;
  }
}

export async function sendHost(page: Page, ...messages: (HostMessage | unknown)[]): Promise<void> {
  await page.evaluate((ms) => {
    for (const m of ms) window.postMessage(m, '*');
  }, messages);
}

export function posted(page: Page): Promise<WebviewMessage[]> {
  return page.evaluate(() => window.__posted);
}

/** Waits until the view has posted a message of this type, and returns the last such message. */
export async function waitForPosted<T extends WebviewMessage['type']>(page: Page, type: T, count = 1): Promise<Extract<WebviewMessage, { type: T }>> {
  await page.waitForFunction(([t, n]) => window.__posted.filter((m) => m.type === t).length >= n, [type, count] as const);
  const all = (await posted(page)).filter((m) => m.type === type);
  return all[all.length - 1] as Extract<WebviewMessage, { type: T }>;
}

export async function setTheme(page: Page, theme: ThemeClass): Promise<void> {
  await page.evaluate((t) => {
    document.body.classList.remove('vscode-dark', 'vscode-light', 'vscode-high-contrast');
    document.body.classList.add(t);
  }, theme);
}

export interface Viewport {
  width: number;
  height: number;
}

export interface WebviewPageOptions {
  /** The page opened before each test; `false` opens none: each test calls `open` with its own viewport. */
  viewport?: Viewport | false;
  /** Lets the page use the clipboard (copy buttons). */
  clipboard?: boolean;
}

export interface WebviewPage {
  /** The page of the running test. */
  readonly page: Page;
  /** Console warnings of the running test's page. */
  readonly warnings: string[];
  /** Opens the running test's page (the suite opened none), at this viewport, once the view said ready. */
  open(viewport: Viewport): Promise<Page>;
}

// Every suite in the run loads the same bundle: build it once (only the webview, with the project's esbuild config).
let built: Promise<unknown> | undefined;
const buildWebview = () => (built ??= promisify(execFile)(process.execPath, ['esbuild.mjs', 'webview'], { cwd: ROOT }));

/**
 * Mocha hooks for a suite of webview tests: one browser and page host for the suite, a fresh context and page for each
 * test. Every test doubles as a CSP and console check: nothing the view does may need 'unsafe-inline' or another
 * origin, log an error or fail a request.
 */
export function useWebviewPage(options: WebviewPageOptions = {}): WebviewPage {
  const viewport = options.viewport ?? { width: 420, height: 860 };
  let browser: Browser;
  let host: WebviewHost;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let errors: string[] = [];
  let warnings: string[] = [];

  async function open(size: Viewport): Promise<Page> {
    if (context) throw new Error('this test already has a page');
    context = await browser.newContext({ viewport: size });
    if (options.clipboard) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: host.origin });
    const opened = await context.newPage();
    page = opened;
    opened.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
      if (m.type() === 'warning') warnings.push(m.text());
    });
    opened.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    opened.on('response', (r) => {
      if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${r.url()}`);
    });
    await opened.goto(host.origin);
    await waitForPosted(opened, 'ready');
    return opened;
  }

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    await buildWebview();
    host = await startWebviewHost();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await host?.close();
  });

  beforeEach(async () => {
    errors = [];
    warnings = [];
    if (viewport) await open(viewport);
  });

  afterEach(async () => {
    const closing = context;
    const opened = page;
    context = undefined;
    page = undefined;
    if (!closing || !opened) return;
    let violations: string[];
    try {
      violations = await opened.evaluate(() => window.__violations);
    } finally {
      await closing.close();
    }
    assert.deepEqual(violations, [], 'CSP violations');
    assert.deepEqual(errors, [], 'console errors');
  });

  return {
    get page() {
      if (!page) throw new Error('no page: the suite opens none (viewport: false) and the test has not called open');
      return page;
    },
    get warnings() {
      return warnings;
    },
    open,
  };
}
