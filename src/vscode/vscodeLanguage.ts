import * as vscode from 'vscode';
import type { CodeLocation, LanguageFeatures, Position } from '../host/language';
import { MAX_LOCATIONS } from '../tools/languageTools';
import type { VscodeWorkspace } from './vscodeWorkspace';

/**
 * find_symbol, go_to_definition and find_references through the language features the workspace has (the providers
 * of the installed language extensions), via VS Code's `vscode.execute*Provider` commands. Positions and results are
 * 1-based; workspace files become workspace-relative paths, other files keep their absolute path and their line text
 * (the tool reads workspace lines itself, from the editor buffer when the file is open).
 */
export class VscodeLanguageFeatures implements LanguageFeatures {
  constructor(private readonly workspace: () => Promise<VscodeWorkspace>) {}

  async findSymbols(query: string, signal: AbortSignal): Promise<CodeLocation[]> {
    const ws = await this.workspace();
    const found = (await vscode.commands.executeCommand<vscode.SymbolInformation[] | undefined>('vscode.executeWorkspaceSymbolProvider', query)) ?? [];
    signal.throwIfAborted();
    return withLibraryText(found.map((s) => ({ ...location(ws, s.location.uri, s.location.range), name: s.name, kind: symbolKind(s.kind), container: s.containerName || undefined })));
  }

  definitions(at: Position, signal: AbortSignal): Promise<CodeLocation[]> {
    return this.locations('vscode.executeDefinitionProvider', at, signal);
  }

  references(at: Position, signal: AbortSignal): Promise<CodeLocation[]> {
    return this.locations('vscode.executeReferenceProvider', at, signal);
  }

  private async locations(command: string, at: Position, signal: AbortSignal): Promise<CodeLocation[]> {
    const ws = await this.workspace();
    const position = new vscode.Position(at.line - 1, at.column - 1);
    const found = (await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[] | undefined>(command, ws.uriOf(at.path), position)) ?? [];
    signal.throwIfAborted();
    // Definition providers answer with Location or LocationLink (TypeScript: links, whose target is the declaration).
    return withLibraryText(found.map((l) => ('targetUri' in l ? location(ws, l.targetUri, l.targetSelectionRange ?? l.targetRange) : location(ws, l.uri, l.range))));
  }
}

type Found = CodeLocation & { uri: vscode.Uri };

function location(ws: VscodeWorkspace, uri: vscode.Uri, range: vscode.Range): Found {
  const rel = ws.relativePath(uri);
  const at = { uri, line: range.start.line + 1, column: range.start.character + 1 };
  return rel ? { ...at, path: rel, inWorkspace: true } : { ...at, path: uri.scheme === 'file' ? uri.fsPath : uri.toString(), inWorkspace: false };
}

/**
 * The tool cannot read outside the workspace, so library lines are read here, through VS Code (open buffer or
 * file), for as many as the tool will show.
 */
async function withLibraryText(found: Found[]): Promise<CodeLocation[]> {
  const outside = found.filter((l) => !l.inWorkspace).slice(0, MAX_LOCATIONS);
  await Promise.all(
    outside.map(async (l) => {
      try {
        const doc = await vscode.workspace.openTextDocument(l.uri);
        if (l.line <= doc.lineCount) l.text = doc.lineAt(l.line - 1).text.trim();
      } catch {
        // Unreadable (binary, gone, a virtual document that failed): shown without its line.
      }
    }),
  );
  return found.map(({ uri: _uri, ...l }) => l);
}

function symbolKind(kind: vscode.SymbolKind): string {
  return (vscode.SymbolKind[kind] ?? 'symbol').toLowerCase();
}
