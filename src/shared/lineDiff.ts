/** Lines added and removed between two texts, as a diff view would count them (the "+12 −3" next to a file). */
export function countLineChanges(before: string, after: string, maxEditDistance = 4000): { additions: number; deletions: number } {
  const a = splitLines(before);
  const b = splitLines(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) endA--, endB--;
  const n = endA - start;
  const m = endB - start;
  if (n === 0 || m === 0) return { additions: m, deletions: n };
  const d = editDistance(a, start, n, b, start, m, maxEditDistance);
  // Past the cap the exact figure is not worth the time: report the changed region as replaced.
  if (d === undefined) return { additions: m, deletions: n };
  const common = (n + m - d) / 2;
  return { additions: m - common, deletions: n - common };
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Myers' O(ND) shortest edit script length (insertions + deletions), or undefined when it exceeds `max`. */
function editDistance(a: string[], offA: number, n: number, b: string[], offB: number, m: number, max: number): number | undefined {
  const limit = Math.min(n + m, max);
  const size = 2 * limit + 1;
  const v = new Int32Array(size + 2);
  const at = (k: number) => k + limit + 1;
  for (let d = 0; d <= limit; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[at(k - 1)] < v[at(k + 1)]) ? v[at(k + 1)] : v[at(k - 1)] + 1;
      let y = x - k;
      while (x < n && y < m && a[offA + x] === b[offB + y]) x++, y++;
      v[at(k)] = x;
      if (x >= n && y >= m) return d;
    }
  }
  return undefined;
}
