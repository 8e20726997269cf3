/** What run() writes to $FANOUT_TEST_RESULTS for the driver (the console stream from the host is best effort). */
export interface TestResults {
  stats: { passes: number; failures: number; pending: number; durationMs: number };
  tests: { fullTitle: string; state: 'passed' | 'failed' | 'pending'; durationMs: number }[];
  failures: { fullTitle: string; error: string }[];
}
