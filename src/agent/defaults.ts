// One home for the scheduler's defaults: the scheduler, the agent settings, the setting reader and the README read
// them from here (package.json's defaults repeat them; a unit test keeps the two equal).

/**
 * Calls running at once (`fanout.maxConcurrentTools`, `--max-concurrent`): enough for the headline review batch
 * (8 files x 3 tools) in one wave, so a test run never waits behind the reads that started while the model streamed.
 * Heavy or rate-limited tools have their own, lower caps (below, and each MCP server's `maxConcurrent`).
 */
export const DEFAULT_MAX_CONCURRENT_TOOLS = 24;
/** A call still running after this long is stopped (`fanout.toolTimeoutSeconds`). */
export const DEFAULT_TOOL_TIMEOUT_SECONDS = 30;

/**
 * A model request with no first byte after this long is abandoned (`fanout.requestTimeoutSeconds`,
 * `--request-timeout`); a turn's timed-out attempts may take twice that in all, so a dead server costs ~2 minutes.
 */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 60;

/** A per-tool override of the global cap and timeout, as `fanout.toolLimits` spells it. */
export interface ToolLimitSetting {
  maxConcurrent?: number;
  timeoutSeconds?: number;
}

/**
 * run_tests: 8 at once so that a review batch (one test run per file, typically 8) never splits into two waves;
 * 300 s because a whole test suite is slow. run_command: 4 at once (builds and linters are heavy), 120 s unless the
 * call sets its own timeoutSeconds. Still a setting: `fanout.toolLimits`.
 */
export const DEFAULT_TOOL_LIMITS: Readonly<Record<string, ToolLimitSetting>> = {
  run_tests: { maxConcurrent: 8, timeoutSeconds: 300 },
  run_command: { maxConcurrent: 4, timeoutSeconds: 120 },
};

/** Settings in seconds to the scheduler's per-tool limits in milliseconds, over the defaults (a tool's fields merge). */
export function perToolLimits(overrides: Readonly<Record<string, ToolLimitSetting>> = {}): Record<string, { maxConcurrent?: number; timeoutMs?: number }> {
  const out: Record<string, { maxConcurrent?: number; timeoutMs?: number }> = {};
  for (const name of new Set([...Object.keys(DEFAULT_TOOL_LIMITS), ...Object.keys(overrides)])) {
    const merged = { ...DEFAULT_TOOL_LIMITS[name], ...overrides[name] };
    out[name] = {
      ...(merged.maxConcurrent !== undefined && { maxConcurrent: merged.maxConcurrent }),
      ...(merged.timeoutSeconds !== undefined && { timeoutMs: merged.timeoutSeconds * 1000 }),
    };
  }
  return out;
}
