// One code-server workbench (real VS Code UI in headless chromium) with Fanout loaded from the source tree, a copy
// of the fixture workspace, and the scripted fake model from test/integration/fakeModel.ts behind fanout.baseUrl.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import type { FakeOpenAIServer } from '../fakes/openaiServer';
import { startFakeModel } from '../integration/fakeModel';
import { loadHost, REPO_ROOT, type CodeServer } from '../integration/hostApi';

export interface WorkbenchSession {
  page: Page;
  /** The chat view's document: webviews are an outer iframe (VS Code's host page) around #active-frame. */
  chat: FrameLocator;
  model: FakeOpenAIServer;
  server: CodeServer;
  workspaceDir: string;
  readFile(rel: string): string;
  /** Text of every "Fanout" log file the extension host wrote. */
  fanoutLog(): string;
  stop(): Promise<void>;
}

/** `settings` go over the defaults below; a key set to undefined leaves that setting out (its default applies). */
export async function startWorkbenchSession(options: { env?: Record<string, string>; settings?: Record<string, unknown> } = {}): Promise<WorkbenchSession> {
  const host = await loadHost();
  await host.ensureHost();
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`node esbuild.mjs failed:\n${build.stdout}${build.stderr}`);

  const scratch = mkdtempSync(path.join(tmpdir(), 'fanout-workbench-'));
  const forget = host.onExitCleanup(() => rmSync(scratch, { recursive: true, force: true }));
  const workspaceDir = path.join(scratch, 'workspace');
  cpSync(path.join(REPO_ROOT, 'test/fixtures/workspace'), workspaceDir, { recursive: true });
  const model = await startFakeModel();
  const cleanup = async () => {
    await model.close();
    rmSync(scratch, { recursive: true, force: true });
    forget();
  };
  try {
    const wb = await host.openWorkbench({
      workspaceDir,
      extensionDevelopmentPath: REPO_ROOT,
      env: options.env,
      settings: {
        'fanout.provider': 'openai',
        'fanout.baseUrl': `${model.url}/v1`,
        'fanout.model': 'gpt-fake-e2e',
        'files.autoSave': 'off',
        'workbench.colorTheme': 'Default Dark Modern',
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        ...options.settings,
      },
    });
    // Playwright's 30 s default is too short for a step on a loaded 2-core machine (an Undo after a reload took 18 s at
    // load 16); a timeout here only decides how long a real failure takes to report.
    wb.page.setDefaultTimeout(60_000);
    const chat = wb.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    return {
      page: wb.page,
      chat,
      model,
      server: wb.server,
      workspaceDir,
      readFile: (rel) => readFileSync(path.join(workspaceDir, rel), 'utf8'),
      fanoutLog: () => findFiles(path.join(wb.server.userDataDir, 'logs'), 'Fanout.log').map((f) => readFileSync(f, 'utf8')).join('\n'),
      stop: async () => {
        await wb.stop();
        await cleanup();
      },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

function findFiles(dir: string, name: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const p = path.join(dir, entry);
    return statSync(p).isDirectory() ? findFiles(p, name) : entry === name ? [p] : [];
  });
}

/** Opens the chat from the activity bar, as a user would (see showChat), and waits for the chat's composer. */
export async function openChatFromActivityBar(s: WorkbenchSession): Promise<void> {
  await showChat(s);
  await s.chat.locator('.prompt-input').waitFor({ timeout: 60_000 });
}

/** Types a message into the chat's composer and sends it with Enter. */
export async function sendMessage(s: WorkbenchSession, text: string): Promise<void> {
  const input = s.chat.locator('.prompt-input');
  await input.fill(text);
  await input.press('Enter');
}

/**
 * Shows the chat as a user would: click the Fanout icon while it is not the side bar's view, until the chat is there.
 * One look-then-click is a race after a window reload: the workbench restores the side bar on its own, a little later,
 * and a click that lands after that restore closes the side bar again (seen under load). So look again after each click.
 */
export async function showChat(s: WorkbenchSession, timeoutMs = 120_000): Promise<void> {
  const item = s.page.locator('.activitybar .action-item:has([aria-label="Fanout"])').first();
  const app = s.chat.locator('.app');
  await item.waitFor({ timeout: timeoutMs });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const checked = ((await item.getAttribute('class')) ?? '').split(/\s+/).includes('checked');
    if (!checked) await item.click();
    try {
      await app.waitFor({ timeout: 10_000 });
      return;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`${(e as Error).message}\nthe side bar: ${JSON.stringify(await sideBarState(s.page))}`);
    }
  }
}

/** What the side bar shows, for a failure message: its title, whether it is open, and which activity item is checked. */
async function sideBarState(page: Page): Promise<Record<string, unknown>> {
  return page.evaluate(() => {
    const bar = document.querySelector<HTMLElement>('.part.sidebar');
    return {
      title: bar?.querySelector('.title-label')?.textContent ?? null,
      open: !!bar?.offsetWidth,
      checked: Array.from(document.querySelectorAll('.activitybar .action-item.checked [aria-label]')).map((el) => el.getAttribute('aria-label')),
      webviews: document.querySelectorAll('iframe.webview').length,
    };
  });
}

/** "Developer: Reload Window", as a user would run it; resolves once the reloaded workbench is up again. */
export async function reloadWindow(s: WorkbenchSession): Promise<void> {
  const { runCommandFromPalette } = await loadHost();
  const reloaded = s.page.waitForEvent('load', { timeout: 60_000 });
  await runCommandFromPalette(s.page, 'Developer: Reload Window');
  await reloaded;
  await s.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
}

const SCREENSHOTS_OUT = path.join(REPO_ROOT, 'test-results');
const README_SCREENSHOTS = path.join(REPO_ROOT, 'media/screenshots');

/**
 * The side bar (the chat at the width it has) as a PNG in test-results/; with FANOUT_UPDATE_SCREENSHOTS=1 also over
 * the README's tracked copy in media/screenshots/, so an ordinary test run leaves the working tree clean.
 */
export async function screenshotSidebar(s: WorkbenchSession, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS_OUT, { recursive: true });
  const out = path.join(SCREENSHOTS_OUT, name);
  // The pointer last clicked the activity bar: its tooltip would cover the chat.
  await s.page.mouse.move(900, 450);
  await s.page.locator('.part.sidebar').screenshot({ path: out, style: '.workbench-hover-container, .monaco-hover { display: none !important; }' });
  if (!process.env.FANOUT_UPDATE_SCREENSHOTS) return;
  mkdirSync(README_SCREENSHOTS, { recursive: true });
  copyFileSync(out, path.join(README_SCREENSHOTS, name));
}

/** Polls a condition on the Node side (a file on disk, a request the fake model saw) until it holds. */
export async function waitUntil(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** For an afterEach hook: a failed test leaves a picture of the whole window in test-results/ to look at. */
export async function screenshotOnFailure(s: WorkbenchSession | undefined, test: Mocha.Test | undefined): Promise<void> {
  if (!s || !test || test.state !== 'failed') return;
  mkdirSync(SCREENSHOTS_OUT, { recursive: true });
  const name = `failed-${test.fullTitle().replace(/[^\w]+/g, '-').slice(0, 120)}.png`;
  await s.page.screenshot({ path: path.join(SCREENSHOTS_OUT, name) }).catch(() => undefined);
}
