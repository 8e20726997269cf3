import { setMaxListeners } from 'node:events';
import pLimit, { type LimitFunction } from 'p-limit';
import type { ToolCall, ToolResult } from '../shared/transcript';
import { approvalKind, type FileAccess, type ToolContext, type ToolDefinition, type ToolRegistry } from '../tools/tool';
import { formatToolError, ToolError, type ToolErrorCode } from '../tools/toolError';
import { truncateMiddle } from '../tools/truncate';
import type { ApprovalGate, ApprovalRequest } from './approvals';
import { DEFAULT_MAX_CONCURRENT_TOOLS, DEFAULT_TOOL_TIMEOUT_SECONDS, perToolLimits } from './defaults';
import { claimsConflict, FileLocks } from './fileLocks';
import { OrderedLimit } from './orderedLimit';
import { prepareCall, type PreparedCall } from './prepareCall';

export type CallState =
  | 'queued'
  | 'awaiting_approval'
  | 'waiting_lock'
  | 'running'
  | 'done'
  | 'failed'
  | 'cancelled'
  | 'denied';

export interface CallUpdate {
  callId: string;
  name: string;
  summary: string;
  state: CallState;
  /** Milliseconds since the batch started. */
  atMs: number;
  result?: ToolResult;
  durationMs?: number;
  /** The id of an identical earlier call of the batch whose run this call shares (it did not run itself). */
  sharedWith?: string;
}

export interface CallLog {
  id: string;
  name: string;
  summary: string;
  ok: boolean;
  state: CallState;
  /** Running time (not counting waits for locks, slots or approval). */
  ms: number;
  startMs: number;
  endMs: number;
  /** Started while the model was still streaming the turn. */
  early: boolean;
  error?: ToolErrorCode;
  /** Identical to an earlier call of the batch (`id`), so it took that call's result instead of running again. */
  sharedWith?: string;
  /** When the user was asked and when they answered (ms since the batch started): not running time, not tool time. */
  approvalStartMs?: number;
  approvalEndMs?: number;
}

export interface BatchLog {
  turn: number;
  /** The agent whose turn it was, when it was not the main one ("sub-1"). */
  agent?: string;
  wallMs: number;
  calls: CallLog[];
  /** When the model's stream ended, relative to the batch start (set by the loop). */
  streamEndMs?: number;
}

export interface ToolLimits {
  timeoutMs?: number;
  maxConcurrent?: number;
}

export interface SchedulerOptions {
  tools: ToolRegistry;
  context: Omit<ToolContext, 'signal'>;
  locks?: FileLocks;
  maxConcurrentTools?: number;
  toolTimeoutMs?: number;
  /** Per tool name, merged field by field over the defaults (run_tests: 300 s, 8 at once). */
  perTool?: Record<string, ToolLimits>;
  maxResultChars?: number;
  maxCallsPerTurn?: number;
  /** Run one call at a time and never early (the `parallelToolCalls: false` baseline). */
  sequential?: boolean;
  approvals?: ApprovalGate;
  /** How long a running call may take to wind down after cancellation before it is reported cancelled anyway. */
  cancelGraceMs?: number;
}

/** Who a batch belongs to when several agents share one scheduler (subagents); a main agent's batch needs none. */
export interface BatchOptions {
  /** The agent's label ("sub-1"): on its batch log and with its approval requests. */
  agent?: string;
  /** The tools this agent may call (a subagent gets fewer); default: the scheduler's. */
  tools?: ToolRegistry;
  /** Parts of the tool context that are the agent's own: its file tracker, so that stale reads are per agent. */
  context?: Partial<Omit<ToolContext, 'signal' | 'callId'>>;
}

/** Owns concurrency, locks, timeouts, truncation and error-to-result conversion for every batch of a run. */
export class Scheduler {
  readonly locks: FileLocks;
  /** @internal The cap shared by every call of every batch, granted in call order (see OrderedLimit). */
  readonly globalLimit: OrderedLimit;
  /** By tool name, and by `sharedLimit.key` for tools that share one cap (an MCP server's). */
  private readonly limiters = new Map<string, LimitFunction>();
  readonly options: Required<Omit<SchedulerOptions, 'approvals' | 'locks'>> & Pick<SchedulerOptions, 'approvals'>;

  constructor(options: SchedulerOptions) {
    this.options = {
      maxConcurrentTools: DEFAULT_MAX_CONCURRENT_TOOLS,
      toolTimeoutMs: DEFAULT_TOOL_TIMEOUT_SECONDS * 1000,
      maxResultChars: 30_000,
      maxCallsPerTurn: 128,
      sequential: false,
      cancelGraceMs: 2_000,
      ...options,
      perTool: mergeLimits(perToolLimits(), options.perTool ?? {}),
    };
    this.locks = options.locks ?? new FileLocks();
    this.globalLimit = new OrderedLimit(this.options.sequential ? 1 : Math.max(1, this.options.maxConcurrentTools));
  }

  /** @internal The real file a tool's path names: every name of one file takes one lock. */
  readonly lockKey = (path: string): string => this.options.context.workspace.lockKey(path);

  startBatch(turn: number, signal: AbortSignal, onUpdate: (u: CallUpdate) => void = () => {}, owner: BatchOptions = {}): Batch {
    return new Batch(this, turn, signal, onUpdate, owner);
  }

  /**
   * @internal The caps a call of `tool` waits for before the global one: its own (`perTool`), then the one it shares
   * with the other tools of its MCP server. Limiters live as long as the scheduler, so the caps hold across batches.
   */
  limitersFor(tool: ToolDefinition): LimitFunction[] {
    const out: LimitFunction[] = [];
    const own = this.options.perTool[tool.name]?.maxConcurrent;
    if (own) out.push(this.limiter(`tool\0${tool.name}`, own));
    if (tool.sharedLimit) out.push(this.limiter(`shared\0${tool.sharedLimit.key}`, tool.sharedLimit.maxConcurrent));
    return out;
  }

  private limiter(key: string, max: number): LimitFunction {
    let limit = this.limiters.get(key);
    if (!limit) this.limiters.set(key, (limit = pLimit(Math.max(1, max))));
    return limit;
  }

  /** @internal A call that sets its own limit (run_command's timeoutSeconds) gets it; else the tool's, else the default. */
  timeoutFor(tool: Pick<ToolDefinition, 'name' | 'timeoutMs'>, input?: unknown): number {
    return tool.timeoutMs?.(input) ?? this.options.perTool[tool.name]?.timeoutMs ?? this.options.toolTimeoutMs;
  }

}

interface Entry {
  prepared: PreparedCall;
  result: Promise<ToolResult>;
  log: CallLog;
  /** Whether the call ever started running: `log.startMs` is 0 both for "at the batch's start" and for "never". */
  ran: boolean;
  /** Later identical calls that take this call's result; they mirror its states. */
  followers?: Entry[];
  /** Its place in line for a global slot, drawn on arrival: a call that waited for the stream's end keeps it. */
  ticket: number;
  /** The tool started changing the workspace (ToolContext.committing): a stop no longer ends it after the grace. */
  committed?: boolean;
  /** The tool's own reason to ask (ToolDefinition.askFirst), looked up as the call arrives. */
  askFirst?: Promise<string | undefined>;
  /** Its answer, shown on the approval card: why the call asks although its setting may allow it. */
  because?: string;
  /** A person said yes to this call. */
  approved?: boolean;
}

/**
 * One turn's calls. `add` as each call arrives (reads may start at once, in model order); `seal` when the turn's
 * stream has ended: the rest start, and the promise resolves with exactly one result per call, in model order.
 */
export class Batch {
  private readonly entries: Entry[] = [];
  /** performance.now(): monotonic and sub-millisecond, so calls in the batch's first millisecond keep their order. */
  private readonly started = performance.now();
  private sealed = false;
  private readonly sealGate: Deferred<void> = deferred();
  private readonly pendingApprovals: { entry: Entry; decide: Deferred<{ allowed: boolean; reason?: string }> }[] = [];
  /** The calls' askFirst lookups: the batch's one approval request waits for them all. */
  private readonly askFirstChecks: Promise<unknown>[] = [];
  private readonly waiters = new Set<(e: unknown) => void>();
  /** Calls that a later identical call may share, by tool and arguments; emptied by each write call. */
  private readonly shareable = new Map<string, Entry>();
  /** Files written by the calls added so far: a later read of one of them cannot reuse an earlier attempt's result. */
  private readonly writes: FileAccess[] = [];

  constructor(
    private readonly scheduler: Scheduler,
    readonly turn: number,
    private readonly signal: AbortSignal,
    private readonly onUpdate: (u: CallUpdate) => void,
    private readonly owner: BatchOptions = {},
  ) {
    // Running calls each listen for the stop (at most the concurrency cap, plus MCP clients): not a leak.
    setMaxListeners(0, signal);
    // Waiting calls share ONE listener: a listener each would make a 1000-call batch quadratic (EventTarget
    // scans its list on every add).
    signal.addEventListener(
      'abort',
      () => {
        for (const reject of this.waiters) reject(new ToolError('cancelled', 'Cancelled before it started.'));
        this.waiters.clear();
      },
      { once: true },
    );
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * `reused`: a result of the same read from an earlier attempt of this turn (the stream was retried). It is used only
   * when no earlier call of this batch writes what the read covers: after its own edit the model must see new text.
   * `duplicate`: the model repeated a call id; the call was renamed and is answered with an error, not run.
   */
  add(call: ToolCall, options: { reused?: ToolResult; duplicate?: boolean } = {}): void {
    if (this.sealed) throw new Error('Batch already sealed');
    const { maxCallsPerTurn, tools } = this.scheduler.options;
    const refuse = (error: ToolError): PreparedCall => ({ ok: false, call, summary: '', error });
    const prepared: PreparedCall =
      this.entries.length >= maxCallsPerTurn
        ? refuse(new ToolError('too_many_calls', `Only ${maxCallsPerTurn} tool calls run per turn; this one was not run. Ask for it again in the next turn.`))
        : options.duplicate
          ? refuse(new ToolError('duplicate_call_id', `This call repeated the id of an earlier call in the same turn, so it was renamed to ${call.id} and not run. Ask for it again if it is still needed.`))
          : prepareCall(call, this.owner.tools ?? tools, this.scheduler.lockKey);
    const log: CallLog = { id: call.id, name: call.name, summary: prepared.summary, ok: false, state: 'queued', ms: 0, startMs: 0, endMs: 0, early: false };
    const entry: Entry = { prepared, log, ran: false, ticket: this.scheduler.globalLimit.ticket(), result: undefined as unknown as Promise<ToolResult> };
    this.entries.push(entry);
    const { reused } = options;
    const reuse = reused && prepared.ok && prepared.tool.access === 'read' && !prepared.files.some((f) => this.writes.some((w) => claimsConflict(f, w)));
    if (prepared.ok) for (const f of prepared.files) if (f.write) this.writes.push(f);
    const leader = reuse ? undefined : this.leaderFor(entry);
    if (leader) log.sharedWith = leader.log.id;
    this.update(entry, 'queued');
    const { approvals } = this.scheduler.options;
    if (!reuse && !leader && approvals && prepared.ok && prepared.tool.askFirst && !prepared.tool.runsAgent) {
      // A lookup that fails asks nothing: the tool checks again as it runs, and refuses what it may not reach.
      entry.askFirst = prepared.tool.askFirst(prepared.input, this.signal).catch(() => undefined);
      this.askFirstChecks.push(entry.askFirst);
    }
    entry.result = reuse ? Promise.resolve(this.finish(entry, 'done', undefined, reused.content)) : leader ? this.follow(entry, leader) : this.run(entry);
  }

  /**
   * An identical earlier read or exec call (same tool, same validated arguments) with no write call between the two
   * in model order: its one run answers both. A write in between could change what the second one would see.
   */
  private leaderFor(entry: Entry): Entry | undefined {
    const { prepared } = entry;
    if (!prepared.ok || this.scheduler.options.sequential) return undefined;
    if (prepared.tool.access === 'write') {
      this.shareable.clear();
      return undefined;
    }
    const key = `${prepared.tool.name}\0${JSON.stringify(sortKeys(prepared.input))}`;
    const leader = this.shareable.get(key);
    if (!leader) this.shareable.set(key, entry);
    return leader;
  }

  /** Answers `entry` with its leader's outcome: same content, same times, marked shared in the log and the UI. */
  private async follow(entry: Entry, leader: Entry): Promise<ToolResult> {
    (leader.followers ??= []).push(entry);
    const result = await leader.result;
    const { ok, state, ms, startMs, endMs, early, error } = leader.log;
    Object.assign(entry.log, { ok, ms, startMs, endMs, early, error });
    const own: ToolResult = { ...result, callId: entry.prepared.call.id, name: entry.prepared.call.name };
    this.update(entry, state, own);
    return own;
  }

  /** Ends the turn: deferred calls start, approvals are asked for in one request. */
  async seal(): Promise<{ results: ToolResult[]; log: BatchLog }> {
    this.sealed = true;
    this.sealGate.resolve();
    await this.askApprovals();
    const results = await Promise.all(this.entries.map((e) => e.result));
    const log: BatchLog = { turn: this.turn, wallMs: this.now(), calls: this.entries.map((e) => e.log) };
    if (this.owner.agent) log.agent = this.owner.agent;
    return { results, log };
  }

  /** Completed successful read results, for reuse if the turn's stream is retried. */
  async settledReads(): Promise<Map<string, ToolResult>> {
    const out = new Map<string, ToolResult>();
    for (const e of this.entries) {
      if (e.prepared.ok && e.prepared.tool.access === 'read' && e.log.state === 'done') {
        out.set(reuseKey(e.prepared.call), await e.result);
      }
    }
    return out;
  }

  private async run(entry: Entry): Promise<ToolResult> {
    const { prepared } = entry;
    if (!prepared.ok) return this.finish(entry, 'failed', prepared.error);
    const { options } = this.scheduler;
    const lock = this.scheduler.locks.acquire(prepared.files);
    let released = false;
    const releaseLater = (p: Promise<unknown>, callSignal: AbortSignal) => {
      // The lock is held until the tool really stops, so a zombie write cannot race the next one. Only once the call
      // is aborted (stop or timeout) does a tool that ignores its signal get a grace period, after which the file is
      // freed anyway, unless the tool is changing the file (committed); a slow call that was never aborted keeps its
      // lock for as long as it runs.
      const free = () => {
        if (!released) lock.release();
        released = true;
      };
      p.then(free, free);
      const arm = () =>
        setTimeout(() => {
          if (!entry.committed) free();
        }, options.cancelGraceMs).unref?.();
      if (callSignal.aborted) arm();
      else callSignal.addEventListener('abort', arm, { once: true });
    };
    try {
      const runsAgent = prepared.tool.runsAgent === true;
      if (entry.askFirst) entry.because = await this.until(entry.askFirst);
      const ask = this.needsApproval(prepared) || entry.because !== undefined;
      const early = prepared.tool.access === 'read' && !runsAgent && !options.sequential && !ask;
      if (!early) await this.until(this.sealGate.promise);
      if (ask) {
        const decision = await this.until(this.requestApproval(entry));
        if (!decision.allowed) {
          lock.release();
          return this.finish(entry, 'denied', new ToolError('denied', `Denied by the user${decision.reason ? `: ${decision.reason}` : '.'}`));
        }
        entry.approved = true;
      }
      if (lock.contended) this.update(entry, 'waiting_lock');
      await this.until(lock.ready);
      // One at a time means strictly model order: a per-tool queue in front of the single slot would let later
      // calls overtake. A call that runs an agent takes no global slot (see ToolDefinition.runsAgent): its own cap
      // (maxSubagents) holds it.
      const limiters = options.sequential && !runsAgent ? [] : this.scheduler.limitersFor(prepared.tool);
      // Waiting for a slot ends at a stop like any other wait; once the slot is granted the call runs to its own end.
      const granted = deferred<void>();
      let running: Promise<ToolResult> | undefined;
      const work = () => {
        running = this.execute(entry, releaseLater);
        granted.resolve();
        return running;
      };
      const slot = limiters.reduceRight<() => Promise<ToolResult>>((inner, limit) => () => limit(inner), runsAgent ? work : () => this.scheduler.globalLimit.run(entry.ticket, work));
      // A call stopped while queued still passes through its slot later, to leave at once (execute checks the stop).
      slot().catch(() => undefined);
      try {
        await this.until(granted.promise);
      } catch (e) {
        // The stop came as the slot was granted: the call is running, and ends with its own outcome.
        if (!running) throw e;
      }
      return await running!;
    } catch (e) {
      if (!released) lock.release();
      released = true;
      return this.finish(entry, this.signal.aborted ? 'cancelled' : 'failed', e);
    }
  }

  private async execute(entry: Entry, releaseLater: (p: Promise<unknown>, callSignal: AbortSignal) => void): Promise<ToolResult> {
    if (this.signal.aborted) throw new ToolError('cancelled', 'Cancelled before it started.');
    const prepared = entry.prepared as Extract<PreparedCall, { ok: true }>;
    const timeoutMs = this.scheduler.timeoutFor(prepared.tool, prepared.input);
    const controller = new AbortController();
    const onAbort = () => controller.abort(this.signal.reason);
    this.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => controller.abort(new ToolError('timeout', `${prepared.tool.name} did not finish within ${timeoutMs / 1000} s and was stopped.`)), timeoutMs);
    entry.ran = true;
    entry.log.startMs = this.now();
    entry.log.early = !this.sealed;
    this.update(entry, 'running');
    // A listener of that update may have stopped the run: do not start work that is already cancelled.
    if (controller.signal.aborted) {
      clearTimeout(timer);
      this.signal.removeEventListener('abort', onAbort);
      throw controller.signal.reason;
    }
    const committing = () => {
      entry.committed = true;
    };
    const base = { ...this.scheduler.options.context, ...this.owner.context };
    // Approved by a person here, or by the host before the call reached the scheduler (VS Code's dialog for a tool
    // another agent invokes).
    const context = { ...base, signal: controller.signal, callId: prepared.call.id, committing, approved: entry.approved === true || base.approved === true };
    const work = prepared.tool.execute(prepared.input, context);
    releaseLater(work, controller.signal);
    try {
      // A running call ends with its own outcome: an edit that completes during a stop is reported as applied.
      // Only when the tool ignores its signal past the grace period is it reported cancelled/timed out anyway, and
      // never once it is changing the workspace: the change may be made, and the model must hear whether it was. A
      // subagent gets no grace of its own: its calls each have theirs, and its end answers every one of them.
      const content = await (prepared.tool.runsAgent ? work : Promise.race([work, abortedAfterGrace(controller.signal, this.scheduler.options.cancelGraceMs, () => entry.committed === true)]));
      return this.finish(entry, 'done', undefined, content);
    } catch (e) {
      // An aborted call reports why it was aborted, unless the tool explained its own stop or timeout (run_command
      // keeps the output so far; a delegate says what its subagent had changed).
      const why = (controller.signal.reason as { code?: unknown } | undefined)?.code;
      const own = ToolError.is(e) && (e.code === 'timeout' || e.code === why || (e.code === 'cancelled' && this.signal.aborted));
      const reason = controller.signal.aborted && !own ? controller.signal.reason : e;
      return this.finish(entry, this.signal.aborted ? 'cancelled' : 'failed', reason);
    } finally {
      clearTimeout(timer);
      this.signal.removeEventListener('abort', onAbort);
    }
  }

  private finish(entry: Entry, state: CallState, error?: unknown, content?: string): ToolResult {
    const { call } = entry.prepared;
    const now = this.now();
    // A call that never ran (refused, denied, cancelled while waiting, reused) is logged as an instant at its end.
    if (!entry.ran) entry.log.startMs = now;
    entry.log.endMs = now;
    entry.log.ms = entry.ran ? round(now - entry.log.startMs) : 0;
    entry.log.ok = state === 'done';
    let text: string;
    if (state === 'done') {
      text = truncateMiddle(content ?? '', this.scheduler.options.maxResultChars, 'Ask for a narrower range (read_file startLine/endLine) or a more specific query to see the rest');
    } else {
      const te = asToolError(error, state);
      entry.log.error = te.code;
      text = formatToolError(te.code, te.message);
    }
    const result: ToolResult = { callId: call.id, name: call.name, ok: state === 'done', content: text };
    this.update(entry, state, result);
    return result;
  }

  private needsApproval(p: PreparedCall): boolean {
    return p.ok && !p.tool.runsAgent && !!this.scheduler.options.approvals?.needsApproval(p.tool, p.input);
  }

  private requestApproval(entry: Entry): Promise<{ allowed: boolean; reason?: string }> {
    const decide = deferred<{ allowed: boolean; reason?: string }>();
    this.pendingApprovals.push({ entry, decide });
    this.update(entry, 'awaiting_approval');
    return decide.promise;
  }

  /** All calls of the batch that need approval go to the user in ONE request, after the turn is complete. */
  private async askApprovals(): Promise<void> {
    // Let the calls that were waiting on the seal gate (or on their own reason to ask) register their requests first.
    await Promise.all(this.askFirstChecks);
    await Promise.resolve();
    await new Promise<void>((r) => setImmediate(r));
    const pending = this.pendingApprovals.splice(0);
    if (!pending.length || !this.scheduler.options.approvals) return;
    const askedAt = this.now();
    for (const { entry } of pending) entry.log.approvalStartMs = askedAt;
    try {
      const decisions = await this.scheduler.options.approvals.request(
        pending.map(({ entry }) => {
          const p = entry.prepared as Extract<PreparedCall, { ok: true }>;
          const request: ApprovalRequest = { id: p.call.id, name: p.call.name, summary: p.summary, access: p.tool.access, kind: approvalKind(p.tool), arguments: p.call.arguments };
          if (this.owner.agent) request.agent = this.owner.agent;
          if (entry.because) request.because = entry.because;
          return request;
        }),
        this.signal,
      );
      const answeredAt = this.now();
      for (const { entry, decide } of pending) {
        entry.log.approvalEndMs = answeredAt;
        decide.resolve(decisions.get(entry.prepared.call.id) ?? { allowed: false, reason: 'no decision' });
      }
    } catch (e) {
      for (const { decide } of pending) decide.reject(e);
    }
  }

  /** Waits for `p` unless the run is stopped first. */
  private until<T>(p: Promise<T>): Promise<T> {
    if (this.signal.aborted) return Promise.reject(new ToolError('cancelled', 'Cancelled before it started.'));
    return new Promise<T>((resolve, reject) => {
      this.waiters.add(reject);
      p.then(resolve, reject).finally(() => this.waiters.delete(reject));
    });
  }

  /** Milliseconds since the batch started, to 0.01 ms. */
  now(): number {
    return round(performance.now() - this.started);
  }

  private update(entry: Entry, state: CallState, result?: ToolResult): void {
    entry.log.state = state;
    const { call } = entry.prepared;
    this.onUpdate({
      callId: call.id,
      name: call.name,
      summary: entry.prepared.summary,
      state,
      atMs: this.now(),
      result,
      durationMs: result ? entry.log.ms : undefined,
      ...(entry.log.sharedWith !== undefined && { sharedWith: entry.log.sharedWith }),
    });
    // Followers show what their leader does until it ends; then `follow` reports their own result.
    if (!result) for (const f of entry.followers ?? []) this.update(f, state);
  }
}

function mergeLimits(base: Record<string, ToolLimits>, over: Record<string, ToolLimits>): Record<string, ToolLimits> {
  const out = { ...base };
  for (const [name, limits] of Object.entries(over)) {
    const defined = Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
    out[name] = { ...base[name], ...defined };
  }
  return out;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** Calls that would produce the same result if asked again within a turn retry. */
export function reuseKey(call: Pick<ToolCall, 'name' | 'arguments'>): string {
  try {
    return `${call.name}\0${JSON.stringify(sortKeys(JSON.parse(call.arguments || '{}')))}`;
  } catch {
    return `${call.name}\0${call.arguments}`;
  }
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

function asToolError(error: unknown, state: CallState): ToolError {
  if (ToolError.is(error)) return state === 'cancelled' && error.code !== 'timeout' ? new ToolError('cancelled', error.code === 'cancelled' ? error.message : 'Cancelled by the user while it was running.') : error;
  if (state === 'cancelled') return new ToolError('cancelled', 'Cancelled by the user.');
  const message = error instanceof Error ? error.message : String(error);
  return new ToolError('failed', message || 'The tool failed without a message.');
}

/** Rejects `graceMs` after the signal aborts, unless the call has committed by then (then it never settles). */
function abortedAfterGrace(signal: AbortSignal, graceMs: number, committed: () => boolean): Promise<never> {
  return new Promise((_, reject) => {
    const arm = () => {
      const t = setTimeout(() => {
        if (!committed()) reject(signal.reason ?? new ToolError('cancelled', 'Cancelled.'));
      }, graceMs);
      t.unref?.();
    };
    if (signal.aborted) arm();
    else signal.addEventListener('abort', arm, { once: true });
  });
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}
