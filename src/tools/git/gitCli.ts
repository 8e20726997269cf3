import type { ToolContext } from '../tool';
import { ToolError } from '../toolError';
import { truncateMiddle } from '../truncate';

/** Below the scheduler's result cap, so the tool's own hint (how to narrow the query) explains the cut. */
const MAX_RESULT_CHARS = 24_000;
const MAX_GIT_BYTES = 4 * 1024 * 1024;

/**
 * Runs `git <args>` in the workspace root through the host's runner: an argument array and no shell, so model text is
 * never parsed by one. Always the same conditions, whoever runs it:
 * - no pager, no colour, C locale (error messages we recognise), no prompts, no optional index locks (parallel calls
 *   must not fight over .git/index.lock);
 * - the caller's GIT_* variables removed (GIT_DIR or GIT_WORK_TREE from a hook or terminal would point git elsewhere);
 * - literal pathspecs (`:(top)` magic could reach outside the workspace folder) and no fsmonitor hook, external diff
 *   or textconv (a repository's config could otherwise run programs while we only meant to read).
 */
export async function runGit(ctx: ToolContext, args: readonly string[], hint: string): Promise<string> {
  const env: Record<string, string | undefined> = Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith('GIT_')).map((k) => [k, undefined]));
  Object.assign(env, { LC_ALL: 'C', LANG: 'C', LANGUAGE: undefined, GIT_PAGER: 'cat', PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' });
  const global = ['--no-pager', '--literal-pathspecs', '-c', 'core.quotepath=false', '-c', 'color.ui=false', '-c', 'core.fsmonitor=false'];
  let result;
  try {
    result = await ctx.runner.execFile('git', [...global, ...args], { cwd: ctx.workspace.root, signal: ctx.signal, env, maxBytes: MAX_GIT_BYTES });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ToolError('unavailable', 'git is not installed (no `git` on PATH): the git_* tools need the git command line. Use read_file and search_workspace instead.');
    }
    throw e;
  }
  if (result.exitCode !== 0 && !result.truncated) throw gitError(result.stderr, ctx.workspace.root);
  const note = result.truncated ? `\n[... output stopped at ${MAX_GIT_BYTES / 1024 / 1024} MB. ${hint} ...]\n` : '';
  return truncateMiddle(result.stdout + note, MAX_RESULT_CHARS, hint);
}

function gitError(stderr: string, root: string): ToolError {
  const text = stderr.trim();
  if (/not a git repository/i.test(text)) {
    return new ToolError('unavailable', `The workspace (${root}) is not inside a git repository, so there is no diff, blame or log. Use read_file and search_workspace instead.`);
  }
  if (/does not have any commits yet|bad default revision 'HEAD'/i.test(text)) {
    return new ToolError('unavailable', 'The repository has no commits yet: there is no history to show. git_diff with staged: true shows what is staged.');
  }
  if (/dubious ownership/i.test(text)) {
    return new ToolError('unavailable', 'git refuses this repository: it belongs to another user (git\'s safe.directory check). The user can add it with `git config --global --add safe.directory <path>`.');
  }
  const first = text.split('\n').filter(Boolean).slice(0, 3).join(' ');
  return new ToolError('failed', `git: ${first || 'failed without a message'}`);
}

/**
 * A revision the model named (base of a diff): branch, tag, hash, `HEAD~2`, `main@{1}`, `a..b`. Never an option
 * (`--output=...` would write a file), never whitespace.
 */
export function checkRevision(rev: string): string {
  const r = rev.trim();
  if (!r || r.startsWith('-') || !/^[A-Za-z0-9._/@{}~^:+-]+$/.test(r) || r.length > 200) {
    throw new ToolError('invalid_arguments', `"${rev}" is not a revision git_diff accepts: give a branch, tag, commit hash or expression like HEAD~1 or main...HEAD.`);
  }
  return r;
}
