import { z } from 'zod';
import type { Diagnostics } from '../host/diagnostics';
import type { LanguageFeatures } from '../host/language';
import type { Logger } from '../host/logger';
import type { ProcessRunner } from '../host/processRunner';
import type { Workspace } from '../host/workspace';
import type { ToolSpec } from '../providers/provider';
import type { FileTracker } from './fileTracker';

/** Decides approval, locking and early start: reads may start while the model is still streaming. */
export type AccessClass = 'read' | 'write' | 'exec';

/**
 * Which `fanout.approval` key decides whether a call asks first. By default it follows the access class (read / edit
 * / runTests); a tool that reaches further than its class says names its own key: run_command (`command`) and
 * fetch_url (`network`, since a URL can carry workspace data out).
 */
export type ApprovalKind = 'read' | 'edit' | 'runTests' | 'command' | 'network';

export interface FileAccess {
  /**
   * From a tool: the normalised workspace-relative path. The scheduler turns it into the lock key (the real file,
   * `Workspace.lockKey`) before locking, so every name of one file takes the same lock.
   */
  path: string;
  write: boolean;
  /** The whole folder: waits for earlier writes of any file under it (listings, searches and diagnostics see those writes). */
  tree?: boolean;
}

export interface ToolContext {
  signal: AbortSignal;
  /** The id of the call being run (set by the scheduler), so a tool's own events can name it. */
  callId?: string;
  workspace: Workspace;
  files: FileTracker;
  runner: ProcessRunner;
  logger: Logger;
  settings: ToolSettings;
  /** The host's problems: the Problems panel in VS Code, the lint command headless. */
  diagnostics?: Diagnostics;
  /** The host's language intelligence (symbols, definitions, references): VS Code only. */
  language?: LanguageFeatures;
  /**
   * Set by the scheduler. A write tool calls it right before it changes the workspace: from then on a stop or a
   * timeout no longer ends the call as cancelled once the grace period is over (the change may be made by then);
   * the call ends with what the tool reports. The tool still sees the stop on `signal` and returns as soon as the
   * change is made or refused.
   */
  committing?(): void;
  /**
   * Set by the scheduler when a person said yes to this very call, after being told why it asked (see
   * ToolDefinition.askFirst); fetch_url then reaches the private address it was approved for.
   */
  approved?: boolean;
}

export interface ToolSettings {
  /** Shell command line for run_tests, set by the user; undefined means detect. */
  testCommand?: string;
  /** Largest file read_file will load, in bytes. */
  maxFileBytes: number;
}

export const defaultToolSettings: ToolSettings = { maxFileBytes: 10 * 1024 * 1024 };

export interface ToolDefinition<S extends z.ZodType = z.ZodType> {
  /** snake_case, as the model sees it. */
  name: string;
  description: string;
  schema: S;
  /**
   * A JSON Schema declared to the model as is, instead of one generated from `schema`: for tools described by someone
   * else (MCP servers). `schema` still validates the input.
   */
  jsonSchema?: Record<string, unknown>;
  access: AccessClass;
  /**
   * A cap shared by every tool with the same key, on top of the global one: one MCP server's tools, so a server
   * that rate-limits is not sent more than it takes. The scheduler enforces it.
   */
  sharedLimit?: { key: string; maxConcurrent: number };
  /** The approval key when it is not the access class's own (see ApprovalKind). */
  approval?: ApprovalKind;
  /**
   * Why this call must ask a person even when its `fanout.approval` setting allows it (fetch_url: the URL leads to a
   * private network address), or undefined. Asked only where a person can answer (an approval gate); without one the
   * tool refuses such a call itself.
   */
  askFirst?(input: z.infer<S>, signal: AbortSignal): Promise<string | undefined>;
  /** This call's own time limit, when its input sets one (run_command's timeoutSeconds); wins over the scheduler's. */
  timeoutMs?(input: z.infer<S>): number | undefined;
  /**
   * The call runs a subagent whose own calls go through the same scheduler (delegate): it takes no global slot (its
   * subagent's calls do; holding one while they wait would deadlock a small cap), is never asked about (each of its
   * subagent's calls is), starts only once the turn is complete, and ends when its subagent has.
   */
  runsAgent?: boolean;
  /** Files the call reads or writes, from its validated input: the scheduler locks them in model order. */
  files?(input: z.infer<S>): FileAccess[];
  /** A short label for UIs and logs (the key argument: path, query...). */
  summary?(input: z.infer<S>): string;
  execute(input: z.infer<S>, ctx: ToolContext): Promise<string>;
}

export function approvalKind(tool: Pick<ToolDefinition, 'access' | 'approval'>): ApprovalKind {
  return tool.approval ?? (tool.access === 'read' ? 'read' : tool.access === 'write' ? 'edit' : 'runTests');
}

export function defineTool<S extends z.ZodType>(tool: ToolDefinition<S>): ToolDefinition<S> {
  return tool;
}

export type ToolRegistry = ReadonlyMap<string, ToolDefinition>;

export function toolRegistry(tools: readonly ToolDefinition[]): ToolRegistry {
  return new Map(tools.map((t) => [t.name, t]));
}

/** The model-facing declaration: JSON Schema generated from the same zod schema that validates the input (or the tool's own). */
export function toolSpec(tool: ToolDefinition): ToolSpec {
  const { $schema: _drop, ...parameters } = tool.jsonSchema ?? (z.toJSONSchema(tool.schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>);
  return { name: tool.name, description: tool.description, parameters: stripSafeIntegerBounds(parameters) as Record<string, unknown> };
}

/** zod writes `.int()` as bounds of ±2^53; they say nothing to a model and some providers' schema subsets choke on them. */
function stripSafeIntegerBounds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripSafeIntegerBounds);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if ((k === 'maximum' && v === Number.MAX_SAFE_INTEGER) || (k === 'minimum' && v === Number.MIN_SAFE_INTEGER)) continue;
    out[k] = stripSafeIntegerBounds(v);
  }
  return out;
}
