import { addUsage, type Message, type Usage } from '../../shared/transcript';
import { FileTracker } from '../../tools/fileTracker';
import { toolRegistry, toolSpec, type ToolContext, type ToolRegistry } from '../../tools/tool';
import { runAgent, type AgentConfig, type AgentEvent, type ChildAgents, type RunOutcome } from '../loop';
import { TrackingWorkspace } from '../trackingWorkspace';
import { DELEGATE_TOOL, describe, type DelegateInput } from './delegateTool';
import { answerResult, failureError, subagentSystemPrompt } from './prompt';

export interface SubagentOptions {
  /** The parent's tools (built-in and MCP); a subagent gets them without delegate, and only the read-only ones unless canEdit. */
  tools: ToolRegistry;
  /** fanout.subagentModel; undefined: the parent's model. */
  model?: string;
  /** fanout.subagentMaxTurns. */
  maxTurns: number;
  workspaceName: string;
}

/**
 * The subagents of one run. Each delegate call runs a nested agent loop with its own transcript, tools, file tracker
 * and turn limit, on the PARENT'S scheduler: one global cap, one table of file locks, one approval gate for every agent.
 * The parent's run attaches its event listener and config (see ChildAgents); subagent events are forwarded with their
 * label ("sub-1", in the order they start) and their usage is added to the parent's totals.
 */
export class Subagents implements ChildAgents {
  private emit: (event: AgentEvent) => void = () => {};
  private parent: AgentConfig | undefined;
  private seq = 0;
  private total: Usage = addUsage(undefined, undefined);

  constructor(private readonly options: SubagentOptions) {}

  attach(emit: (event: AgentEvent) => void, parent: AgentConfig): void {
    this.emit = emit;
    this.parent = parent;
    this.seq = 0;
    this.total = addUsage(undefined, undefined);
  }

  usage(): Usage {
    return this.total;
  }

  /** The delegate tool's execute: resolves with the answer and changed files, throws a ToolError saying why there is none. */
  async run(input: DelegateInput, ctx: ToolContext): Promise<string> {
    const parent = this.parent;
    if (!parent) throw new Error('delegate ran outside an agent run');
    const agent = `sub-${++this.seq}`;
    const canEdit = input.canEdit === true;
    const tools = subagentTools(this.options.tools, canEdit);
    const changed = new Set<string>();
    const config: AgentConfig = {
      ...parent,
      model: this.options.model || parent.model,
      system: subagentSystemPrompt(this.options.workspaceName, canEdit),
      tools: [...tools.values()].map(toolSpec),
      maxTurns: this.options.maxTurns,
      children: undefined,
      // Its own tracker: an edit based on what THIS agent read is refused once another agent has changed the file.
      owner: { agent, tools, context: { files: new FileTracker(), workspace: new TrackingWorkspace(ctx.workspace, (path) => changed.add(path)) } },
    };
    const base = { type: 'subagent' as const, agent, callId: ctx.callId ?? agent, description: describe(input), model: config.model };
    this.emit({ ...base, status: 'started', turns: 0 });
    let outcome: RunOutcome | undefined;
    try {
      outcome = await runAgent(config, [] as Message[], input.prompt, {
        signal: ctx.signal,
        // Its own `done` is said by the subagent event below, with what the parent needs.
        onEvent: (e) => e.type !== 'done' && this.emit({ ...e, agent }),
      });
    } finally {
      if (outcome) this.total = addUsage(this.total, outcome.usage);
      const status = outcome?.status === 'final' ? 'done' : 'failed';
      this.emit({ ...base, status, turns: outcome?.turns ?? 0, usage: outcome?.usage, text: outcome?.text ?? 'The subagent could not run.' });
    }
    const files = [...changed].sort();
    if (outcome.status === 'final') return answerResult(agent, outcome.text, files);
    throw failureError(agent, outcome, files, ctx.signal, this.options.maxTurns);
  }
}

/** A subagent's tools: no delegate (depth 1), and read-only ones unless it may edit. */
export function subagentTools(parentTools: ToolRegistry, canEdit: boolean): ToolRegistry {
  return toolRegistry([...parentTools.values()].filter((t) => t.name !== DELEGATE_TOOL && !t.runsAgent && (canEdit || t.access === 'read')));
}
