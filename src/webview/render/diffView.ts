// A proposed change as a small unified diff inside the chat (an edit waiting for approval): removed lines, added
// lines and the unchanged lines between them, in a box that scrolls on its own so a long line never widens the view.
import { h } from '../dom';

export type DiffOp = { kind: 'ctx' | 'add' | 'del'; text: string };

/** Longest-common-subsequence line diff; edits in approvals are small, and both sides are capped before this runs. */
export function diffLines(before: string, after: string): DiffOp[] {
  const a = split(before);
  const b = split(after);
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = LCS length of a[i..] and b[j..], in one flat array.
  const lcs = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[at(i, j)] = a[i] === b[j] ? lcs[at(i + 1, j + 1)]! + 1 : Math.max(lcs[at(i + 1, j)]!, lcs[at(i, j + 1)]!);
  }
  const ops: DiffOp[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ kind: 'ctx', text: a[i]! });
      i++, j++;
    } else if (i < n && (j === m || lcs[at(i + 1, j)]! >= lcs[at(i, j + 1)]!)) ops.push({ kind: 'del', text: a[i++]! });
    else ops.push({ kind: 'add', text: b[j++]! });
  }
  return ops;
}

function split(text: string): string[] {
  if (!text) return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.slice(0, MAX_LINES);
}

const MAX_LINES = 400;
const SHOWN_LINES = 120;

/** The diff of one replacement (or a new file when `before` is empty). */
export function diffBlock(before: string, after: string, label: string): HTMLElement {
  const ops = diffLines(before, after);
  const added = ops.filter((o) => o.kind === 'add').length;
  const removed = ops.filter((o) => o.kind === 'del').length;
  const lines = ops.slice(0, SHOWN_LINES).map((o) =>
    h('div', { class: `diff-line diff-${o.kind}` }, h('span', { class: 'diff-sign', 'aria-hidden': 'true' }, o.kind === 'add' ? '+' : o.kind === 'del' ? '−' : ' '), h('span', { class: 'diff-text' }, o.text || ' ')),
  );
  const more = ops.length > SHOWN_LINES ? h('div', { class: 'diff-more' }, `… ${ops.length - SHOWN_LINES} more lines (Open diff shows all)`) : null;
  return h(
    'div',
    { class: 'diff-view mono', role: 'group', 'aria-label': `${label}: ${added} line${added === 1 ? '' : 's'} added, ${removed} removed`, tabindex: 0 },
    h('div', { class: 'diff-lines' }, ...lines, more),
  );
}
