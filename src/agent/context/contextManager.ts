// Keeps every request within the model's context window: knows the window, estimates each request before it is
// sent, compacts past the threshold, recovers once from a provider's overflow error, and makes a turn's results share
// what is left. The loop calls it at four points (prepare, observe, fitResults, recover); all state lives here.
import { DEFAULT_CONTEXT_WINDOW, modelInfo } from '../../providers/catalog';
import { ProviderError, type ModelLimits, type ModelProvider, type ToolSpec } from '../../providers/provider';
import type { Message, ToolResult, Usage } from '../../shared/transcript';
import { elideOldResults, recentStart, renderHistory, summarise, summaryCut } from './compaction';
import { newContextState, RequestView, type ContextState } from './requestView';
import { shareBudget } from './resultBudget';
import { messageChars, requestChars, TokenEstimator } from './tokens';

export type CompactReason = 'threshold' | 'overflow' | 'manual';

export interface ContextSettings {
  /** `fanout.contextWindow` / `--context-window`: overrides every other source. */
  contextWindow?: number;
  /** `fanout.autoCompactThreshold`: compact when a request would pass this share of the window (default 0.85). */
  autoCompactThreshold?: number;
  /** The conversation's compaction state, kept with it across runs; a fresh one when absent. */
  state?: ContextState;
}

export const DEFAULT_AUTO_COMPACT_THRESHOLD = 0.85;
/** Compaction aims well below the threshold, so that it happens now and then, not on every turn. */
const TARGET = 0.6;
/** However full the history, a batch's results may use this share of the window; compaction makes room next turn. */
const MIN_RESULT_SHARE = 0.25;
const KEEP_TURNS = 2;

export type ContextEvent =
  | { type: 'context'; turn: number; tokens: number; window: number }
  | { type: 'compact'; turn: number; beforeTokens: number; afterTokens: number; reason: CompactReason; summary?: string };

export interface ContextDeps {
  provider: ModelProvider;
  model: string;
  system: string;
  tools: readonly ToolSpec[];
  settings?: ContextSettings;
  emit(event: ContextEvent): void;
  warn(message: string): void;
}

const limitsCache = new WeakMap<ModelProvider, Map<string, Promise<ModelLimits | undefined>>>();

/** The provider's own word on a model's limits, asked once per provider and model; silence or failure is "unknown". */
function runtimeLimits(provider: ModelProvider, model: string): Promise<ModelLimits | undefined> {
  if (!provider.modelLimits) return Promise.resolve(undefined);
  let byModel = limitsCache.get(provider);
  if (!byModel) limitsCache.set(provider, (byModel = new Map()));
  let found = byModel.get(model);
  if (!found) {
    found = provider.modelLimits(model, AbortSignal.timeout(10_000)).catch(() => undefined);
    byModel.set(model, found);
  }
  return found;
}

export class ContextManager {
  readonly state: ContextState;
  private readonly estimator = new TokenEstimator();
  private readonly view = new RequestView();
  private window: number | undefined;
  private lastChars = 0;
  private lastEstimate = 0;
  private readonly recovered = new Set<number>();

  constructor(private readonly deps: ContextDeps) {
    this.state = deps.settings?.state ?? newContextState();
  }

  private get threshold(): number {
    return this.deps.settings?.autoCompactThreshold ?? DEFAULT_AUTO_COMPACT_THRESHOLD;
  }

  /** override > stated by an overflow error > reported by the provider > catalog > a conservative default. */
  async windowSize(): Promise<number> {
    if (this.window) return this.window;
    const { settings, model, provider } = this.deps;
    const learned = this.state.learned?.model === model ? this.state.learned.window : undefined;
    this.window = settings?.contextWindow ?? learned ?? (await runtimeLimits(provider, model))?.contextWindow ?? modelInfo(model)?.contextWindow ?? DEFAULT_CONTEXT_WINDOW;
    return this.window;
  }

  /** The messages to send for this turn, compacted first when they would pass the threshold. */
  async prepare(messages: Message[], turn: number, signal: AbortSignal): Promise<Message[]> {
    const window = await this.windowSize();
    let tokens = this.estimate(messages);
    if (tokens > this.threshold * window) await this.compact(messages, turn, 'threshold', signal, tokens);
    const view = this.view.build(messages, this.state);
    this.lastChars = requestChars(this.deps.system, this.deps.tools, view);
    tokens = this.lastEstimate = this.estimator.estimate(this.lastChars);
    this.deps.emit({ type: 'context', turn, tokens, window });
    return view;
  }

  /** The usage a request reported: calibrates the estimate, and is what the meter shows. */
  observe(usage: Usage, turn: number): void {
    if (!usage.inputTokens) return;
    this.estimator.observe(this.lastChars, usage.inputTokens);
    if (this.window) this.deps.emit({ type: 'context', turn, tokens: usage.inputTokens + usage.outputTokens, window: this.window });
  }

  /** The batch's results, cut to share what is left of the window when together they would not fit. */
  fitResults(messages: readonly Message[], results: ToolResult[]): ToolResult[] {
    if (!this.window) return results;
    const used = this.estimate(messages);
    const leftTokens = Math.max(this.threshold * this.window - used, MIN_RESULT_SHARE * this.window);
    return shareBudget(results, this.estimator.chars(leftTokens));
  }

  /**
   * A provider said the request does not fit: learn the window it stated, compact hard, and let the loop retry this
   * turn once. False when this turn was already retried: the loop then ends with `overflowError`.
   */
  async recover(error: ProviderError, messages: Message[], turn: number, signal: AbortSignal): Promise<boolean> {
    if (this.recovered.has(turn)) return false;
    this.recovered.add(turn);
    const stated = error.options.contextLimit;
    if (stated) this.state.learned = { model: this.deps.model, window: stated };
    // Without a stated limit the window is smaller than assumed (or the estimate low): take what was sent as the bound.
    this.window = stated ?? Math.min(await this.windowSize(), Math.max(4000, Math.floor(this.lastEstimate * 0.9)));
    await this.compact(messages, turn, 'overflow', signal, this.estimate(messages));
    return true;
  }

  overflowError(error: ProviderError): ProviderError {
    const window = this.window ? ` (${this.window.toLocaleString('en-US')} tokens)` : '';
    return new ProviderError(
      'context_overflow',
      `The conversation does not fit in the context window of ${this.deps.model}${window}, even after compacting it. Start a new chat, ask for a smaller piece of work, pick a model with a larger window, or set fanout.contextWindow (CLI: --context-window) if the window is known to be larger. (${error.message})`,
      { ...error.options },
    );
  }

  /** Compacts on demand (`fanout.compact`, `/compact`): elides every older result and summarises the older history. */
  async compactNow(messages: Message[], signal: AbortSignal): Promise<boolean> {
    await this.windowSize();
    const before = this.estimate(messages);
    return this.compact(messages, 0, 'manual', signal, before);
  }

  private worthSummarising(messages: readonly Message[], cut: number): boolean {
    let replaced = 0;
    for (let i = this.state.summarisedUpTo; i < cut; i++) replaced += messageChars(messages[i]!);
    return replaced >= 0.2 * requestChars(this.deps.system, this.deps.tools, this.view.build(messages, this.state));
  }

  private estimate(messages: readonly Message[]): number {
    return this.estimator.estimate(requestChars(this.deps.system, this.deps.tools, this.view.build(messages, this.state)));
  }

  /** Elide first; summarise when that is not enough (or when asked to). Emits one `compact` event when anything changed. */
  private async compact(messages: Message[], turn: number, reason: CompactReason, signal: AbortSignal, before: number): Promise<boolean> {
    const window = this.window!;
    const hard = reason !== 'threshold';
    const keepFrom = recentStart(messages, hard ? 1 : KEEP_TURNS);
    const excess = before - TARGET * window;
    const elidedBefore = this.state.elided.length;
    if (excess > 0 || hard) elideOldResults(messages, this.state, keepFrom, hard ? Infinity : this.estimator.chars(excess));
    let after = this.estimate(messages);
    let summary: string | undefined;
    if (after > (hard ? TARGET : this.threshold) * window || reason === 'manual') {
      const cut = summaryCut(messages, this.state, keepFrom);
      // A summary of a short stretch saves nothing (the summary itself takes room): only worth a request when the
      // history it replaces is a good part of what is sent.
      if (cut !== undefined && this.worthSummarising(messages, cut)) {
        const previous = { summary: this.state.summary, summarisedUpTo: this.state.summarisedUpTo, elided: [...this.state.elided] };
        try {
          const history = renderHistory(messages, this.state, cut, this.estimator.chars(window * 0.5));
          summary = await summarise(this.deps.provider, this.deps.model, history, signal, Math.min(4096, Math.floor(window * 0.1)));
          this.state.summary = summary;
          this.state.summarisedUpTo = cut;
          const kept = new Set(messages.slice(cut).flatMap((m) => (m.role === 'tool' ? m.results.map((r) => r.callId) : [])));
          this.state.elided = this.state.elided.filter((id) => kept.has(id));
        } catch (e) {
          if (signal.aborted) throw e;
          this.deps.warn(`could not summarise the conversation: ${(e as Error).message}`);
        }
        after = this.estimate(messages);
        if (summary && after >= before) {
          Object.assign(this.state, previous);
          summary = undefined;
          after = this.estimate(messages);
        }
      }
    }
    // After an overflow the retry must fit: when the kept turn alone is too big, its results go too (the model can
    // read again what it needs, in smaller pieces).
    if (reason === 'overflow' && after > TARGET * window) {
      elideOldResults(messages, this.state, messages.length, Infinity);
      after = this.estimate(messages);
    }
    if (!summary && this.state.elided.length === elidedBefore) return false;
    this.deps.emit({ type: 'compact', turn, beforeTokens: before, afterTokens: after, reason, ...(summary ? { summary } : {}) });
    return true;
  }
}
