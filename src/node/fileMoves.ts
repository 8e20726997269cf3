import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ToolError } from '../tools/toolError';
import { checkParents } from './containment';

/**
 * delete_file and rename_file on plain fs. The entry itself is acted on (a symlink is removed or moved, never what it
 * points to), after checking that its folder really is inside the workspace. Folders are refused.
 */
export async function deleteEntry(root: string, rel: string, signal?: AbortSignal): Promise<void> {
  const abs = await fileEntry(root, rel);
  signal?.throwIfAborted();
  await fs.unlink(abs);
}

export async function renameEntry(root: string, from: string, to: string, signal?: AbortSignal): Promise<void> {
  const src = await fileEntry(root, from);
  const dest = path.join(root, to);
  await checkParents(root, dest, to);
  if (await exists(dest)) throw new ToolError('already_exists', `${to} already exists; rename_file never overwrites. Delete it first, or pick another name.`);
  signal?.throwIfAborted();
  await fs.mkdir(path.dirname(dest), { recursive: true });
  // A hard link fails if the target appeared meanwhile (no overwrite race); across devices, fall back to rename.
  try {
    await fs.link(src, dest);
    await fs.unlink(src);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new ToolError('already_exists', `${to} already exists; rename_file never overwrites.`);
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP') throw e;
    if (await exists(dest)) throw new ToolError('already_exists', `${to} already exists; rename_file never overwrites.`);
    await fs.rename(src, dest);
  }
}

async function fileEntry(root: string, rel: string): Promise<string> {
  const abs = path.join(root, rel);
  await checkParents(root, abs, rel);
  const st = await fs.lstat(abs).catch(() => undefined);
  if (!st) throw new ToolError('not_found', `${rel} does not exist.`);
  if (st.isDirectory()) throw new ToolError('is_directory', `${rel} is a directory; only single files can be deleted or renamed.`);
  return abs;
}

async function exists(abs: string): Promise<boolean> {
  return (await fs.lstat(abs).catch(() => undefined)) !== undefined;
}
