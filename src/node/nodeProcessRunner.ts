import { spawn } from 'node:child_process';
import { childEnv, type ChildEnvPolicy } from '../host/childEnv';
import type { ExecFileOptions, FileResult, ProcessResult, ProcessRunner } from '../host/processRunner';
import { execFileBounded } from './execFile';
import { stopGroup, TERM_GRACE_MS } from './processGroup';

const HEAD_BYTES = 16 * 1024;
const TAIL_BYTES = 48 * 1024;
/** A process that left the group (setsid) may hold our pipes open: once the group is gone, wait this long at most. */
const CLOSE_WAIT_MS = 250;

export interface NodeProcessRunnerOptions {
  /** Which variables the commands inherit (provider keys are withheld; see host/childEnv). */
  env?: ChildEnvPolicy;
  /** TERM to KILL. */
  termGraceMs?: number;
}

/**
 * Runs each command as the leader of its own process group, and ends the whole group whenever the command ends:
 * test runners spawn workers that outlive them, and scripts leave background jobs behind. A result is handed back
 * only once the group is gone, so nothing a tool started outlives it. On Windows `taskkill /T` ends the tree.
 */
export class NodeProcessRunner implements ProcessRunner {
  private readonly active = new Set<{ stop: AbortController; done: Promise<unknown> }>();

  constructor(private readonly options: NodeProcessRunnerOptions = {}) {}

  execFile(file: string, args: readonly string[], options: ExecFileOptions): Promise<FileResult> {
    return execFileBounded(file, args, options, childEnv(process.env, this.options.env));
  }

  run(command: string, options: { cwd: string; signal: AbortSignal; env?: Record<string, string> }): Promise<ProcessResult> {
    if (options.signal.aborted) return Promise.reject(options.signal.reason);
    const entry = { stop: new AbortController(), done: Promise.resolve() as Promise<unknown> };
    const running = this.start(command, options.cwd, AbortSignal.any([options.signal, entry.stop.signal]), options.env ?? {});
    entry.done = running.catch(() => undefined).finally(() => this.active.delete(entry));
    this.active.add(entry);
    return running;
  }

  async dispose(): Promise<void> {
    const entries = [...this.active];
    for (const e of entries) e.stop.abort(new Error('shut down'));
    await Promise.all(entries.map((e) => e.done));
  }

  private start(command: string, cwd: string, signal: AbortSignal, extra: Record<string, string>): Promise<ProcessResult> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const child = spawn(command, {
        cwd,
        shell: true,
        detached: process.platform !== 'win32',
        env: childEnv(process.env, this.options.env, { ...extra, CI: process.env.CI ?? '1', FORCE_COLOR: '0' }),
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
      });
      const output = new HeadTail(HEAD_BYTES, TAIL_BYTES);
      child.stdout.on('data', (d: Buffer) => output.push(d));
      child.stderr.on('data', (d: Buffer) => output.push(d));
      const closed = new Promise<void>((r) => child.on('close', () => r()));
      let killedBy: string | undefined;
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      let ending: Promise<void> | undefined;
      const end = () =>
        (ending ??= (async () => {
          signal.removeEventListener('abort', onAbort);
          await stopGroup(child.pid, this.options.termGraceMs ?? TERM_GRACE_MS);
          await within(closed, CLOSE_WAIT_MS);
          const code = killedBy ? null : (exit?.code ?? null);
          resolve({ exitCode: code, killedBy: killedBy ?? exit?.signal ?? undefined, output: output.text(), durationMs: Math.round(performance.now() - started) });
        })());
      const onAbort = () => {
        const reason = signal.reason as { code?: string } | undefined;
        killedBy = reason?.code === 'timeout' ? 'timeout' : 'cancelled';
        void end();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      child.on('error', (e) => {
        if (ending) return;
        signal.removeEventListener('abort', onAbort);
        ending = Promise.resolve();
        reject(e);
      });
      child.on('exit', (code, sig) => {
        exit = { code, signal: sig };
        void end();
      });
    });
  }
}

/** Waits for `p`, but no longer than `ms`. */
async function within(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

/** Keeps the first and last bytes of a stream, counting what was dropped in between. */
class HeadTail {
  private head: Buffer[] = [];
  private headLen = 0;
  private tail: Buffer[] = [];
  private tailLen = 0;
  private dropped = 0;
  constructor(
    private readonly headMax: number,
    private readonly tailMax: number,
  ) {}

  push(chunk: Buffer): void {
    if (this.headLen < this.headMax) {
      const take = chunk.subarray(0, this.headMax - this.headLen);
      this.head.push(take);
      this.headLen += take.length;
      chunk = chunk.subarray(take.length);
    }
    if (!chunk.length) return;
    this.tail.push(chunk);
    this.tailLen += chunk.length;
    while (this.tailLen - this.tail[0].length >= this.tailMax) {
      this.tailLen -= this.tail[0].length;
      this.dropped += this.tail.shift()!.length;
    }
  }

  text(): string {
    let tail = Buffer.concat(this.tail);
    if (tail.length > this.tailMax) {
      this.dropped += tail.length - this.tailMax;
      tail = tail.subarray(tail.length - this.tailMax);
    }
    const middle = this.dropped ? `\n[... ${this.dropped.toLocaleString('en-US')} bytes of output cut ...]\n` : '';
    return Buffer.concat(this.head).toString('utf8') + middle + tail.toString('utf8');
  }
}
