// How attached files and selections reach the model: appended to the user's words as fenced blocks, each labelled
// with its path and line range, so the model can cite and edit them without a read_file round trip.
import type { Attachment } from './protocol';

/** The user text the model receives: the typed words first (what the chat shows as the message), then each attachment. */
export function formatUserText(text: string, attachments: readonly Attachment[]): string {
  if (attachments.length === 0) return text;
  return [text.trim(), ...attachments.map(formatAttachment)].join('\n\n');
}

export function attachmentLabel(a: Pick<Attachment, 'path' | 'startLine' | 'endLine'>): string {
  if (a.startLine === undefined) return a.path;
  const end = a.endLine ?? a.startLine;
  return end === a.startLine ? `${a.path} (line ${a.startLine})` : `${a.path} (lines ${a.startLine}-${end})`;
}

/** The words the user typed, without the attachment blocks `formatUserText` appended. */
export function typedText(userText: string): string {
  return splitUserText(userText).text;
}

/**
 * A user message as `formatUserText` built it, split back into the typed words and the attachments' labels, so the
 * chat can show attachments as chips instead of pasted text.
 */
export function splitUserText(userText: string): { text: string; attachments: { kind: 'file' | 'selection'; label: string }[] } {
  const starts = [...userText.matchAll(/\n\n(File|Selection from) ([^\n]+?)(?::\n(`{3,})|( \(content not attached; read it with read_file if needed\)))/g)];
  const first = starts[0];
  if (!first || first.index === undefined) return { text: userText, attachments: [] };
  const attachments = starts.map((m) => ({ kind: m[1] === 'File' ? ('file' as const) : ('selection' as const), label: m[2]! }));
  return { text: userText.slice(0, first.index), attachments };
}

function formatAttachment(a: Attachment): string {
  const what = a.kind === 'selection' ? 'Selection from' : 'File';
  if (a.text === undefined) return `${what} ${attachmentLabel(a)} (content not attached; read it with read_file if needed)`;
  const fence = fenceFor(a.text);
  const body = a.text.endsWith('\n') ? a.text : `${a.text}\n`;
  return `${what} ${attachmentLabel(a)}:\n${fence}${languageHint(a.path)}\n${body}${fence}`;
}

/** A fence longer than any backtick run inside the text, so attached Markdown cannot close it early. */
export function fenceFor(text: string): string {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(3, longest + 1));
}

function languageHint(path: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  return ext && ext.length <= 10 ? ext : '';
}

/** The protocol's cap on one attachment's text; a larger file is referenced, not inlined. */
export const MAX_ATTACHMENT_CHARS = 200_000;

/**
 * Fills in the text of attachments that arrived without it (a file picked with `@` in the chat, which cannot read
 * files): the whole file, or the selected lines. One that cannot be read, or is too large, stays a reference.
 */
export async function withContent(attachments: readonly Attachment[], read: (path: string) => Promise<string>): Promise<Attachment[]> {
  return Promise.all(
    attachments.map(async (a) => {
      if (a.text !== undefined) return a;
      let text: string;
      try {
        text = await read(a.path);
      } catch {
        return a;
      }
      if (a.startLine !== undefined) text = text.split('\n').slice(a.startLine - 1, a.endLine ?? a.startLine).join('\n');
      return text.length <= MAX_ATTACHMENT_CHARS ? { ...a, text } : a;
    }),
  );
}
