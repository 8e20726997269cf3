import { readFile } from 'node:fs/promises';
import { childEnv, type ChildEnvPolicy } from '../host/childEnv';
import type { McpServerConfig } from './config';

/**
 * A stdio server's environment, as VS Code builds it: the host's environment, then the envFile, then "env", where
 * null removes a variable. The model providers' keys are Fanout's, not the servers': they are withheld from the
 * inherited part (host/childEnv), so a server that needs one names it in its own "env" or envFile.
 */
export async function stdioEnv(
  config: Extract<McpServerConfig, { transport: 'stdio' }>,
  inherited: Readonly<Record<string, string | undefined>>,
  policy?: ChildEnvPolicy,
): Promise<Record<string, string>> {
  const env = childEnv(inherited, policy);
  if (config.envFile) Object.assign(env, await readEnvFile(config.envFile));
  for (const [k, v] of Object.entries(config.env)) {
    if (v === null) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Reads a dotenv file (`KEY=value`, `# comments`, optional `export `, single or double quotes) as VS Code's `envFile` does. */
export async function readEnvFile(file: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read envFile ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseEnvFile(text);
}

export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*?)\s*$/.exec(raw);
    if (!m) continue;
    let value = m[2];
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    env[m[1]] = value;
  }
  return env;
}
