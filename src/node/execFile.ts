import { execFile as nodeExecFile } from 'node:child_process';
import type { ExecFileOptions, FileResult } from '../host/processRunner';

const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

/**
 * An executable with an argument array and no shell, for tools whose arguments come from the model (git): nothing
 * is parsed by a shell. Output past `maxBytes` stops the process and is reported as truncated, not as a failure.
 * Aborting kills the process (these are short-lived single processes, not trees).
 */
export function execFileBounded(file: string, args: readonly string[], options: ExecFileOptions, baseEnv: NodeJS.ProcessEnv): Promise<FileResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const env: NodeJS.ProcessEnv = { ...baseEnv };
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve, reject) => {
    nodeExecFile(
      file,
      [...args],
      { cwd: options.cwd, env, signal: options.signal, maxBuffer: maxBytes, encoding: 'buffer', windowsHide: true },
      (error, stdout, stderr) => {
        const out = { stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8') };
        if (!error) return resolve({ exitCode: 0, ...out, truncated: false });
        const e = error as NodeJS.ErrnoException & { code?: string | number };
        if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return resolve({ exitCode: null, ...out, truncated: true });
        if (typeof e.code === 'number') return resolve({ exitCode: e.code, ...out, truncated: false });
        if (options.signal.aborted) return reject(options.signal.reason);
        reject(error);
      },
    );
  });
}
