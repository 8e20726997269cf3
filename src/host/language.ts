// What the language tools (find_symbol, go_to_definition, find_references) need from their host: VS Code's language
// features (src/vscode/vscodeLanguage.ts). The headless runner has none and does not offer those tools.

export interface CodeLocation {
  /** Workspace-relative POSIX path, or the absolute path (or URI) of a file outside the workspace. */
  path: string;
  /** False for library and other files outside the workspace folder. */
  inWorkspace: boolean;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
  /** The line's text (from the editor buffer when the file is open), trimmed; undefined when unreadable. */
  text?: string;
  /** For symbols: the name, its kind (function, class...) and the container it is declared in. */
  name?: string;
  kind?: string;
  container?: string;
}

export interface Position {
  /** Workspace-relative path, normalised. */
  path: string;
  line: number;
  column: number;
}

export interface LanguageFeatures {
  findSymbols(query: string, signal: AbortSignal): Promise<CodeLocation[]>;
  definitions(at: Position, signal: AbortSignal): Promise<CodeLocation[]>;
  references(at: Position, signal: AbortSignal): Promise<CodeLocation[]>;
}
