import { approvalKind, type AccessClass, type ApprovalKind, type ToolDefinition } from '../tools/tool';

export interface ApprovalRequest {
  id: string;
  name: string;
  summary: string;
  access: AccessClass;
  /** The `fanout.approval` key that made it ask (absent: the access class's own). */
  kind?: ApprovalKind;
  arguments: string;
  /** The subagent that asks ("sub-1"); absent for the main agent. */
  agent?: string;
  /** Why the call asks although its setting may allow it (ToolDefinition.askFirst), shown to the user. */
  because?: string;
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
/** One mode per `fanout.approval` key. */
export type ApprovalPolicy = Record<ApprovalKind, ApprovalMode>;

/** Shell commands and web fetches ask by default: the model writes them, and either can send workspace data out. */
export const defaultApprovalPolicy: ApprovalPolicy = { read: 'auto', edit: 'auto', runTests: 'auto', command: 'ask', network: 'ask' };

/** Maps a tool to the user's setting for its kind (its access class unless the tool names its own key). */
export function policyNeedsApproval(policy: ApprovalPolicy, tool: Pick<ToolDefinition, 'access' | 'approval'>): boolean {
  return policy[approvalKind(tool)] === 'ask';
}
