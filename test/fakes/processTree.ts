// Process trees for the tests that check nothing a command starts outlives it.
import { existsSync, readFileSync, watch } from 'node:fs';
import * as path from 'node:path';

/**
 * A "test runner" (tree.js) that ignores SIGTERM and starts a worker that ignores it too. Once both handlers are in
 * place the worker writes "<runner pid> <worker pid>" to `pids` (renamed into place, so a reader never sees half).
 */
export const TERM_IGNORING_TREE = {
  'tree.js': `
    const { spawn } = require('child_process');
    process.on('SIGTERM', () => {});
    spawn(process.execPath, ['-e', ${JSON.stringify(
      "const fs=require('fs');process.on('SIGTERM',()=>{});fs.writeFileSync('pids.tmp',process.ppid+' '+process.pid);fs.renameSync('pids.tmp','pids');setInterval(()=>{},1000)",
    )}], { stdio: 'ignore' });
    setInterval(() => {}, 1000);`,
};

/** Runs a process that does nothing (not exited, or exited and reaped). A zombie runs nothing: it counts as gone. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Resolves once `file` exists (watching its folder: no polling, no sleeps). */
export function waitForFile(file: string): Promise<void> {
  return new Promise((resolve) => {
    const watcher = watch(path.dirname(file), () => check());
    const check = () => {
      if (!existsSync(file)) return;
      watcher.close();
      resolve();
    };
    check();
  });
}

/** The pids `tree.js` wrote, once it has written them. */
export async function treePids(dir: string): Promise<number[]> {
  const file = path.join(dir, 'pids');
  await waitForFile(file);
  return readFileSync(file, 'utf8').trim().split(' ').map(Number);
}
