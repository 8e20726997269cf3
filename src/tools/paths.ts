import * as path from 'node:path';
import { ToolError } from './toolError';

/**
 * Turns a model-supplied path into the canonical workspace-relative POSIX form used as the file-lock key and by the
 * workspace implementations. Purely syntactic: symlinks are checked by the workspace at access time.
 * `a/../b.ts`, `./b.ts` and `b.ts` all become `b.ts`; the root is `.`.
 */
export function normalizeWorkspacePath(input: unknown): string {
  if (typeof input !== 'string') throw new ToolError('invalid_path', 'path must be a string.');
  if (input.includes('\0')) throw new ToolError('invalid_path', 'path contains a NUL character.');
  const trimmed = input.trim();
  if (trimmed === '' || trimmed === '.' || trimmed === './' || trimmed === '/') return trimmed === '/' ? reject(input) : '.';
  if (trimmed.startsWith('~')) return reject(input, 'paths starting with ~ are not expanded');
  // Backslashes are folded so that `src\\a.ts` works and `..\\x` is caught by the check below.
  const slashed = trimmed.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[a-zA-Z]:/.test(slashed) || slashed.startsWith('//')) {
    return reject(input, 'absolute paths are not allowed; use a path relative to the workspace root');
  }
  const normal = path.posix.normalize(slashed).replace(/\/+$/, '');
  if (normal === '..' || normal.startsWith('../')) return reject(input);
  return normal === '' ? '.' : normal;
}

function reject(input: string, why = 'it resolves outside the workspace'): never {
  throw new ToolError('path_outside_workspace', `"${input}" is not allowed: ${why}.`);
}

/** True when `child` (absolute, real) is `root` or inside it. */
export function isInside(root: string, child: string): boolean {
  const rel = path.relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
