// The global concurrency cap, served in call order rather than in the order calls happen to start waiting.
// Reads start while the model streams; tests, commands and edits wait for the stream's end. With a first-come queue
// (p-limit) a batch's 16 reads would all be queued ahead of a test run the model asked for third, and the longest
// call of the batch would start last. Here each call draws a ticket when it arrives (model order; across batches,
// arrival order) and a free slot goes to the lowest ticket waiting.

export class OrderedLimit {
  private active = 0;
  private nextTicket = 0;
  /** Waiting calls, sorted by ticket. Tickets mostly arrive in order, so insertion is usually an append. */
  private readonly waiting: { ticket: number; start: () => void }[] = [];

  constructor(readonly concurrency: number) {}

  /** A place in line, taken when the call arrives (before it is ready to run). */
  ticket(): number {
    return this.nextTicket++;
  }

  get activeCount(): number {
    return this.active;
  }

  get pendingCount(): number {
    return this.waiting.length;
  }

  /** Runs `fn` once a slot is free and no call with a lower ticket is waiting for one. */
  run<T>(ticket: number, fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.active++;
        let result: Promise<T>;
        try {
          result = fn();
        } catch (e) {
          result = Promise.reject(e);
        }
        // The slot is free before the caller hears back, so the caller sees the count it expects.
        const done = () => {
          this.active--;
          this.next();
        };
        result.then(
          (v) => {
            done();
            resolve(v);
          },
          (e: unknown) => {
            done();
            reject(e);
          },
        );
      };
      this.enqueue(ticket, start);
      this.next();
    });
  }

  private enqueue(ticket: number, start: () => void): void {
    const q = this.waiting;
    let lo = q.length;
    if (lo && q[lo - 1]!.ticket > ticket) {
      // Binary search for the first waiting call with a higher ticket.
      let hi = lo - 1;
      lo = 0;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (q[mid]!.ticket > ticket) hi = mid;
        else lo = mid + 1;
      }
    }
    q.splice(lo, 0, { ticket, start });
  }

  private next(): void {
    while (this.active < this.concurrency && this.waiting.length) this.waiting.shift()!.start();
  }
}
