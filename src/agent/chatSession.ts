import type { Logger } from '../host/logger';
import type { Workspace } from '../host/workspace';
import type { ConversationView, UiAgentEvent } from '../shared/protocol';
import { addUsage, type Usage } from '../shared/transcript';
import { FileTracker } from '../tools/fileTracker';
import type { ToolRegistry } from '../tools/tool';
import { ChangeTracker } from './changeTracker';
import { titleFor, type Conversation } from './conversation';
import { ContextManager } from './context/contextManager';
import { newContextState } from './context/requestView';
import { runAgent, type AgentConfig, type AgentEvent, type RunOutcome } from './loop';
import { recordLaneEvent } from './subagents/laneRecord';
import { TrackingWorkspace } from './trackingWorkspace';
import { toUiEvent } from './uiEvents';

export interface ChatSessionOptions {
  conversation: Conversation;
  /** Builds one run's configuration (provider, settings, tools) around the session's file tracker and workspace. */
  configure(host: { files: FileTracker; workspace: Workspace }): Promise<AgentConfig>;
  /** Resolved at each request: the folder may be opened (or changed) after the chat was. */
  workspace(): Promise<Workspace>;
  tools: ToolRegistry;
  /** Persists the conversation; called at each turn start, after each batch and at the end of a run. */
  save(conversation: Conversation): Promise<void>;
  emit(event: UiAgentEvent): void;
  /** The agent wrote a file (the review list changed). */
  onFileChanged?(path: string): void;
  /** The agent deleted a file (`paths`: it) or renamed one (the old and the new name), after onFileChanged for each. */
  onFileOperation?(paths: string[]): void;
  /** Estimated cost of one request's usage with `model`; undefined when its price is unknown. */
  costUsd?(model: string, usage: Usage): number | undefined;
  logger: Logger;
}

export class SessionBusyError extends Error {
  constructor() {
    super('This chat is still working on the last request. Stop it first, or start a new chat.');
  }
}

/**
 * One conversation and at most one running agent. Keeps what a freshly loaded chat view needs to catch up with a
 * run in progress: the transcript as of the current turn's start, plus that turn's events so far to replay.
 */
export class ChatSession {
  readonly changes = new ChangeTracker();
  /** What the agent has seen of each file, for the stale-read check; lives as long as the conversation. */
  private readonly files = new FileTracker();
  private abort: AbortController | undefined;
  /** This run's estimated cost so far (undefined while no request had a known price). */
  private runCostUsd: number | undefined;
  /** This run's subagents: the model each one prices its usage with, and its cost so far. */
  private subagents = new Map<string, { model: string; costUsd?: number }>();
  private current: Promise<unknown> = Promise.resolve();
  private turnEvents: UiAgentEvent[] = [];
  private turnBase = { messages: 0, batches: 0, subagents: 0, usage: addUsage(undefined, undefined), costUsd: undefined as number | undefined };

  constructor(private readonly options: ChatSessionOptions) {}

  get conversation(): Conversation {
    return this.options.conversation;
  }

  get running(): boolean {
    return this.abort !== undefined;
  }

  /** Runs one user request to its end (answer, stop, error or max turns). Rejects only when the run cannot start. */
  send(userText: string): Promise<RunOutcome> {
    if (this.abort) return Promise.reject(new SessionBusyError());
    const run = this.run(userText);
    this.current = run.catch(() => undefined);
    return run;
  }

  /** Resolves once no request is running (and its last save is done). */
  idle(): Promise<void> {
    return this.current.then(() => undefined);
  }

  private async run(userText: string): Promise<RunOutcome> {
    const c = this.conversation;
    const abort = new AbortController();
    this.abort = abort;
    let started = false;
    try {
      const workspace = new TrackingWorkspace(
        await this.options.workspace(),
        (path, before, after) => {
          this.changes.recordWrite(path, before, { text: after });
          this.options.onFileChanged?.(path);
        },
        (paths) => this.options.onFileOperation?.(paths),
      );
      const config = this.withContext(await this.options.configure({ files: this.files, workspace }));
      const messageIndex = c.messages.length;
      if (!c.messages.some((m) => m.role === 'user')) c.title = titleFor(userText);
      this.changes.beginCheckpoint(messageIndex);
      this.turnEvents = [];
      this.runCostUsd = undefined;
      this.subagents = new Map();
      this.turnBase = { messages: messageIndex, batches: c.batches.length, subagents: c.subagents?.length ?? 0, usage: c.usage, costUsd: c.costUsd };
      started = true;
      this.emit({ type: 'run-start', userText, messageIndex });
      const outcome = await runAgent(config, c.messages, userText, { signal: abort.signal, onEvent: (e) => this.onAgentEvent(e, config.model) });
      if (outcome.status === 'error') this.options.logger.warn(`run ended with ${outcome.error?.kind ?? 'an error'}: ${outcome.text}`);
      return outcome;
    } finally {
      this.abort = undefined;
      this.turnEvents = [];
      if (started) {
        c.updatedAt = Date.now();
        await this.persist();
      }
    }
  }

  /** The conversation's compaction state goes with every run, so that a summary or elision outlives the run. */
  private withContext(config: AgentConfig): AgentConfig {
    const c = this.conversation;
    c.context ??= newContextState();
    return { ...config, context: { ...config.context, state: c.context } };
  }

  /** `fanout.compact` / `/compact`: compacts the conversation now (a summary request to the model). */
  async compact(): Promise<boolean> {
    if (this.abort) throw new SessionBusyError();
    const abort = (this.abort = new AbortController());
    try {
      const config = this.withContext(await this.options.configure({ files: this.files, workspace: await this.options.workspace() }));
      const manager = new ContextManager({ ...config, settings: config.context, emit: (e) => this.onAgentEvent(e, config.model), warn: (m) => this.options.logger.warn(m) });
      return await manager.compactNow(this.conversation.messages, abort.signal);
    } finally {
      this.abort = undefined;
      await this.persist();
    }
  }

  /**
   * The text that retries the last request after a failure: the same words when the model never answered them (taken
   * back out of the transcript, so they are not sent twice), otherwise a request to carry on from where it stopped.
   */
  retryText(): string | undefined {
    const messages = this.conversation.messages;
    const last = messages[messages.length - 1];
    if (this.running || !last) return undefined;
    if (last.role !== 'user') return 'Continue where you left off.';
    messages.pop();
    return last.text;
  }

  /**
   * Takes the conversation back to just before the user message at `messageIndex` (after "Restore checkpoint" put
   * the files back): that message and everything after it leave the transcript, so the model no longer believes its
   * edits exist. Returns the message's text (for the prompt box), or undefined when there is no such message.
   */
  rewind(messageIndex: number): string | undefined {
    const c = this.conversation;
    const message = c.messages[messageIndex];
    if (this.running || message?.role !== 'user') return undefined;
    c.messages.splice(messageIndex);
    const kept = new Set(c.messages.flatMap((m) => (m.role === 'assistant' ? m.toolCalls.map((t) => t.id) : [])));
    c.batches = c.batches.filter((b) => b.calls.some((call) => kept.has(call.id)));
    c.updatedAt = Date.now();
    void this.persist();
    return message.text;
  }

  /** Stops the running request: tools are cancelled, the model request is aborted. */
  stop(): boolean {
    if (!this.abort) return false;
    this.abort.abort(new Error('stopped by the user'));
    return true;
  }

  /** The conversation as a chat view draws it; during a run, as of the current turn's start (see `replay`). */
  view(): ConversationView {
    const c = this.conversation;
    const live = this.running;
    return {
      id: c.id,
      title: c.title,
      messages: live ? c.messages.slice(0, this.turnBase.messages) : c.messages,
      batches: live ? c.batches.slice(0, this.turnBase.batches) : c.batches,
      usage: live ? this.turnBase.usage : c.usage,
      costUsd: live ? this.turnBase.costUsd : c.costUsd,
      running: live,
      compactions: (c.compactions ?? []).filter((k) => !live || k.messageIndex <= this.turnBase.messages),
      context: c.contextUse,
      // The running turn's lanes come with its replayed events.
      subagents: live ? c.subagents?.slice(0, this.turnBase.subagents) : c.subagents,
    };
  }

  /** The running turn's events so far, to send after `view()` so a reloaded chat view shows the turn in progress. */
  replay(): UiAgentEvent[] {
    return this.running ? [...this.turnEvents] : [];
  }

  private onAgentEvent(event: AgentEvent, model: string): void {
    if (event.agent) return this.onSubagentEvent(event, model);
    const c = this.conversation;
    let costUsd: number | undefined;
    switch (event.type) {
      case 'turn-start':
        this.turnEvents = [];
        this.turnBase = { messages: c.messages.length, batches: c.batches.length, subagents: c.subagents?.length ?? 0, usage: c.usage, costUsd: c.costUsd };
        void this.persist();
        break;
      case 'usage':
        costUsd = this.addUsage(model, event.usage);
        break;
      case 'done':
        costUsd = this.runCostUsd;
        break;
      case 'compact':
        (c.compactions ??= []).push({ messageIndex: c.messages.length, beforeTokens: event.beforeTokens, afterTokens: event.afterTokens, reason: event.reason, summary: event.summary });
        void this.persist();
        break;
      case 'context':
        c.contextUse = { tokens: event.tokens, window: event.window };
        break;
      case 'batch':
        c.batches.push(event.log);
        c.updatedAt = Date.now();
        void this.persist();
        break;
      default:
        break;
    }
    this.emit(toUiEvent(event, { tools: this.options.tools, costUsd }));
  }

  /**
   * A subagent's event: its usage and cost roll up into the conversation's (priced with its own model), its batches
   * stay in its lane (the transcript holds the main agent's turns only), and its turns never restart the replay.
   */
  private onSubagentEvent(event: AgentEvent, model: string): void {
    let costUsd: number | undefined;
    const agent = event.agent!;
    if (event.type === 'subagent') {
      if (event.status === 'started') this.subagents.set(agent, { model: event.model });
      costUsd = this.subagents.get(agent)?.costUsd;
    } else if (event.type === 'usage') {
      const sub = this.subagents.get(agent);
      costUsd = this.addUsage(sub?.model ?? model, event.usage);
      if (sub && costUsd !== undefined) sub.costUsd = (sub.costUsd ?? 0) + costUsd;
    }
    const ui = toUiEvent(event, { tools: this.options.tools, costUsd });
    // Kept with the conversation (saved with the parent's batch), so the lane is drawn again after a reload.
    recordLaneEvent((this.conversation.subagents ??= []), ui);
    this.emit(ui);
  }

  /** Adds one request's usage to the conversation and this run; returns its estimated cost. */
  private addUsage(model: string, usage: Usage): number | undefined {
    const c = this.conversation;
    c.usage = addUsage(c.usage, usage);
    // Priced per request (a long prompt may cost more per token), then added up.
    const costUsd = this.options.costUsd?.(model, usage);
    if (costUsd !== undefined) {
      c.costUsd = (c.costUsd ?? 0) + costUsd;
      this.runCostUsd = (this.runCostUsd ?? 0) + costUsd;
    }
    return costUsd;
  }

  private emit(event: UiAgentEvent): void {
    if (this.running && event.type !== 'run-start') this.turnEvents.push(event);
    this.options.emit(event);
  }

  private persist(): Promise<void> {
    return this.options.save(this.conversation).catch((e: unknown) => this.options.logger.error(`could not save the conversation: ${(e as Error).message}`));
  }
}
