/** Machine-readable reason codes the model sees in `Error (<code>): ...` results. */
export type ToolErrorCode =
  | 'invalid_json'
  | 'invalid_arguments'
  | 'unknown_tool'
  | 'duplicate_call_id'
  | 'too_many_calls'
  | 'timeout'
  | 'cancelled'
  | 'denied'
  | 'not_allowed'
  | 'path_outside_workspace'
  | 'invalid_path'
  | 'not_found'
  | 'is_directory'
  | 'not_a_directory'
  | 'binary_file'
  | 'special_file'
  | 'unsupported_encoding'
  | 'too_large'
  | 'already_exists'
  | 'stale_file'
  | 'no_match'
  | 'ambiguous_match'
  | 'unavailable'
  | 'failed';

/** Symbol.for: one key across bundles (see is()). */
const TOOL_ERROR = Symbol.for('fanout.ToolError');

/** An expected failure with advice for the model. Anything else thrown by a tool is reported as `failed`. */
export class ToolError extends Error {
  /** Whether `e` is a ToolError from any bundle: a lazy bundle (dist/lazy/*) has its own copy of this class. */
  static is(e: unknown): e is ToolError {
    return typeof e === 'object' && e !== null && (e as { [TOOL_ERROR]?: unknown })[TOOL_ERROR] === true;
  }
  readonly [TOOL_ERROR] = true;
  constructor(
    readonly code: ToolErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ToolError';
  }
}

export function formatToolError(code: ToolErrorCode, message: string): string {
  return `Error (${code}): ${message}`;
}
