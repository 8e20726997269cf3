/** Offsets of (non-overlapping) occurrences of `needle`, stopping after `limit`. */
export function findAll(haystack: string, needle: string, limit: number): number[] {
  const out: number[] = [];
  for (let i = haystack.indexOf(needle); i >= 0 && out.length < limit; i = haystack.indexOf(needle, i + needle.length)) out.push(i);
  return out;
}

/**
 * The file line most like the first non-blank line of `oldText`, as a hint when an edit does not match.
 * Whitespace-insensitive equality wins; otherwise bigram similarity. Skipped for huge files (the hint is optional).
 */
export function closestLine(text: string, oldText: string): { line: number; text: string } | undefined {
  const probe = oldText.split('\n').find((l) => l.trim() !== '')?.trim();
  if (!probe || text.length > 2_000_000) return undefined;
  const lines = text.split('\n');
  const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
  const target = squash(probe);
  let best: { line: number; text: string; score: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const candidate = squash(lines[i]);
    if (!candidate) continue;
    const score = candidate === target ? 1 : similarity(candidate, target);
    if (!best || score > best.score) best = { line: i + 1, text: lines[i].trim(), score };
    if (score === 1) break;
  }
  return best && best.score >= 0.5 ? { line: best.line, text: best.text } : undefined;
}

function similarity(a: string, b: string): number {
  if (a.length < 2 || b.length < 2) return 0;
  const grams = new Map<string, number>();
  for (let i = 0; i < a.length - 1; i++) grams.set(a.slice(i, i + 2), (grams.get(a.slice(i, i + 2)) ?? 0) + 1);
  let shared = 0;
  for (let i = 0; i < b.length - 1; i++) {
    const g = b.slice(i, i + 2);
    const n = grams.get(g) ?? 0;
    if (n > 0) {
      grams.set(g, n - 1);
      shared++;
    }
  }
  return (2 * shared) / (a.length + b.length - 2);
}
