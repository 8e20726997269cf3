// Typed access to test/host (plain .mjs without declarations): loaded through a computed specifier so the type
// checker does not chase the untyped module, and described here by the parts we use.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';

export const REPO_ROOT = path.resolve(__dirname, '../..');

export interface HostPaths {
  nodeBin: string;
  codeServerBin: string;
  playwrightDir: string;
  cacheDir: string;
}

export interface CodeServer {
  port: number;
  userDataDir: string;
  extensionsDir: string;
  logFile: string;
  stop(): Promise<void>;
}

export interface HostOptions {
  workspaceDir?: string;
  env?: Record<string, string>;
  settings?: Record<string, unknown>;
  extensionsDir?: string;
}

export interface HostApi {
  ensureHost(): Promise<HostPaths>;
  installVsix(vsix: string, extensionsDir: string): Promise<string>;
  onExitCleanup(fn: () => void): () => void;
  runExtensionTests(
    options: HostOptions & { extensionDevelopmentPath: string; extensionTestsPath: string; timeoutMs?: number; resultsFile?: string },
  ): Promise<number>;
  openWorkbench(options: HostOptions & { extensionDevelopmentPath?: string }): Promise<{ page: Page; browser: Browser; server: CodeServer; stop(): Promise<void> }>;
  runCommandFromPalette(page: Page, title: string): Promise<void>;
}

const load = (file: string): Promise<Record<string, unknown>> => import(pathToFileURL(path.join(REPO_ROOT, 'test/host', file)).href);

export async function loadHost(): Promise<HostApi> {
  const [setup, codeServer, runInHost] = await Promise.all([load('setup.mjs'), load('codeServer.mjs'), load('runInHost.mjs')]);
  return { ...setup, ...codeServer, ...runInHost } as unknown as HostApi;
}
