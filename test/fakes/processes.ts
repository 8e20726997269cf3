import { readFileSync } from 'node:fs';

/** Alive and not a zombie (in a container nobody may reap the orphans, but a zombie runs nothing). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Resolves once every pid is gone; fails with the survivors after `limitMs` (a generous bound, not a timing check). */
export async function allGone(pids: number[], limitMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const left = pids.filter(alive);
    if (!left.length || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 25));
  }
}
