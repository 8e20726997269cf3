// One batch must not blow the window by itself: when a turn's results together are larger than what is left, they
// share it. Small results stay whole; the large ones get equal shares of the rest, each cut to head and tail.
import type { ToolResult } from '../../shared/transcript';
import { truncateMiddle } from '../../tools/truncate';

const MIN_SHARE = 400;
export const SHARED_BUDGET_HINT =
  "This turn's results together were larger than the context window has room for, so each was cut. Ask for a narrower range (read_file startLine/endLine) or fewer files per turn to see the rest";

export function shareBudget(results: ToolResult[], budgetChars: number): ToolResult[] {
  const total = results.reduce((n, r) => n + r.content.length, 0);
  if (total <= budgetChars) return results;
  // Water-filling: walk the results from small to large; each takes what it needs up to an equal share of what is left.
  const order = results.map((r, i) => ({ i, len: r.content.length })).sort((a, b) => a.len - b.len);
  const caps = new Array<number>(results.length);
  let left = budgetChars;
  order.forEach(({ i, len }, k) => {
    const share = Math.max(MIN_SHARE, Math.floor(left / (order.length - k)));
    caps[i] = Math.min(len, share);
    left = Math.max(0, left - caps[i]!);
  });
  return results.map((r, i) => (r.content.length <= caps[i]! ? r : { ...r, content: truncateMiddle(r.content, caps[i]!, SHARED_BUDGET_HINT) }));
}
