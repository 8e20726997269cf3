import * as vscode from 'vscode';
import type { Diagnostics, DiagnosticsReport, Problem, Severity } from '../host/diagnostics';
import { DiagnosticsSettle, type SettleOptions } from './diagnosticsSettle';
import type { VscodeWorkspace } from './vscodeWorkspace';

/** Read at call time, not load time: nothing at module scope touches the \`vscode\` API (the bundle loads before it). */
function severityOf(severity: vscode.DiagnosticSeverity): Severity {
  switch (severity) {
    case vscode.DiagnosticSeverity.Error:
      return 'error';
    case vscode.DiagnosticSeverity.Warning:
      return 'warning';
    case vscode.DiagnosticSeverity.Information:
      return 'info';
    default:
      return 'hint';
  }
}

/**
 * get_diagnostics in VS Code: the Problems panel (`languages.getDiagnostics`), after a bounded wait for the language
 * servers to report on documents that changed since their last report (see DiagnosticsSettle).
 * A file asked for by path that is not in an editor tab is shown in one (in the background, focus kept) until its
 * problems are read, then closed again: VS Code's TypeScript support only checks files open in tabs (unless the
 * user turns on its project-wide diagnostics), and other servers at least check open documents.
 */
export class VscodeDiagnostics implements Diagnostics, vscode.Disposable {
  private readonly settle: DiagnosticsSettle;
  private readonly subscriptions: vscode.Disposable[];
  /** Tabs this class opened, by URI, with the number of calls still using each. */
  private readonly opened = new Map<string, number>();

  constructor(
    private readonly workspace: () => Promise<VscodeWorkspace>,
    options?: SettleOptions,
  ) {
    this.settle = new DiagnosticsSettle(options);
    this.subscriptions = [
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length && e.document.uri.scheme !== 'output') this.settle.textChanged(e.document.uri.toString());
      }),
      vscode.languages.onDidChangeDiagnostics((e) => this.settle.diagnosticsChanged(e.uris.map((u) => u.toString()))),
    ];
  }

  async collect(path: string | undefined, signal: AbortSignal): Promise<DiagnosticsReport> {
    const ws = await this.workspace();
    const base = ws.uriOf(path ?? '.');
    const isFile = path !== undefined && (await ws.stat(path))?.type === 'file';
    if (!isFile) {
      // A folder or the workspace: the documents in tabs are the ones language servers check, so only their
      // pending changes are worth waiting for.
      const prefix = `${base.toString().replace(/\/$/, '')}/`;
      const inTabs = tabUris();
      const settled = await this.settle.settle((k) => k.startsWith(prefix) && inTabs.has(k), signal);
      return report(ws, vscode.languages.getDiagnostics(), (k) => k.startsWith(prefix), settled);
    }
    const key = base.toString();
    const shown = await this.show(base);
    try {
      const settled = await this.settle.settle((k) => k === key, signal);
      return report(ws, [[base, vscode.languages.getDiagnostics(base)]], (k) => k === key, settled);
    } finally {
      if (shown) await this.release(key);
    }
  }

  /** Makes sure the file is in a tab; true when this call holds a tab it (or a concurrent call) opened. */
  private async show(uri: vscode.Uri): Promise<boolean> {
    const key = uri.toString();
    const users = this.opened.get(key);
    if (users !== undefined) {
      this.opened.set(key, users + 1);
      return true;
    }
    if (tabUris().has(key)) return false;
    // Its first report after opening is what the wait is for.
    this.settle.textChanged(key);
    this.opened.set(key, 1);
    try {
      await vscode.window.showTextDocument(uri, { preview: false, preserveFocus: true });
      return true;
    } catch {
      // Binary or too large to open: no language server will report on it, so there is nothing to wait for.
      this.settle.forget(key);
      this.opened.delete(key);
      return false;
    }
  }

  private async release(key: string): Promise<void> {
    const users = (this.opened.get(key) ?? 1) - 1;
    if (users > 0) return void this.opened.set(key, users);
    this.opened.delete(key);
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === key && !t.isDirty);
    if (tabs.length) await vscode.window.tabGroups.close(tabs, true);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

function report(ws: VscodeWorkspace, entries: [vscode.Uri, readonly vscode.Diagnostic[]][], matches: (key: string) => boolean, settled: boolean): DiagnosticsReport {
  const problems: Problem[] = [];
  for (const [uri, list] of entries) {
    const rel = ws.relativePath(uri);
    if (!rel || !matches(uri.toString())) continue;
    for (const d of list) {
      problems.push({ path: rel, line: d.range.start.line + 1, column: d.range.start.character + 1, severity: severityOf(d.severity), message: d.message, source: d.source });
    }
  }
  return { kind: 'problems', problems, unsettled: !settled || undefined };
}

/** The documents shown in editor tabs (a diff tab shows its modified side). */
function tabUris(): Set<string> {
  const out = new Set<string>();
  for (const tab of vscode.window.tabGroups.all.flatMap((g) => g.tabs)) {
    if (tab.input instanceof vscode.TabInputText) out.add(tab.input.uri.toString());
    else if (tab.input instanceof vscode.TabInputTextDiff) out.add(tab.input.modified.toString());
  }
  return out;
}
