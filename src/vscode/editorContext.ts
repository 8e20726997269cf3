import * as vscode from 'vscode';
import { MAX_ATTACHMENT_CHARS } from '../shared/attachments';
import type { Attachment } from '../shared/protocol';
import { tokenFor } from './cancellation';

const MENTION_RESULTS = 20;

/** The active editor's selection (or its whole file when nothing is selected) as a chat attachment. */
export function attachmentFromEditor(editor: vscode.TextEditor): Attachment {
  const doc = editor.document;
  const sel = editor.selection;
  const path = vscode.workspace.asRelativePath(doc.uri, false);
  if (sel.isEmpty) return withText({ kind: 'file', path }, doc.getText());
  // A selection ending at column 0 of a line does not include that line.
  const endLine = sel.end.character === 0 && sel.end.line > sel.start.line ? sel.end.line : sel.end.line + 1;
  return withText({ kind: 'selection', path, startLine: sel.start.line + 1, endLine }, doc.getText(sel));
}

/** Text over the protocol's limit is left out; the model is told to read the file instead. */
function withText(a: Attachment, text: string): Attachment {
  return text.length <= MAX_ATTACHMENT_CHARS ? { ...a, text } : a;
}

/**
 * Files for an `@` mention: a fuzzy, case-blind glob (`cfg` -> `**\/*[cC]*[fF]*[gG]*`, like Quick Open), honouring files.exclude and
 * search.exclude, ranked so that names containing the query as typed come first.
 */
export async function mentionResults(query: string, signal?: AbortSignal): Promise<string[]> {
  const q = query.trim().replace(/[\\[\]{}*?!,]/g, '');
  const anyCase = (c: string) => (c.toLowerCase() !== c.toUpperCase() ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c);
  const include = q ? `**/*${[...q].map(anyCase).join('*')}*` : '**/*';
  const source = tokenFor(signal);
  try {
    const excludes = excludePattern();
    const uris = await vscode.workspace.findFiles(include, excludes, 200, source.token);
    const paths = uris.map((u) => vscode.workspace.asRelativePath(u, false));
    return rank(paths, q.toLowerCase()).slice(0, MENTION_RESULTS);
  } finally {
    source.dispose();
  }
}

function rank(paths: string[], q: string): string[] {
  const score = (p: string) => {
    const lower = p.toLowerCase();
    const base = lower.slice(lower.lastIndexOf('/') + 1);
    if (!q) return 0;
    if (base.startsWith(q)) return 0;
    if (base.includes(q)) return 1;
    if (lower.includes(q)) return 2;
    return 3;
  };
  return [...paths].sort((a, b) => score(a) - score(b) || a.length - b.length || a.localeCompare(b));
}

/** files.exclude and search.exclude as one glob (an explicit exclude replaces findFiles' default one). */
function excludePattern(): string | undefined {
  const globs: string[] = [];
  for (const section of ['files', 'search']) {
    const setting = vscode.workspace.getConfiguration(section).get<Record<string, unknown>>('exclude') ?? {};
    for (const [glob, on] of Object.entries(setting)) if (on === true) globs.push(glob);
  }
  return globs.length ? `{${[...new Set(globs)].join(',')}}` : undefined;
}
