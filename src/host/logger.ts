/** The subset of VS Code's LogOutputChannel the core uses; the Node side writes to stderr. */
export interface Logger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string | Error, ...args: unknown[]): void;
}

export const silentLogger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/**
 * Wraps a logger so that no secret it knows of is ever written, whatever a caller formats into a message.
 * Secrets shorter than 8 characters are ignored: masking them would garble ordinary text.
 */
export function redactingLogger(inner: Logger, secrets: () => Iterable<string>): Logger {
  const scrub = (value: unknown): unknown => {
    let text = typeof value === 'string' ? value : value instanceof Error ? `${value.name}: ${value.message}` : value;
    if (typeof text !== 'string') {
      try {
        text = JSON.stringify(value);
      } catch {
        return '[unserialisable]';
      }
    }
    let out = text as string;
    for (const s of secrets()) if (s && s.length >= 8) out = out.split(s).join('[redacted]');
    return out;
  };
  const wrap =
    (fn: (m: string, ...a: unknown[]) => void) =>
    (message: string | Error, ...args: unknown[]) =>
      fn(scrub(message) as string, ...args.map(scrub));
  return {
    trace: wrap(inner.trace.bind(inner)),
    debug: wrap(inner.debug.bind(inner)),
    info: wrap(inner.info.bind(inner)),
    warn: wrap(inner.warn.bind(inner)),
    error: wrap(inner.error.bind(inner) as (m: string, ...a: unknown[]) => void),
  };
}
