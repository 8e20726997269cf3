import { constants as fsConstants, promises as fs, type Stats } from 'node:fs';
import { ToolError } from '../tools/toolError';
import { decodeText, encodeText, encodingLabel, type TextEncoding } from './textCodec';

/**
 * A regular file's bytes. Opened non-blocking and checked on the open descriptor: a FIFO is never waited on (opening
 * one blocks until a writer appears, holding one of the few pool threads that every fs call shares).
 */
export async function readRegularFile(real: string, rel: string): Promise<Buffer> {
  const handle = await fs.open(real, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw new ToolError('is_directory', `${rel} is a directory.`);
    if (!st.isFile()) throw specialFile(rel, st);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** A text file's text and encoding (see textCodec), with the bytes it came from; a binary file is refused. */
export async function readText(real: string, rel: string): Promise<{ text: string; encoding: TextEncoding; bytes: Buffer }> {
  const bytes = await readRegularFile(real, rel);
  const decoded = decodeText(bytes);
  if (decoded.binary) throw new ToolError('binary_file', `${rel} is a binary file (${decoded.why}); file tools read and edit text only.`);
  return { text: decoded.text, encoding: decoded.encoding, bytes };
}

export function encodeTextFor(rel: string, text: string, encoding: TextEncoding): Buffer {
  try {
    return encodeText(text, encoding);
  } catch (e) {
    throw new ToolError('invalid_arguments', `${rel} is ${encodingLabel(encoding)} and the edit cannot be written in it: ${(e as Error).message}. Nothing was changed; write that character another way (an escape or plain ASCII).`);
  }
}

export function specialFile(rel: string, st: Stats): ToolError {
  const kind = st.isFIFO() ? 'a named pipe (FIFO)' : st.isSocket() ? 'a socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a regular file';
  return new ToolError('special_file', `${rel} is ${kind}, not a regular file; file tools do not open it.`);
}

