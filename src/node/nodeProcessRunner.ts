import { spawn } from 'node:child_process';
import type { ExecFileOptions, FileResult, ProcessResult, ProcessRunner } from '../host/processRunner';
import { execFileBounded } from './execFile';

const HEAD_BYTES = 16 * 1024;
const TAIL_BYTES = 48 * 1024;
const KILL_GRACE_MS = 2000;

/**
 * Runs a command in its own process group so that cancellation kills the whole tree (test runners love to spawn
 * workers that outlive their parent). On Windows `taskkill /T` does the same.
 */
export class NodeProcessRunner implements ProcessRunner {
  execFile(file: string, args: readonly string[], options: ExecFileOptions): Promise<FileResult> {
    return execFileBounded(file, args, options, process.env);
  }

  run(command: string, options: { cwd: string; signal: AbortSignal; env?: Record<string, string> }): Promise<ProcessResult> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      if (options.signal.aborted) return reject(options.signal.reason);
      const child = spawn(command, {
        cwd: options.cwd,
        shell: true,
        detached: process.platform !== 'win32',
        env: { ...process.env, ...options.env, CI: process.env.CI ?? '1', FORCE_COLOR: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
      });
      const output = new HeadTail(HEAD_BYTES, TAIL_BYTES);
      child.stdout.on('data', (d: Buffer) => output.push(d));
      child.stderr.on('data', (d: Buffer) => output.push(d));
      let killedBy: string | undefined;
      let settled = false;
      const finish = (exitCode: number | null, sig: NodeJS.Signals | null) => {
        if (settled) return;
        settled = true;
        options.signal.removeEventListener('abort', onAbort);
        resolve({ exitCode, killedBy: killedBy ?? sig ?? undefined, output: output.text(), durationMs: Date.now() - started });
      };
      const onAbort = () => {
        const reason = options.signal.reason as { code?: string } | undefined;
        killedBy = reason?.code === 'timeout' ? 'timeout' : 'cancelled';
        killTree(child.pid);
        // The group is gone; do not wait for grandchildren that kept our pipes open.
        setTimeout(() => finish(null, 'SIGKILL'), KILL_GRACE_MS + 500).unref();
      };
      options.signal.addEventListener('abort', onAbort, { once: true });
      child.on('error', (e) => {
        if (settled) return;
        settled = true;
        reject(e);
      });
      child.on('close', finish);
      // A detached grandchild can hold stdout open after the command itself exited: stop waiting shortly after exit.
      child.on('exit', (code, sig) => setTimeout(() => finish(code, sig), 1000).unref());
    });
  }
}

export function killTree(pid: number | undefined): void {
  if (!pid) return;
  if (process.platform === 'win32') {
    spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { windowsHide: true }).on('error', () => {});
    return;
  }
  const kill = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // Already gone.
    }
  };
  kill('SIGTERM');
  setTimeout(() => kill('SIGKILL'), KILL_GRACE_MS).unref();
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
