// Ending a process group for good: TERM, a short grace, KILL, and waiting until no member runs any more. A command
// started detached leads its own group, so this reaches its children and the background jobs they left behind.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** How long members get to exit after TERM before KILL. */
export const TERM_GRACE_MS = 1000;
/** After KILL the kernel ends them at once; this only bounds a member stuck in uninterruptible I/O. */
const KILL_WAIT_MS = 500;
const POLL_MS = 20;

/**
 * Ends the process group led by `pid` (the tree on Windows) and resolves when it is gone, or when even KILL did not
 * end it within a short wait. Safe to call for a group that is already gone.
 */
export async function stopGroup(pid: number | undefined, graceMs = TERM_GRACE_MS): Promise<void> {
  if (!pid) return;
  if (process.platform === 'win32') {
    await new Promise<void>((resolve) => spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { windowsHide: true }).on('error', () => resolve()).on('exit', () => resolve()));
    return;
  }
  if (!signalGroup(pid, 'SIGTERM') || (await goneWithin(pid, graceMs))) return;
  signalGroup(pid, 'SIGKILL');
  await goneWithin(pid, KILL_WAIT_MS);
}

/** Whether any member of the group still runs (a zombie runs nothing: it only waits for its parent to reap it). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  return process.platform !== 'linux' || livingMembers(pgid);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Polls: the kernel gives no event for "a process I did not start has exited". */
async function goneWithin(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (groupAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return true;
}

function livingMembers(pgid: number): boolean {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return true;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after "(comm)": state, ppid, pgrp, ...
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
  }
  return false;
}
