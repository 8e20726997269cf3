// How the Node host turns a file's bytes into text and back without touching bytes nobody edited: a BOM names the
// encoding (UTF-8 with BOM, UTF-16 LE/BE); otherwise valid UTF-8 is UTF-8; otherwise the file is taken as a legacy
// single-byte file (windows-1252, the superset of Latin-1 that editors use for it). Every byte has a windows-1252
// character and back, so such a file always round-trips. NUL bytes outside UTF-16 mean binary: never shown as text.

export type TextEncoding = 'utf8' | 'utf8bom' | 'utf16le' | 'utf16be' | 'windows1252';

export type Decoded = { binary: false; text: string; encoding: TextEncoding } | { binary: true; why: string };

const BOM_UTF8 = [0xef, 0xbb, 0xbf];

export function decodeText(bytes: Buffer): Decoded {
  if (startsWith(bytes, BOM_UTF8)) {
    const text = utf8(bytes.subarray(3));
    return text === undefined ? { binary: true, why: 'it starts with a UTF-8 byte order mark but is not valid UTF-8' } : textOf(text, 'utf8bom');
  }
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
    const le = bytes[0] === 0xff;
    const body = Buffer.from(bytes.subarray(2));
    if (body.length % 2) return { binary: true, why: 'it starts with a UTF-16 byte order mark but has an odd number of bytes' };
    return textOf((le ? body : body.swap16()).toString('utf16le'), le ? 'utf16le' : 'utf16be');
  }
  if (bytes.includes(0)) return { binary: true, why: 'it contains NUL bytes' };
  const text = utf8(bytes);
  return textOf(text ?? fromWindows1252(bytes), text === undefined ? 'windows1252' : 'utf8');
}

/** Encodes `text` as `encoding` (BOM included). Throws a RangeError naming a character the encoding cannot hold. */
export function encodeText(text: string, encoding: TextEncoding): Buffer {
  switch (encoding) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf8bom':
      return Buffer.concat([Buffer.from(BOM_UTF8), Buffer.from(text, 'utf8')]);
    case 'utf16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf16be':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    case 'windows1252':
      return toWindows1252(text);
  }
}

/** Human name, for messages to the model. */
export function encodingLabel(encoding: TextEncoding): string {
  return { utf8: 'UTF-8', utf8bom: 'UTF-8 with BOM', utf16le: 'UTF-16 LE', utf16be: 'UTF-16 BE', windows1252: 'windows-1252 (Latin-1)' }[encoding];
}

/** One line of bytes from a search hit: UTF-8 when it is valid, else windows-1252 (never U+FFFD mojibake). */
export function decodeLine(bytes: Buffer): string {
  return utf8(bytes) ?? fromWindows1252(bytes);
}

function textOf(text: string, encoding: TextEncoding): Decoded {
  // A NUL that survived decoding (UTF-16 text holding U+0000) still means the file is not text.
  return text.includes('\0') ? { binary: true, why: 'it contains NUL characters' } : { binary: false, text, encoding };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function utf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function startsWith(bytes: Buffer, prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

// windows-1252 differs from Latin-1 only in 0x80-0x9F; the five bytes it leaves undefined map to the C1 controls of
// the same value (as in the WHATWG Encoding Standard), so every byte decodes and encodes back to itself.
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];
const CP1252_REVERSE = new Map(CP1252_HIGH.map((code, i) => [code, 0x80 + i]));

function fromWindows1252(bytes: Buffer): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    const chunk = bytes.subarray(i, i + 8192);
    out += String.fromCharCode(...Array.from(chunk, (b) => (b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80] : b)));
  }
  return out;
}

function toWindows1252(text: string): Buffer {
  const out = Buffer.alloc(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const b = c < 0x80 || (c >= 0xa0 && c <= 0xff) ? c : CP1252_REVERSE.get(c);
    if (b === undefined) {
      const ch = String.fromCodePoint(text.codePointAt(i)!);
      throw new RangeError(`${JSON.stringify(ch)} (U+${text.codePointAt(i)!.toString(16).toUpperCase().padStart(4, '0')}) has no windows-1252 byte`);
    }
    out[i] = b;
  }
  return out;
}
