import { Worker } from 'node:worker_threads';
import { ToolError } from '../tools/toolError';

// The worker's whole program, inline so that the bundles need no extra file. It answers with the indexes of the
// lines that match, at most `limit` of them.
const PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads');
const re = new RegExp(workerData.source, workerData.flags);
parentPort.on('message', ({ text, limit }) => {
  const lines = text.split('\\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const hits = [];
  for (let i = 0; i < lines.length && hits.length < limit; i++) {
    const line = lines[i].endsWith('\\r') ? lines[i].slice(0, -1) : lines[i];
    if (re.test(line)) hits.push(i);
  }
  parentPort.postMessage(hits);
});`;

/**
 * Runs a model's regular expression off the main thread, with a deadline per file. JavaScript regexes backtrack: a
 * pattern like `(a+)+$` on a long line runs for hours and cannot be interrupted from inside, so it would pin the
 * event loop past every timeout and SIGINT. A worker can be terminated from outside: on the deadline, the tool's
 * abort (timeout or stop) or `close()`.
 */
export class RegexWorker {
  private readonly worker: Worker;
  private failed: unknown;

  constructor(
    source: string,
    private readonly options: { deadlineMs: number; signal?: AbortSignal },
  ) {
    this.worker = new Worker(PROGRAM, { eval: true, workerData: { source, flags: '' } });
    this.worker.unref();
  }

  /** Indexes of the lines of `text` that match (CR of CRLF excluded), at most `limit`. */
  match(text: string, limit: number): Promise<number[]> {
    if (this.failed) return Promise.reject(this.failed);
    const { signal, deadlineMs } = this.options;
    return new Promise<number[]>((resolve, reject) => {
      const fail = (e: unknown) => {
        this.failed = e;
        cleanup();
        void this.worker.terminate();
        reject(e);
      };
      const onAbort = () => fail(signal?.reason ?? new ToolError('cancelled', 'Cancelled.'));
      const onError = (e: Error) => fail(new ToolError('failed', `The search could not run: ${e.message}`));
      const onMessage = (hits: number[]) => {
        cleanup();
        resolve(hits);
      };
      const timer = setTimeout(
        () =>
          fail(
            new ToolError(
              'timeout',
              `The regular expression ran for over ${deadlineMs / 1000} s on one file and was stopped: nested quantifiers such as (a+)+ can take exponential time. Simplify the pattern or search for plain text.`,
            ),
          ),
        deadlineMs,
      );
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.worker.off('message', onMessage).off('error', onError);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.worker.on('message', onMessage).on('error', onError);
      this.worker.postMessage({ text, limit });
    });
  }

  /** Ends the worker; awaited, so that nothing of the search outlives the tool call. */
  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
