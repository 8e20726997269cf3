import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { findRipgrep } from '../node/ripgrep';

/**
 * The ripgrep binary VS Code ships, so search works with nothing installed. Its place moved over the years:
 * `@vscode/ripgrep/bin/rg` (inside `node_modules.asar.unpacked` in packaged desktop builds), and since 2025
 * `@vscode/ripgrep-universal/bin/<platform>-<arch>/rg`. Falls back to $FANOUT_RG_PATH, the npm package, or PATH.
 */
export function vscodeRipgrep(appRoot: string): string | undefined {
  const exe = process.platform === 'win32' ? 'rg.exe' : 'rg';
  const platformDir = `${process.platform}-${process.arch}`;
  const candidates: string[] = [];
  for (const modules of ['node_modules.asar.unpacked', 'node_modules']) {
    candidates.push(path.join(appRoot, modules, '@vscode', 'ripgrep', 'bin', exe));
    candidates.push(path.join(appRoot, modules, '@vscode', 'ripgrep-universal', 'bin', platformDir, exe));
  }
  return candidates.find((c) => existsSync(c)) ?? findRipgrep();
}
