import * as vscode from 'vscode';
import type { Diagnostics, DiagnosticsReport, Problem, Severity } from '../host/diagnostics';
import { DiagnosticsSettle, type SettleOptions } from './diagnosticsSettle';
import type { VscodeWorkspace } from './vscodeWorkspace';

const SEVERITY: Record<vscode.DiagnosticSeverity, Severity> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'info',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

/**
 * get_diagnostics in VS Code: the Problems panel (`languages.getDiagnostics`), after a bounded wait for the language
 * servers to report on documents that changed since their last report (see DiagnosticsSettle). A file that is not
 * open is opened first (not shown): most language servers only check open documents.
 */
export class VscodeDiagnostics implements Diagnostics, vscode.Disposable {
  private readonly settle: DiagnosticsSettle;
  private readonly subscriptions: vscode.Disposable[];

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
    const key = base.toString();
    const prefix = `${key.replace(/\/$/, '')}/`;
    const matches = isFile ? (k: string) => k === key : (k: string) => k.startsWith(prefix);
    if (isFile) await this.ensureOpen(base);
    const settled = await this.settle.settle(matches, signal);
    const entries: [vscode.Uri, vscode.Diagnostic[]][] = isFile ? [[base, vscode.languages.getDiagnostics(base)]] : vscode.languages.getDiagnostics();
    const problems: Problem[] = [];
    for (const [uri, list] of entries) {
      const rel = ws.relativePath(uri);
      if (!rel || !matches(uri.toString())) continue;
      for (const d of list) {
        problems.push({
          path: rel,
          line: d.range.start.line + 1,
          column: d.range.start.character + 1,
          severity: SEVERITY[d.severity],
          message: d.message,
          source: d.source,
        });
      }
    }
    return { kind: 'problems', problems, unsettled: !settled || undefined };
  }

  /** Opens the document (without showing it) so language servers check it; its first report is then awaited. */
  private async ensureOpen(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === key && !d.isClosed)) return;
    this.settle.textChanged(key);
    try {
      await vscode.workspace.openTextDocument(uri);
    } catch {
      // Binary or too large to open: no language server will report on it, so there is nothing to wait for.
      this.settle.forget(key);
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
