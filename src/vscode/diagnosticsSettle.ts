// When are the Problems panel's entries for a file current? VS Code has no "language server done" signal, so this
// tracks the two events it does have: text changes (an edit, the user typing, a file just opened) make a document
// pending; a diagnostics change for it clears that. A wait ends when nothing it cares about is pending and no
// diagnostics changed for `quietMs` (servers often report syntax and semantics separately), or after `maxWaitMs`.
// Kept free of `vscode` (keys are URI strings) so it is tested with a manual clock.

export interface SettleClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SettleOptions {
  quietMs: number;
  maxWaitMs: number;
}

export const DEFAULT_SETTLE: SettleOptions = { quietMs: 300, maxWaitMs: 3_000 };

const realClock: SettleClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export class DiagnosticsSettle {
  private readonly pending = new Set<string>();
  private readonly listeners = new Set<(keys: readonly string[]) => void>();

  constructor(
    private readonly options: SettleOptions = DEFAULT_SETTLE,
    private readonly clock: SettleClock = realClock,
  ) {}

  /** A document's text changed (or it was just opened): its diagnostics are out of date until the next report. */
  textChanged(key: string): void {
    this.pending.add(key);
  }

  /** A document's diagnostics could not come (its open failed): stop waiting for them. */
  forget(key: string): void {
    this.pending.delete(key);
  }

  diagnosticsChanged(keys: readonly string[]): void {
    for (const k of keys) this.pending.delete(k);
    for (const l of [...this.listeners]) l(keys);
  }

  /**
   * Resolves true once the documents `matches` selects are settled, false when `maxWaitMs` ran out first; at once
   * when none of them changed since its last report. Rejects with the signal's reason when it aborts.
   */
  settle(matches: (key: string) => boolean, signal: AbortSignal): Promise<boolean> {
    const busy = () => [...this.pending].some(matches);
    if (!busy()) return Promise.resolve(true);
    signal.throwIfAborted();
    const deadline = this.clock.now() + this.options.maxWaitMs;
    let lastReport = -Infinity;
    return new Promise<boolean>((resolve, reject) => {
      let timer: unknown;
      const finish = (fn: () => void) => {
        this.clock.clearTimeout(timer);
        this.listeners.delete(onReport);
        signal.removeEventListener('abort', onAbort);
        fn();
      };
      const check = () => {
        const now = this.clock.now();
        if (now >= deadline) return finish(() => resolve(false));
        const quietAt = lastReport + this.options.quietMs;
        if (!busy() && now >= quietAt) return finish(() => resolve(true));
        this.clock.clearTimeout(timer);
        timer = this.clock.setTimeout(check, (busy() ? deadline : Math.min(deadline, quietAt)) - now);
      };
      const onReport = (keys: readonly string[]) => {
        if (!keys.some(matches)) return;
        lastReport = this.clock.now();
        check();
      };
      const onAbort = () => finish(() => reject(signal.reason));
      this.listeners.add(onReport);
      signal.addEventListener('abort', onAbort, { once: true });
      check();
    });
  }
}
