import type { ToolCall } from '../shared/transcript';
import type { FileAccess, ToolDefinition, ToolRegistry } from '../tools/tool';
import { ToolError } from '../tools/toolError';

export type PreparedCall =
  | { ok: true; call: ToolCall; tool: ToolDefinition; input: unknown; files: FileAccess[]; summary: string }
  | { ok: false; call: ToolCall; error: ToolError; summary: string };

const MAX_ARGUMENT_CHARS = 1_000_000;

/**
 * Parses and validates one call centrally, so every tool gets the same clear errors for bad input. `lockKey` maps the
 * paths the tool names to the files they really are (see `Workspace.lockKey`); the returned `files` carry those keys.
 */
export function prepareCall(call: ToolCall, tools: ToolRegistry, lockKey: (path: string) => string = (p) => p): PreparedCall {
  const fail = (error: ToolError): PreparedCall => ({ ok: false, call, error, summary: '' });
  const tool = tools.get(call.name);
  if (!tool) {
    const known = [...tools.keys()].join(', ');
    return fail(new ToolError('unknown_tool', `There is no tool named ${JSON.stringify(call.name)}. Available tools: ${known}.`));
  }
  if (call.arguments.length > MAX_ARGUMENT_CHARS) {
    return fail(new ToolError('invalid_arguments', `The arguments are ${call.arguments.length.toLocaleString('en-US')} characters, over the ${MAX_ARGUMENT_CHARS.toLocaleString('en-US')} limit. Split the work into smaller calls.`));
  }
  let raw: unknown;
  try {
    raw = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
  } catch (e) {
    return fail(new ToolError('invalid_json', `The arguments are not valid JSON (${(e as Error).message}). Send a JSON object matching the ${tool.name} schema.`));
  }
  const parsed = tool.schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(arguments)'}: ${i.message}`);
    return fail(new ToolError('invalid_arguments', `Invalid arguments for ${tool.name}: ${issues.join('; ')}.`));
  }
  try {
    const input = parsed.data;
    const files = (tool.files?.(input) ?? []).map((f) => ({ ...f, path: lockKey(f.path) }));
    return { ok: true, call, tool, input, files, summary: tool.summary?.(input) ?? '' };
  } catch (e) {
    // files() normalises paths, so a path outside the workspace is caught here, before anything runs or locks.
    if (ToolError.is(e)) return fail(e);
    throw e;
  }
}
