import type { BatchLog } from './scheduler';

/** One log line per batch: turn, wall time, and each call with its duration and outcome. */
export function formatBatchLog(log: BatchLog): string {
  const calls = log.calls
    .map((c) => `${c.name}(${c.summary})${c.early ? '^' : ''}${c.sharedWith ? ` =${c.sharedWith}` : ''} ${c.ms}ms ${c.ok ? 'ok' : (c.error ?? c.state)}`)
    .join(', ');
  const failed = log.calls.filter((c) => !c.ok).length;
  const stream = log.streamEndMs !== undefined ? ` stream=${log.streamEndMs}ms` : '';
  return `${log.agent ? `[${log.agent}] ` : ''}batch turn=${log.turn} calls=${log.calls.length} failed=${failed} wall=${log.wallMs}ms${stream}: ${calls}`;
}
