export interface ProcessResult {
  exitCode: number | null;
  /** Set when the process (tree) was killed: by the signal, or because it was cancelled/timed out. */
  killedBy?: string;
  /** Combined stdout+stderr; implementations keep head and tail within their own byte budget. */
  output: string;
  durationMs: number;
}

export interface FileResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** stdout went past `maxBytes`; the process was stopped there. */
  truncated: boolean;
}

export interface ExecFileOptions {
  cwd: string;
  signal: AbortSignal;
  /** Added to the environment; a variable set to undefined is removed. */
  env?: Record<string, string | undefined>;
  /** stdout kept at most (default 4 MB); past it the process is stopped and `truncated` set. */
  maxBytes?: number;
}

export interface ProcessRunner {
  /**
   * Runs a shell command line in `cwd`: one the USER configured (run_tests), or one the model wrote and the user's
   * approval setting let through (run_command). Model-supplied values for a user's command travel in `env`, never
   * spliced into the command line. However the command ends (it exits, times out or is stopped through `signal`),
   * the promise settles only once every process it started is gone: leftovers get TERM, then KILL after a short grace.
   */
  run(command: string, options: { cwd: string; signal: AbortSignal; env?: Record<string, string> }): Promise<ProcessResult>;
  /** Runs an executable with an argument array and no shell (git): arguments are never parsed by a shell. */
  execFile(file: string, args: readonly string[], options: ExecFileOptions): Promise<FileResult>;
  /** Stops every command still running and waits until their processes are gone (before a host exits). */
  dispose(): Promise<void>;
}
