export interface ProcessResult {
  exitCode: number | null;
  /** Set when the process (tree) was killed: by the signal, or because it was cancelled/timed out. */
  killedBy?: string;
  /** Combined stdout+stderr; implementations keep head and tail within their own byte budget. */
  output: string;
  durationMs: number;
}

export interface ProcessRunner {
  /**
   * Runs a shell command line the USER configured (never model text) in `cwd`. Aborting `signal` kills the whole
   * process tree. Extra model-supplied values must travel in `env`, never spliced into the command line.
   */
  run(command: string, options: { cwd: string; signal: AbortSignal; env?: Record<string, string> }): Promise<ProcessResult>;
}
