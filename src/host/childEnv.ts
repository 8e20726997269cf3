// The one place that decides which environment a child process inherits: test runs and commands (the process
// runner) and MCP stdio servers. A prompt-injected model can make any of them print its environment, so the model
// providers' keys are withheld unless the user lets a variable through by name.
import { API_KEY_ENV } from '../providers';

/** Variables that hold model-provider keys (GOOGLE_API_KEY: the Gemini SDK reads it too). */
export const PROVIDER_KEY_VARS: readonly string[] = [...new Set([...Object.values(API_KEY_ENV).filter((v): v is string => !!v), 'GOOGLE_API_KEY'])];

export interface ChildEnvPolicy {
  /** The keys in use, wherever they came from (SecretStorage, a flag, the environment): withheld under any name. */
  secrets?(): Iterable<string>;
  /** Variables the user lets through by name (fanout.passEnv, --pass-env), provider keys included. */
  passThrough?(): readonly string[];
}

/** Secrets shorter than this are not matched inside other values: it would withhold ordinary variables. */
const MIN_SECRET_CHARS = 8;

/**
 * `inherited` minus every provider key variable and every variable whose value contains a key in use, except the
 * ones the policy lets through; then `extra` (values the caller sets on purpose) on top.
 */
export function childEnv(
  inherited: Readonly<Record<string, string | undefined>>,
  policy: ChildEnvPolicy = {},
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  // Windows variable names are case-insensitive.
  const norm = (name: string) => (process.platform === 'win32' ? name.toUpperCase() : name);
  const allowed = new Set((policy.passThrough?.() ?? []).map(norm));
  const named = new Set(PROVIDER_KEY_VARS.map(norm));
  const secrets = [...(policy.secrets?.() ?? [])].filter((s) => s && s.length >= MIN_SECRET_CHARS);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(inherited)) {
    if (value === undefined) continue;
    const withheld = named.has(norm(name)) || secrets.some((s) => value.includes(s));
    if (!withheld || allowed.has(norm(name))) env[name] = value;
  }
  return Object.assign(env, extra);
}
