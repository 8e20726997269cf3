import type { Logger } from '../host/logger';
import { DEFAULT_REQUEST_TIMEOUT_SECONDS } from './defaults';
import { ProviderError, type ModelProvider, type ToolSpec } from '../providers/provider';
import { addUsage, type AssistantMessage, type Message, type ToolCall, type ToolResult, type Usage } from '../shared/transcript';
import { backoffDelay, sleep } from './backoff';
import { formatBatchLog } from './batchLog';
import { ContextManager, type ContextEvent, type ContextSettings } from './context/contextManager';
import { reuseKey, type Batch, type BatchLog, type BatchOptions, type CallUpdate, type Scheduler } from './scheduler';

export interface AgentConfig {
  provider: ModelProvider;
  model: string;
  system: string;
  scheduler: Scheduler;
  tools: readonly ToolSpec[];
  maxTurns?: number;
  parallelToolCalls?: boolean;
  /** Retries of one turn's model request (429, 5xx, dropped streams). */
  maxRetries?: number;
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  maxOutputTokens?: number;
  /** A request that gets no first event within this long is abandoned (a server that accepts and never answers). */
  connectTimeoutMs?: number;
  /** A started stream that then sends nothing for this long is abandoned (a hung server or proxy). */
  streamIdleTimeoutMs?: number;
  /**
   * What one turn may spend waiting on requests that timed out (connect or idle), over all its attempts: once spent,
   * the turn fails instead of retrying, so a dead server costs about this long, not timeout x retries.
   */
  timeoutBudgetMs?: number;
  /** Context window and compaction (src/agent/context). */
  context?: ContextSettings;
  /** The project rule files in the system prompt, for the chat to show (see projectRules.ts). */
  rules?: { files: string[]; note?: string };
  logger: Logger;
  /** Set for a subagent sharing its parent's scheduler: its label, tools and file tracker on each of its batches. */
  owner?: BatchOptions;
  /** The subagents this run may start (the delegate tool): their events reach this run's listener, their usage its totals. */
  children?: ChildAgents;
}

export interface ChildAgents {
  /** Called once at the start of the run, before any call can start a child. */
  attach(emit: (event: AgentEvent) => void, config: AgentConfig): void;
  /** Everything the children used so far (all of it by the time the run ends: each delegate call waits for its child). */
  usage(): Usage;
}

export type RunStatus = 'final' | 'stopped' | 'max_turns' | 'error';

export interface RunOutcome {
  status: RunStatus;
  /** The final answer, or a one-line reason when the run did not end with one. */
  text: string;
  turns: number;
  usage: Usage;
  error?: { kind: string; message: string };
}

export type SubagentStatus = 'started' | 'done' | 'failed';

/** A subagent's own events are forwarded by its parent's run with `agent` set ("sub-1"); the main agent's have none. */
export type AgentEvent = AgentEventBody & { agent?: string };

type AgentEventBody =
  | { type: 'turn-start'; turn: number }
  | { type: 'text-delta'; turn: number; text: string }
  /** `atMs`: since the turn's model request was sent. */
  | { type: 'tool-call'; turn: number; call: ToolCall; atMs: number }
  | { type: 'tool-update'; turn: number; update: CallUpdate }
  | { type: 'batch'; log: BatchLog }
  | { type: 'usage'; turn: number; usage: Usage }
  | { type: 'retry'; turn: number; attempt: number; delayMs: number; reason: string }
  /** The turn's stream failed and is being asked again: drop what was shown of it. */
  | { type: 'turn-reset'; turn: number }
  | { type: 'notice'; message: string }
  /** Tokens in use / the window (`context`), and each compaction (`compact`). */
  | ContextEvent
  | { type: 'done'; outcome: RunOutcome }
  /** A subagent started (by the delegate call `callId`) or ended; `usage` and `text` (answer or reason) at the end. */
  | { type: 'subagent'; agent: string; callId: string; description: string; status: SubagentStatus; turns: number; model: string; usage?: Usage; text?: string };

export interface RunOptions {
  signal: AbortSignal;
  onEvent?: (event: AgentEvent) => void;
}

/**
 * Runs one user request to its end. `messages` is the conversation so far and is appended to in place, so that
 * whatever happens (answer, stop, error, max turns) it stays a valid transcript for the next request.
 */
export async function runAgent(config: AgentConfig, messages: Message[], userText: string, options: RunOptions): Promise<RunOutcome> {
  const onEvent = options.onEvent ?? (() => {});
  const maxTurns = config.maxTurns ?? 25;
  // The run's usage is every usage reported, whichever way a turn ends: a stopped or retried turn was billed too.
  let usage: Usage = addUsage(undefined, undefined);
  const emit = (e: AgentEvent): void => {
    // Subagents' usage events pass through here tagged with their agent; their totals are added once, at the end.
    if (e.type === 'usage' && !e.agent) usage = addUsage(usage, e.usage);
    onEvent(e);
  };
  messages.push({ role: 'user', text: userText });
  const context = new ContextManager({ ...config, settings: config.context, emit, warn: (m) => config.logger.warn(m) });
  config.children?.attach(emit, config);

  const end = (outcome: Omit<RunOutcome, 'usage'>): RunOutcome => {
    const full = { ...outcome, usage: config.children ? addUsage(usage, config.children.usage()) : usage };
    emit({ type: 'done', outcome: full });
    return full;
  };

  for (let turn = 1; turn <= maxTurns; turn++) {
    if (options.signal.aborted) return end({ status: 'stopped', text: 'Stopped by the user.', turns: turn - 1 });
    emit({ type: 'turn-start', turn });
    let outcome: TurnOutcome;
    try {
      outcome = await runTurn(config, messages, turn, options.signal, emit, context);
    } catch (e) {
      if (options.signal.aborted) return end({ status: 'stopped', text: 'Stopped by the user.', turns: turn });
      const err = asProviderError(e);
      config.logger.error(`turn ${turn} failed: ${err.kind}: ${err.message}`);
      return end({ status: 'error', text: err.message, turns: turn, error: { kind: err.kind, message: err.message } });
    }
    if (outcome.kind === 'stopped') return end({ status: 'stopped', text: 'Stopped by the user.', turns: turn });
    if (outcome.kind === 'final') {
      if (!outcome.text.trim()) {
        return end({ status: 'error', text: 'The model returned an empty response.', turns: turn, error: { kind: 'empty_response', message: 'The model returned an empty response.' } });
      }
      return end({ status: 'final', text: outcome.text, turns: turn });
    }
  }
  const text = `Stopped after ${maxTurns} turns (the maxTurns limit) without a final answer. Ask again to continue, or raise maxTurns.`;
  return end({ status: 'max_turns', text, turns: maxTurns });
}

type TurnOutcome = { kind: 'final' | 'tools' | 'stopped'; text: string };

/** One model request and its tool batch. Retries the request (not the tools) when the stream fails. */
async function runTurn(
  config: AgentConfig,
  messages: Message[],
  turn: number,
  signal: AbortSignal,
  emit: (e: AgentEvent) => void,
  context: ContextManager,
): Promise<TurnOutcome> {
  let reuse = new Map<string, ToolResult>();
  const maxRetries = config.maxRetries ?? 4;
  const budgetMs = config.timeoutBudgetMs ?? 2 * (config.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
  let timedOutMs = 0;
  for (let attempt = 0; ; attempt++) {
    const attemptAbort = new AbortController();
    const onStop = () => attemptAbort.abort(signal.reason);
    signal.addEventListener('abort', onStop, { once: true });
    const batch = config.scheduler.startBatch(turn, attemptAbort.signal, (update) => emit({ type: 'tool-update', turn, update }), config.owner);
    try {
      const request = await context.prepare(messages, turn, attemptAbort.signal);
      const streamed = await streamTurn(config, request, turn, batch, reuse, attemptAbort.signal, emit);
      context.observe(streamed.usage, turn);
      if (signal.aborted) {
        if (streamed.text) messages.push({ role: 'assistant', text: streamed.text, toolCalls: [] });
        await batch.seal();
        return { kind: 'stopped', text: streamed.text };
      }
      const assistant: AssistantMessage = { role: 'assistant', text: streamed.text, toolCalls: streamed.calls, usage: streamed.usage, providerData: streamed.providerData };
      messages.push(assistant);
      if (streamed.calls.length === 0) {
        await batch.seal();
        return { kind: 'final', text: streamed.text };
      }
      // From here on the turn is committed: the results always go into the transcript, even when stopped.
      const { results, log } = await batch.seal();
      log.streamEndMs = streamed.streamEndMs;
      messages.push({ role: 'tool', results: context.fitResults(messages, results) });
      config.logger.info(formatBatchLog(log));
      emit({ type: 'batch', log });
      return { kind: signal.aborted ? 'stopped' : 'tools', text: streamed.text };
    } catch (e) {
      if (signal.aborted) {
        attemptAbort.abort(signal.reason);
        await batch.seal();
        throw e;
      }
      const err = asProviderError(e);
      // Reads that completed are kept for the retried turn; everything else of this attempt is cancelled. Writes
      // and test runs never started: they wait for the end of a complete stream.
      reuse = new Map([...reuse, ...(await batch.settledReads())]);
      attemptAbort.abort(new Error('turn retried'));
      await batch.seal();
      if (err.kind === 'context_overflow') {
        // Compact and ask again, once per turn; a second overflow ends the run with what to do about it.
        if (!(await context.recover(err, messages, turn, signal))) throw context.overflowError(err);
        emit({ type: 'turn-reset', turn });
        continue;
      }
      if (err instanceof StreamTimeout) timedOutMs += err.waitedMs;
      if (err instanceof StreamTimeout && timedOutMs >= budgetMs) {
        throw new ProviderError(err.kind, `${err.message} Gave up after ${attempt + 1} attempt${attempt ? 's' : ''} that timed out (${Math.round(timedOutMs / 1000)} s in all).`, err.options);
      }
      if (!err.retryable || attempt >= maxRetries) throw err;
      const delayMs = backoffDelay(attempt + 1, { baseMs: config.retryBaseDelayMs ?? 1000, maxMs: config.retryMaxDelayMs ?? 60_000, retryAfterMs: err.options.retryAfterMs });
      const reason = `${err.kind.replace('_', ' ')}${err.options.status ? ` (HTTP ${err.options.status})` : ''}: ${err.message}`;
      config.logger.warn(`turn ${turn}: ${reason}; retry ${attempt + 1}/${maxRetries} in ${delayMs} ms`);
      emit({ type: 'turn-reset', turn });
      emit({ type: 'retry', turn, attempt: attempt + 1, delayMs, reason });
      await sleep(delayMs, signal);
    } finally {
      signal.removeEventListener('abort', onStop);
    }
  }
}

interface Streamed {
  text: string;
  calls: ToolCall[];
  usage: Usage;
  providerData?: Record<string, unknown>;
  streamEndMs: number;
}

async function streamTurn(
  config: AgentConfig,
  messages: readonly Message[],
  turn: number,
  batch: Batch,
  reuse: Map<string, ToolResult>,
  signal: AbortSignal,
  emit: (e: AgentEvent) => void,
): Promise<Streamed> {
  const out: Streamed = { text: '', calls: [], usage: addUsage(undefined, undefined), streamEndMs: 0 };
  const ids = new Set<string>();
  let finished = false;
  const request = {
    model: config.model,
    system: config.system,
    messages,
    tools: config.tools,
    parallelToolCalls: config.parallelToolCalls ?? true,
    maxOutputTokens: config.maxOutputTokens,
  };
  // The stream gets its own signal so that the watchdog can end it without it looking like the user's stop. Until
  // the first event it waits the connect timeout, then the idle timeout between events.
  const connectMs = config.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const idleMs = config.streamIdleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const streamAbort = new AbortController();
  const onAttemptAbort = () => streamAbort.abort(signal.reason);
  signal.addEventListener('abort', onAttemptAbort, { once: true });
  let idle = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      idle = true;
      streamAbort.abort(new Error('idle'));
    }, sawEvent ? idleMs : connectMs);
  };
  let sawEvent = false;
  let sawUsage = false;
  try {
    arm();
    for await (const event of config.provider.stream(request, streamAbort.signal)) {
      arm();
      sawEvent = true;
      switch (event.type) {
        case 'text-delta':
          out.text += event.text;
          emit({ type: 'text-delta', turn, text: event.text });
          break;
        case 'tool-call': {
          const { call, duplicate } = uniqueId(event.call, ids, turn, out.calls.length);
          out.calls.push(call);
          emit({ type: 'tool-call', turn, call, atMs: batch.now() });
          batch.add(call, { reused: reuse.get(reuseKey(call)), duplicate });
          break;
        }
        case 'usage':
          sawUsage = true;
          out.usage = addUsage(out.usage, event.usage);
          emit({ type: 'usage', turn, usage: event.usage });
          break;
        case 'finish':
          finished = true;
          out.providerData = event.providerData;
          break;
        case 'notice':
          emit({ type: 'notice', message: event.message });
          break;
      }
    }
  } catch (e) {
    if (!idle) throw e;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAttemptAbort);
    // Stopped before the provider reported usage (it comes at the end of a stream): the request was still billed,
    // so it is counted with an estimate of ~4 characters per token rather than as nothing.
    if (signal.aborted && !sawUsage) {
      out.usage = estimateUsage(request, out.text, out.calls);
      emit({ type: 'usage', turn, usage: out.usage });
    }
  }
  if (idle) {
    const waitedMs = sawEvent ? idleMs : connectMs;
    const message = sawEvent ? `The model sent nothing for ${seconds(idleMs)} s.` : `The model server did not answer within ${seconds(connectMs)} s.`;
    throw new StreamTimeout(sawEvent ? 'stream_dropped' : 'network', message, waitedMs);
  }
  if (!finished && !signal.aborted) throw new ProviderError('stream_dropped', 'The model stream ended before the response was complete.');
  out.streamEndMs = batch.now();
  return out;
}

function estimateUsage(request: { system?: string; messages: readonly Message[]; tools: readonly unknown[] }, text: string, calls: readonly ToolCall[]): Usage {
  const sent = (request.system?.length ?? 0) + JSON.stringify(request.messages).length + JSON.stringify(request.tools).length;
  const received = text.length + calls.reduce((n, c) => n + c.name.length + c.arguments.length, 0);
  return { inputTokens: Math.ceil(sent / 4), outputTokens: Math.ceil(received / 4) };
}

const DEFAULT_CONNECT_TIMEOUT_MS = DEFAULT_REQUEST_TIMEOUT_SECONDS * 1000;
const DEFAULT_IDLE_TIMEOUT_MS = 180_000;

/** A request abandoned by the watchdog; `waitedMs` counts against the turn's timeout budget. */
class StreamTimeout extends ProviderError {
  constructor(
    kind: 'network' | 'stream_dropped',
    message: string,
    readonly waitedMs: number,
  ) {
    super(kind, message);
  }
}

function seconds(ms: number): string {
  return ms >= 10_000 ? String(Math.round(ms / 1000)) : String(Math.round(ms / 100) / 10);
}

/** Every call id must be unique in the transcript; an empty one is synthesized, a repeated one renamed. */
function uniqueId(call: ToolCall, ids: Set<string>, turn: number, index: number): { call: ToolCall; duplicate: boolean } {
  let id = call.id || `call_t${turn}_${index}`;
  const duplicate = ids.has(id);
  if (duplicate) {
    let n = 2;
    while (ids.has(`${id}_dup${n}`)) n++;
    id = `${id}_dup${n}`;
  }
  ids.add(id);
  return { call: id === call.id ? call : { ...call, id }, duplicate };
}

/** Anything a provider or the stream throws, as a classified error (unknown kinds are not retried). */
function asProviderError(e: unknown): ProviderError {
  return ProviderError.is(e) ? e : new ProviderError('unknown', e instanceof Error ? e.message : String(e), { cause: e });
}
