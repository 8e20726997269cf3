/**
 * Keeps the head and the tail of a long tool result, cut at line boundaries, with a note in the middle that says what
 * was cut and how to read more. Head gets 60% of the budget: file and log beginnings usually carry the structure.
 */
export function truncateMiddle(text: string, maxChars: number, hint: string): string {
  if (text.length <= maxChars) return text;
  const headBudget = Math.floor(maxChars * 0.6);
  const tailBudget = maxChars - headBudget;
  let headEnd = text.lastIndexOf('\n', headBudget);
  if (headEnd < headBudget / 2) headEnd = headBudget;
  let tailStart = text.indexOf('\n', text.length - tailBudget);
  if (tailStart < 0 || tailStart - (text.length - tailBudget) > tailBudget / 2) tailStart = text.length - tailBudget;
  const cut = text.slice(headEnd, tailStart);
  const cutLines = countLines(cut);
  const note = `\n[... ${cut.length.toLocaleString('en-US')} characters (${cutLines} lines) cut from the middle. ${hint} ...]\n`;
  return text.slice(0, headEnd) + note + text.slice(tailStart);
}

function countLines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
