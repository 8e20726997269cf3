/**
 * Parses JSON with comments and trailing commas, the dialect VS Code accepts in `.vscode/mcp.json`. Comments and the
 * commas are blanked (not removed) so JSON.parse positions in error messages still point into the original text.
 */
export function parseJsonc(text: string): unknown {
  return JSON.parse(stripJsonc(text.replace(/^\uFEFF/, '')));
}

function stripJsonc(text: string): string {
  const out = text.split('');
  let i = 0;
  let lastComma = -1;
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n' && out[k] !== '\r') out[k] = ' ';
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      lastComma = -1;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      blank(i, stop);
      i = stop;
    } else {
      if (c === ',') lastComma = i;
      else if ((c === '}' || c === ']') && lastComma !== -1) out[lastComma] = ' ';
      if (!/\s/.test(c) && c !== ',') lastComma = -1;
      i++;
    }
  }
  return out.join('');
}
