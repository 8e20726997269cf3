import type { Row } from './lib';

/** A markdown table of the rows, ready to paste into the README; misses say MISS in capitals. */
export function markdownTable(rows: readonly Row[]): string {
  const header = ['name', 'value', 'unit', 'target', 'result', 'notes'];
  const lines = rows.map((r) => [r.name, r.value === null ? '—' : String(r.value), r.unit, r.target, r.status === 'ok' ? 'pass' : r.status, r.notes.replace(/\|/g, '\\|')]);
  const fmt = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [fmt(header), fmt(header.map(() => '---')), ...lines.map(fmt)].join('\n');
}
