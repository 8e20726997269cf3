import { policyNeedsApproval, type ApprovalDecision, type ApprovalGate, type ApprovalPolicy, type ApprovalRequest } from './approvals';

export interface ApprovalPrompt {
  requestId: string;
  calls: ApprovalRequest[];
}

export interface ApprovalBrokerOptions {
  /** Read on every call, so a settings change applies to the next batch. */
  policy: () => ApprovalPolicy;
  /** Shows one card for the batch's calls; the answer comes back through `respond`. */
  show: (prompt: ApprovalPrompt) => void;
  /** The request was answered or its run stopped: the card can go. */
  close: (requestId: string) => void;
}

/**
 * The ApprovalGate of a chat UI: each batch's calls that need a yes become one prompt, answered later by whatever
 * UI shows it. Requests stay open until answered or their run stops, and can be shown again (`openPrompts`) when
 * the UI reloads.
 */
export class ApprovalBroker implements ApprovalGate {
  private readonly open = new Map<string, { calls: ApprovalRequest[]; finish: (d: Map<string, ApprovalDecision>) => void }>();
  private seq = 0;

  constructor(private readonly options: ApprovalBrokerOptions) {}

  needsApproval(tool: Parameters<ApprovalGate['needsApproval']>[0]): boolean {
    return policyNeedsApproval(this.options.policy(), tool);
  }

  request(calls: ApprovalRequest[], signal: AbortSignal): Promise<Map<string, ApprovalDecision>> {
    const requestId = `approval-${Date.now().toString(36)}-${++this.seq}`;
    return new Promise((resolve) => {
      const finish = (decisions: Map<string, ApprovalDecision>) => {
        this.open.delete(requestId);
        signal.removeEventListener('abort', onAbort);
        this.options.close(requestId);
        resolve(decisions);
      };
      const onAbort = () => finish(new Map(calls.map((c) => [c.id, { allowed: false, reason: 'the run was stopped' }])));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.open.set(requestId, { calls, finish });
      this.options.show({ requestId, calls });
    });
  }

  /** Applies the user's answers; a call left without one is denied. False when the request is no longer open. */
  respond(requestId: string, decisions: readonly { id: string; allowed: boolean; reason?: string }[]): boolean {
    const entry = this.open.get(requestId);
    if (!entry) return false;
    const byId = new Map(decisions.map((d) => [d.id, d]));
    const answers = new Map<string, ApprovalDecision>();
    for (const call of entry.calls) {
      const d = byId.get(call.id);
      answers.set(call.id, d ? { allowed: d.allowed, reason: d.reason?.trim() || undefined } : { allowed: false, reason: 'no decision was given' });
    }
    entry.finish(answers);
    return true;
  }

  openPrompts(): ApprovalPrompt[] {
    return [...this.open].map(([requestId, { calls }]) => ({ requestId, calls }));
  }
}
