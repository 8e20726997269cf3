// What survives the webview being hidden and shown again (VS Code discards the page; getState/setState keep this).
import { attachmentSchema, type Attachment } from '../shared/protocol';
import type { Bridge } from './bridge';

export interface PersistedState {
  draft: string;
  attachments: Attachment[];
  /** Sent prompts, oldest first, for up/down recall. */
  promptHistory: string[];
  scroll?: { conversationId: string; top: number };
}

const MAX_HISTORY = 50;

export class ViewState {
  private state: PersistedState;

  constructor(private readonly bridge: Bridge) {
    this.state = revive(bridge.getState());
  }

  get value(): Readonly<PersistedState> {
    return this.state;
  }

  update(patch: Partial<PersistedState>): void {
    this.state = { ...this.state, ...patch };
    // Written at once: the page may be discarded right after (view hidden), and a frame callback would never run.
    this.bridge.setState(this.state);
  }

  rememberPrompt(text: string): void {
    const history = this.state.promptHistory.filter((p) => p !== text);
    history.push(text);
    this.update({ promptHistory: history.slice(-MAX_HISTORY) });
  }
}

/** State written by an older version (or nothing at all) must never break the view. */
function revive(raw: unknown): PersistedState {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const scroll = r.scroll as PersistedState['scroll'] | undefined;
  return {
    draft: typeof r.draft === 'string' ? r.draft : '',
    attachments: Array.isArray(r.attachments) ? r.attachments.filter((a) => attachmentSchema.safeParse(a).success) : [],
    promptHistory: Array.isArray(r.promptHistory) ? r.promptHistory.filter((p): p is string => typeof p === 'string').slice(-MAX_HISTORY) : [],
    scroll: scroll && typeof scroll.conversationId === 'string' && typeof scroll.top === 'number' ? scroll : undefined,
  };
}
