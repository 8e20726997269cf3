// What VS Code shows while another agent runs one of Fanout's tools, and the confirmation it asks for first: edits and
// test runs change things and a fetch sends a URL out, so the user sees the exact edit, command or URL before saying yes. Plain text and markdown.
import { privateAddressOf, privateWhat } from '../tools/web/privateAddress';
import type { LmToolInfo } from './lmToolNames';

export interface LmToolPrompt {
  invocationMessage: string;
  /** Markdown message; absent when the call needs no confirmation. */
  confirmation?: { title: string; message: string };
}

const PREVIEW_LINES = 30;

/**
 * `testCommand` resolves the command run_tests would run (the setting, else the detected one; the filter applied).
 * The input has already been checked by VS Code against the declared schema; it is still read defensively.
 */
export async function lmToolPrompt(tool: LmToolInfo['tool'], input: Record<string, unknown>, testCommand: () => Promise<string | undefined>): Promise<LmToolPrompt> {
  const str = (key: string) => (typeof input[key] === 'string' ? (input[key] as string) : '');
  switch (tool) {
    case 'read_file': {
      const range = typeof input.startLine === 'number' ? `, lines ${input.startLine}–${typeof input.endLine === 'number' ? input.endLine : 'end'}` : '';
      return { invocationMessage: `Reading ${str('path')}${range}` };
    }
    case 'search_workspace':
      return { invocationMessage: `Searching the workspace for "${oneLine(str('query'))}"` };
    case 'list_files':
      return { invocationMessage: `Listing ${str('path') || 'the workspace'}${str('glob') ? ` (${str('glob')})` : ''}` };
    case 'get_diagnostics':
      return { invocationMessage: `Checking the problems of ${str('path') || 'the workspace'}` };
    case 'find_symbol':
      return { invocationMessage: `Looking for the symbol "${oneLine(str('query'))}"` };
    case 'go_to_definition':
      return { invocationMessage: `Finding the definition at ${str('path')}:${String(input.line)}:${String(input.column)}` };
    case 'find_references':
      return { invocationMessage: `Finding the references at ${str('path')}:${String(input.line)}:${String(input.column)}` };
    case 'git_diff': {
      const against = str('base') ? ` against ${oneLine(str('base'))}` : input.staged === true ? ' (staged)' : '';
      return { invocationMessage: `Diffing ${str('path') || 'the workspace'}${against}` };
    }
    case 'git_blame':
      return { invocationMessage: `Blaming ${str('path')}` };
    case 'git_log':
      return { invocationMessage: `Reading the git log of ${str('path') || 'the workspace'}` };
    case 'fetch_url': {
      // A URL can carry workspace data out (the asking agent wrote it): always shown before it goes.
      // Whole, never shortened: what a URL carries is what the user is asked about.
      // The yes given here is the one a private network address needs (runLmToolCall): the dialog says so.
      const local = await privateNote(str('url'));
      return { invocationMessage: `Fetching ${oneLine(str('url'))}`, confirmation: { title: 'Fetch this URL?', message: `Fanout will send a GET request to:\n\n${fenced(str('url'), '')}${local}` } };
    }
    case 'run_tests': {
      const filter = str('filter');
      const invocationMessage = `Running the tests${filter ? ` matching "${oneLine(filter)}"` : ''}`;
      const command = await testCommand();
      // Without a command nothing runs (the call reports that): nothing to confirm.
      if (!command) return { invocationMessage };
      return { invocationMessage, confirmation: { title: 'Run the tests?', message: `Fanout will run ${code(command)} in the workspace folder.` } };
    }
    case 'apply_edit': {
      const path = str('path');
      const oldText = str('oldText');
      const newText = str('newText');
      if (oldText === '') {
        return {
          invocationMessage: `Creating ${path}`,
          confirmation: { title: `Create ${path}?`, message: `Fanout will create ${code(path)} (${lines(newText)} lines):\n\n${fenced(newText, '')}` },
        };
      }
      const diff = [...preview(oldText).map((l) => `- ${l}`), ...preview(newText).map((l) => `+ ${l}`)].join('\n');
      return {
        invocationMessage: `Editing ${path}`,
        confirmation: { title: `Edit ${path}?`, message: `Fanout will replace ${lines(oldText)} line(s) of ${code(path)} with ${lines(newText)} line(s):\n\n${fenced(diff, 'diff')}` },
      };
    }
  }
}

function lines(text: string): number {
  return text === '' ? 0 : text.replace(/\n$/, '').split('\n').length;
}

function preview(text: string): string[] {
  const all = text.replace(/\n$/, '').split('\n');
  return all.length <= PREVIEW_LINES ? all : [...all.slice(0, PREVIEW_LINES), `… ${all.length - PREVIEW_LINES} more lines`];
}

/** A fence longer than any backtick run in the text, so the text cannot close it. */
function fenced(text: string, lang: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${preview(text).join('\n')}\n${fence}`;
}

function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${longest ? ' ' : ''}${oneLine(text)}${longest ? ' ' : ''}${ticks}`;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

/** A paragraph naming the private network address a URL leads to (nothing when it is public or does not resolve). */
async function privateNote(raw: string): Promise<string> {
  try {
    const url = new URL(raw);
    const address = await privateAddressOf(url);
    return address ? `\n\n${privateWhat(url, address)} (this machine, the local network or a cloud metadata service).` : '';
  } catch {
    return '';
  }
}
