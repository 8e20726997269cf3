import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ApprovalPrompt } from '../agent/approvalBroker';
import { normalizeWorkspacePath } from '../tools/paths';
import type { VscodeWorkspace } from './vscodeWorkspace';

export const PROPOSED_SCHEME = 'fanout-proposed';

/**
 * "Open diff" on an edit that waits for approval: the file as it is now against the file with the edit applied, in
 * VS Code's diff editor. The proposed text is computed here (the edit has not run) and served as a read-only
 * virtual document.
 */
export class ApprovalDiffs implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  async open(prompts: readonly ApprovalPrompt[], requestId: string, callId: string, workspace: VscodeWorkspace): Promise<void> {
    const call = prompts.find((p) => p.requestId === requestId)?.calls.find((c) => c.id === callId);
    if (!call) return;
    const args = JSON.parse(call.arguments || '{}') as { path?: unknown; oldText?: unknown; newText?: unknown; edits?: unknown };
    if (typeof args.path !== 'string') return;
    const rel = normalizeWorkspacePath(args.path);
    const edits = typeof args.oldText === 'string' && typeof args.newText === 'string' ? [{ oldText: args.oldText, newText: args.newText }] : Array.isArray(args.edits) ? (args.edits as { oldText: string; newText: string }[]) : [];
    const exists = (await workspace.stat(rel)) !== undefined;
    const current = exists ? (await workspace.readFile(rel)).text : '';
    let proposed = current;
    for (const e of edits) proposed = e.oldText === '' ? e.newText : proposed.replace(e.oldText, () => e.newText);
    const right = vscode.Uri.from({ scheme: PROPOSED_SCHEME, path: `/${rel}`, query: `${requestId}/${callId}` });
    this.texts.set(right.toString(), proposed);
    const left = exists ? workspace.uriOf(rel) : vscode.Uri.from({ scheme: PROPOSED_SCHEME, path: `/${rel}`, query: 'empty' });
    await vscode.commands.executeCommand('vscode.diff', left, right, `${path.posix.basename(rel)} (proposed by Fanout)`, { preview: true });
  }

  dispose(): void {
    this.registration.dispose();
    this.texts.clear();
  }
}
