import * as vscode from 'vscode';
import type { ApprovalPrompt } from '../agent/approvalBroker';
import type { ApprovalRequest } from '../agent/approvals';
import type { ApprovalCall, HostMessage } from '../shared/protocol';
import { approvalKind } from '../tools/tool';

/** The `fanout.approval` keys a user may set to "auto" from an approval card ("Always allow … in this workspace"). */
const ALWAYS_ALLOWABLE = new Set(['read', 'edit', 'runTests']);

/** Which `fanout.approval` key governs a call (the scheduler says; older requests fall back to the access class). */
function approvalSetting(call: Pick<ApprovalRequest, 'kind' | 'access'>): string {
  return call.kind ?? approvalKind(call);
}

/**
 * What an approval card needs to say about a call: why it asks (the user's setting, or Restricted Mode forcing it
 * for something that runs the folder's code), and whether "Always allow" is safe to offer: only in a trusted
 * workspace, and never for arbitrary commands.
 */
export function describeApproval(call: ApprovalRequest): ApprovalCall {
  const setting = approvalSetting(call);
  const trusted = vscode.workspace.isTrusted;
  const configured = (vscode.workspace.getConfiguration('fanout').get<Record<string, unknown>>('approval') ?? {})[setting];
  const why = !trusted && configured !== 'ask' && ['runTests', 'command', 'network'].includes(setting) ? 'restricted' : 'setting';
  const { kind: _kind, because, ...shown } = call;
  if (because) return { ...shown, why: 'private-network', note: because.slice(0, 500), setting, alwaysAllow: false };
  return { ...shown, why, setting, alwaysAllow: trusted && ALWAYS_ALLOWABLE.has(setting) };
}

/** "Always allow": `fanout.approval.<setting>` = "auto" in this workspace's settings. False when it is not allowed. */
export async function alwaysAllow(setting: string): Promise<boolean> {
  if (!vscode.workspace.isTrusted || !ALWAYS_ALLOWABLE.has(setting) || !vscode.workspace.workspaceFolders?.length) return false;
  const config = vscode.workspace.getConfiguration('fanout');
  const current = config.inspect<Record<string, unknown>>('approval');
  const base = { ...(current?.workspaceValue ?? {}) };
  await config.update('approval', { ...base, [setting]: 'auto' }, vscode.ConfigurationTarget.Workspace);
  return true;
}

/** An approval card's message: each call with why it asks and whether "Always allow" may be offered. */
export function approvalMessage(prompt: ApprovalPrompt): HostMessage {
  return { type: 'approval-request', requestId: prompt.requestId, calls: prompt.calls.map(describeApproval) };
}
