import * as vscode from 'vscode';
import { readUserSettings, type UserSettings } from '../agent/userSettings';
import type { Logger } from '../host/logger';

/**
 * The `fanout.*` settings, checked on every read; each distinct problem is logged once (not on every request).
 * In an untrusted (Restricted Mode) workspace, run_tests and run_command always ask first (they run the folder's code),
 * and so does fetch_url (the folder's files may tell the model to send their contents out in a URL).
 * (VS Code itself ignores workspace values of fanout.baseUrl / testCommand / provider there; see package.json.)
 */
export class SettingsReader {
  private readonly reported = new Set<string>();

  constructor(private readonly logger: Logger) {}

  read(): UserSettings {
    const config = vscode.workspace.getConfiguration('fanout');
    const { settings, problems } = readUserSettings((key) => config.get(key));
    for (const p of problems) {
      if (this.reported.has(p)) continue;
      this.reported.add(p);
      this.logger.warn(`settings: ${p}`);
    }
    if (!vscode.workspace.isTrusted) settings.approval = { ...settings.approval, runTests: 'ask', command: 'ask', network: 'ask' };
    return settings;
  }

  /** Writes where the user keeps it: the workspace when it is set there, else the user settings. */
  async write(key: string, value: unknown): Promise<void> {
    const config = vscode.workspace.getConfiguration('fanout');
    const inspected = config.inspect(key);
    const target = inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await config.update(key, value, target);
  }
}
