import * as vscode from 'vscode';
import type { ErrorAction } from '../shared/protocol';

/** The buttons next to an error that open something of VS Code's (retry is the chat's own business). */
export async function runCommandAction(action: Exclude<ErrorAction, 'retry'>): Promise<void> {
  switch (action) {
    case 'setApiKey':
      await vscode.commands.executeCommand('fanout.setApiKey');
      return;
    case 'selectModel':
      await vscode.commands.executeCommand('fanout.selectModel');
      return;
    case 'openSettings':
      await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:fanout-dev.fanout');
      return;
    case 'showLog':
      await vscode.commands.executeCommand('fanout.showLog');
      return;
  }
}
