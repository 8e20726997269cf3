import type { AccessClass, ToolDefinition } from '../tools/tool';

export interface ApprovalRequest {
  id: string;
  name: string;
  summary: string;
  access: AccessClass;
  arguments: string;
}

export interface ApprovalDecision {
  allowed: boolean;
  /** The user's words, passed back to the model with a denial. */
  reason?: string;
}

/**
 * The host decides which calls need a person's yes. Calls that do not are already running while the user decides
 * on the rest; all calls of one batch that need approval arrive in ONE request.
 */
export interface ApprovalGate {
  needsApproval(tool: ToolDefinition, input: unknown): boolean;
  request(calls: ApprovalRequest[], signal: AbortSignal): Promise<Map<string, ApprovalDecision>>;
}

export type ApprovalMode = 'auto' | 'ask';
export interface ApprovalPolicy {
  read: ApprovalMode;
  edit: ApprovalMode;
  runTests: ApprovalMode;
}

export const defaultApprovalPolicy: ApprovalPolicy = { read: 'auto', edit: 'auto', runTests: 'auto' };

/** Maps a tool's access class to the user's per-class setting. */
export function policyNeedsApproval(policy: ApprovalPolicy, tool: Pick<ToolDefinition, 'access'>): boolean {
  const mode = tool.access === 'read' ? policy.read : tool.access === 'write' ? policy.edit : policy.runTests;
  return mode === 'ask';
}
