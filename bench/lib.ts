// Shared shapes and helpers of the benchmarks. Every figure is a ratio or a per-unit cost measured side by side in
// the same run, so a slow or noisy machine moves both sides together.

export type Status = 'ok' | 'MISS' | 'report' | 'skipped' | 'error';

export interface Row {
  /** A contract name from the benchmark issue: keep it exactly. */
  name: string;
  value: number | null;
  unit: string;
  /** Human-readable target, e.g. "<= 1.1" or "report". */
  target: string;
  /** False on a missed target, a skip or an error; true for report-only figures. */
  pass: boolean;
  status: Status;
  notes: string;
}

export interface BenchOptions {
  quick: boolean;
  /** Repetitions per scenario: 1 in quick mode; the median is reported. */
  repeats: number;
  /** One line of progress on stderr. */
  progress(message: string): void;
}

export interface Scenario {
  title: string;
  /** The rows it produces, so an error can still be reported under every name. */
  names: readonly string[];
  run(options: BenchOptions): Promise<Row[]>;
}

type Op = '<=' | '<' | '>=';

/** A figure with a target: pass/MISS decided here, once. */
export function checked(name: string, value: number, unit: string, op: Op, limit: number, notes: string): Row {
  const pass = op === '<=' ? value <= limit : op === '<' ? value < limit : value >= limit;
  return { name, value: round(value), unit, target: `${op} ${round(limit)}`, pass, status: pass ? 'ok' : 'MISS', notes };
}

/** A figure the issue asks to report, not to judge. */
export function reported(name: string, value: number | null, unit: string, notes: string): Row {
  return { name, value: value === null ? null : round(value), unit, target: 'report', pass: true, status: 'report', notes };
}

export function skipped(name: string, unit: string, target: string, reason: string): Row {
  return { name, value: null, unit, target, pass: false, status: 'skipped', notes: `SKIPPED: ${reason}` };
}

export function median(values: readonly number[]): number {
  if (!values.length) throw new Error('median of nothing');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Runs `fn` `times` times, one after another (never overlapping: they would share the two cores). */
export async function repeat<T>(times: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < times; i++) out.push(await fn(i));
  return out;
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

export function round(n: number): number {
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 1 : abs >= 1 ? 2 : 3;
  return Number(n.toFixed(digits));
}

export const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`);
