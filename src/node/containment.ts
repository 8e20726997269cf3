import { promises as fs, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { isInside } from '../tools/paths';
import { ToolError } from '../tools/toolError';

/**
 * Symlink-aware containment for files on a local disk, shared by the Node and VS Code workspaces: a
 * workspace-relative path may still lead outside through a link. `realRoot` must already be resolved. Returns the
 * entry's real path, or undefined when nothing is there yet; throws when it escapes or loops.
 */
export async function realPathInside(realRoot: string, rel: string): Promise<string | undefined> {
  const abs = path.join(realRoot, rel);
  let real: string;
  try {
    real = await fs.realpath(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new ToolError('invalid_path', `${rel} is a symlink loop.`);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
    await checkParents(realRoot, abs, rel);
    return undefined;
  }
  if (!isInside(realRoot, real)) throw new ToolError('path_outside_workspace', `${rel} resolves outside the workspace (through a symlink).`);
  return real;
}

/** For a path that does not exist yet, its deepest existing ancestor must really be inside the workspace. */
export async function checkParents(realRoot: string, abs: string, rel: string): Promise<void> {
  for (let dir = path.dirname(abs); ; ) {
    try {
      if (!isInside(realRoot, await fs.realpath(dir))) throw new ToolError('path_outside_workspace', `${rel} resolves outside the workspace (through a symlink).`);
      return;
    } catch (e) {
      if (ToolError.is(e)) throw e;
      if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw new ToolError('invalid_path', `${rel} passes through a symlink loop.`);
      const parent = path.dirname(dir);
      if (parent === dir) return;
      dir = parent;
    }
  }
}

/**
 * The real absolute path `rel` names, synchronously (the lock key of a local file). For a path that does not exist
 * yet, the nearest existing parent is resolved and the rest appended, so the key is the same once it is created.
 * A path that cannot be resolved (a loop, no permission) keeps its lexical form: the tool will report why.
 */
export function realPathKey(realRoot: string, rel: string): string {
  const abs = path.join(realRoot, rel);
  const rest: string[] = [];
  for (let p = abs; ; ) {
    try {
      return path.join(realpathSync.native(p), ...rest);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const parent = path.dirname(p);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === p) return abs;
      rest.unshift(path.basename(p));
      p = parent;
    }
  }
}
