// One code-server workbench (real VS Code UI in headless chromium) with Fanout loaded from the source tree, a copy
// of the fixture workspace, and the scripted fake model from test/integration/fakeModel.ts behind fanout.baseUrl.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
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

/** Clicks the Fanout icon in the activity bar, as a user would, and waits for the chat's composer. */
export async function openChatFromActivityBar(s: WorkbenchSession): Promise<void> {
  await s.page.locator('.activitybar [aria-label="Fanout"]').first().click({ timeout: 90_000 });
  await s.chat.locator('.prompt-input').waitFor({ timeout: 60_000 });
}

/** Types a message into the chat's composer and sends it with Enter. */
export async function sendMessage(s: WorkbenchSession, text: string): Promise<void> {
  const input = s.chat.locator('.prompt-input');
  await input.fill(text);
  await input.press('Enter');
}
