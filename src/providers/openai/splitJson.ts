/**
 * Splits `{"a":1}{"b":2}` (optionally separated by whitespace or commas) into its top-level objects. Returns
 * undefined when the text is valid JSON on its own, or is not a sequence of at least two complete objects: then
 * there is nothing to split, and a broken value is left for the scheduler to report as invalid arguments.
 */
export function splitConcatenatedJson(text: string): string[] | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    JSON.parse(trimmed);
    return undefined;
  } catch {
    // not one value: maybe several
  }
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  for (let i = 0; i < trimmed.length; i++) {
    const ch = trimmed[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      if (depth === 0) return undefined;
      inString = true;
    } else if (ch === '{' || ch === '[') {
      if (depth === 0) {
        if (ch === '[') return undefined;
        start = i;
      }
      depth++;
    } else if (ch === '}' || ch === ']') {
      depth--;
      if (depth < 0) return undefined;
      if (depth === 0) parts.push(trimmed.slice(start, i + 1));
    } else if (depth === 0 && !/[\s,]/.test(ch)) {
      return undefined;
    }
  }
  if (depth !== 0 || parts.length < 2) return undefined;
  for (const p of parts) {
    try {
      JSON.parse(p);
    } catch {
      return undefined;
    }
  }
  return parts;
}
