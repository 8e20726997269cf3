// A stand-in for the VS Code webview host: serves dist/ and a page with the CSP the extension uses, VS Code's theme
// variables (dark, light, high contrast), and a scripted `acquireVsCodeApi` that records what the view posts.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { HostMessage, WebviewMessage } from '../../src/shared/protocol';

const ROOT = resolve(__dirname, '../..');
const DIST = join(ROOT, 'dist');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };

// Realistic values from VS Code's Dark Modern, Light Modern and High Contrast themes.
const THEMES = {
  'vscode-dark': {
    foreground: '#cccccc',
    descriptionForeground: '#9d9d9d',
    disabledForeground: '#cccccc80',
    errorForeground: '#f85149',
    focusBorder: '#0078d4',
    'icon-foreground': '#cccccc',
    'widget-border': '#313131',
    'widget-shadow': '#0000005c',
    'sideBar-background': '#181818',
    'sideBarSectionHeader-border': '#2b2b2b',
    'panel-border': '#2b2b2b',
    'editor-background': '#1f1f1f',
    'editorWidget-background': '#202020',
    'button-background': '#0078d4',
    'button-foreground': '#ffffff',
    'button-hoverBackground': '#026ec1',
    'button-border': '#ffffff12',
    'button-secondaryBackground': '#313131',
    'button-secondaryForeground': '#cccccc',
    'button-secondaryHoverBackground': '#3c3c3c',
    'badge-background': '#616161',
    'badge-foreground': '#f8f8f8',
    'input-background': '#313131',
    'input-border': '#3c3c3c',
    'input-foreground': '#cccccc',
    'input-placeholderForeground': '#989898',
    'textLink-foreground': '#4daafc',
    'textLink-activeForeground': '#4daafc',
    'textCodeBlock-background': '#2b2b2b',
    'textPreformat-foreground': '#d0d0d0',
    'textBlockQuote-background': '#2b2b2b',
    'textBlockQuote-border': '#616161',
    'toolbar-hoverBackground': '#5a5d5e50',
    'list-hoverBackground': '#2a2d2e',
    'list-focusOutline': '#0078d4',
    'charts-foreground': '#cccccc',
    'charts-lines': '#cccccc80',
    'charts-red': '#f14c4c',
    'charts-blue': '#3794ff',
    'charts-yellow': '#cca700',
    'charts-orange': '#d18616',
    'charts-green': '#89d185',
    'editorWarning-foreground': '#cca700',
    'inputValidation-errorBackground': '#5a1d1d',
    'inputValidation-errorBorder': '#be1100',
    'gitDecoration-addedResourceForeground': '#81b88b',
    'gitDecoration-deletedResourceForeground': '#c74e39',
    'editorSuggestWidget-background': '#202020',
    'editorSuggestWidget-border': '#454545',
    'editorSuggestWidget-foreground': '#cccccc',
    'editorSuggestWidget-selectedBackground': '#04395e',
    'chat-requestBackground': '#ffffff0a',
    'chat-requestBorder': '#ffffff1a',
    'testing-iconPassed': '#73c991',
    'testing-iconFailed': '#f14c4c',
    'charts-purple': '#b180d7',
    'diffEditor-insertedLineBackground': '#9bb95533',
    'diffEditor-removedLineBackground': '#ff000033',
  },
  'vscode-light': {
    foreground: '#3b3b3b',
    descriptionForeground: '#717171',
    disabledForeground: '#61616180',
    errorForeground: '#f85149',
    focusBorder: '#005fb8',
    'icon-foreground': '#3b3b3b',
    'widget-border': '#e5e5e5',
    'widget-shadow': '#00000029',
    'sideBar-background': '#f8f8f8',
    'sideBarSectionHeader-border': '#e5e5e5',
    'panel-border': '#e5e5e5',
    'editor-background': '#ffffff',
    'editorWidget-background': '#ffffff',
    'button-background': '#005fb8',
    'button-foreground': '#ffffff',
    'button-hoverBackground': '#0258a8',
    'button-border': '#0000001a',
    'button-secondaryBackground': '#e5e5e5',
    'button-secondaryForeground': '#3b3b3b',
    'button-secondaryHoverBackground': '#cccccc',
    'badge-background': '#cccccc',
    'badge-foreground': '#3b3b3b',
    'input-background': '#ffffff',
    'input-border': '#cecece',
    'input-foreground': '#3b3b3b',
    'input-placeholderForeground': '#767676',
    'textLink-foreground': '#005fb8',
    'textLink-activeForeground': '#005fb8',
    'textCodeBlock-background': '#f0f0f0',
    'textPreformat-foreground': '#3b3b3b',
    'textBlockQuote-background': '#f8f8f8',
    'textBlockQuote-border': '#e5e5e5',
    'toolbar-hoverBackground': '#b8b8b850',
    'list-hoverBackground': '#f2f2f2',
    'list-focusOutline': '#005fb8',
    'charts-foreground': '#616161',
    'charts-lines': '#61616180',
    'charts-red': '#e51400',
    'charts-blue': '#1a85ff',
    'charts-yellow': '#bf8803',
    'charts-orange': '#d18616',
    'charts-green': '#388a34',
    'editorWarning-foreground': '#bf8803',
    'inputValidation-errorBackground': '#f2dede',
    'inputValidation-errorBorder': '#be1100',
    'gitDecoration-addedResourceForeground': '#587c0c',
    'gitDecoration-deletedResourceForeground': '#ad0707',
    'editorSuggestWidget-background': '#f8f8f8',
    'editorSuggestWidget-border': '#c8c8c8',
    'editorSuggestWidget-foreground': '#3b3b3b',
    'editorSuggestWidget-selectedBackground': '#e8e8e8',
    'chat-requestBackground': '#0000000a',
    'chat-requestBorder': '#0000001a',
    'testing-iconPassed': '#388a34',
    'testing-iconFailed': '#f14c4c',
    'charts-purple': '#652d90',
    'diffEditor-insertedLineBackground': '#9bb95533',
    'diffEditor-removedLineBackground': '#ff000033',
  },
  'vscode-high-contrast': {
    foreground: '#ffffff',
    descriptionForeground: '#ffffffb3',
    disabledForeground: '#a5a5a5',
    errorForeground: '#f48771',
    focusBorder: '#f38518',
    contrastBorder: '#6fc3df',
    contrastActiveBorder: '#f38518',
    'icon-foreground': '#ffffff',
    'widget-border': '#6fc3df',
    'sideBar-background': '#000000',
    'sideBarSectionHeader-border': '#6fc3df',
    'panel-border': '#6fc3df',
    'editor-background': '#000000',
    'editorWidget-background': '#0c141f',
    'button-background': '#000000',
    'button-foreground': '#ffffff',
    'button-border': '#6fc3df',
    'button-secondaryBackground': '#000000',
    'button-secondaryForeground': '#ffffff',
    'badge-background': '#000000',
    'badge-foreground': '#ffffff',
    'input-background': '#000000',
    'input-border': '#6fc3df',
    'input-foreground': '#ffffff',
    'input-placeholderForeground': '#ffffffb3',
    'textLink-foreground': '#21a6ff',
    'textLink-activeForeground': '#21a6ff',
    'textCodeBlock-background': '#000000',
    'textPreformat-foreground': '#ffffff',
    'textBlockQuote-border': '#ffffff',
    'charts-foreground': '#ffffff',
    'charts-lines': '#ffffff80',
    'charts-red': '#f14c4c',
    'charts-blue': '#3794ff',
    'charts-yellow': '#cca700',
    'charts-orange': '#d18616',
    'charts-green': '#89d185',
    'editorWarning-foreground': '#fff50a',
    'inputValidation-errorBackground': '#000000',
    'inputValidation-errorBorder': '#f48771',
    'gitDecoration-addedResourceForeground': '#a1e3ad',
    'gitDecoration-deletedResourceForeground': '#c74e39',
    'editorSuggestWidget-background': '#000000',
    'editorSuggestWidget-border': '#6fc3df',
    'editorSuggestWidget-foreground': '#ffffff',
    'testing-iconPassed': '#73c991',
    'testing-iconFailed': '#f14c4c',
    'charts-purple': '#b180d7',
  },
} as const;

export type ThemeClass = keyof typeof THEMES;

const FONTS = {
  'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  'font-size': '13px',
  'font-weight': 'normal',
  'editor-font-family': '"Droid Sans Mono", "DejaVu Sans Mono", monospace',
  'editor-font-size': '12px',
};

function themeCss(): string {
  const vars = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `--vscode-${k}: ${v};`).join(' ');
  return [`:root { ${vars(FONTS)} }`, ...Object.entries(THEMES).map(([cls, v]) => `body.${cls} { ${vars(v)} }`)].join('\n');
}

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
