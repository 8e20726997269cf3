import * as vscode from 'vscode';
import { ApprovalBroker } from '../agent/approvalBroker';
import { ChatSession, SessionBusyError } from '../agent/chatSession';
import { newConversation, summaryOf, withChatModel, type ChatModel, type Conversation } from '../agent/conversation';
import type { ChangeStore } from '../agent/changeStore';
import type { ConversationStore } from '../agent/conversationStore';
import { FileLocks } from '../agent/fileLocks';
import type { RunOutcome } from '../agent/loop';
import { actionsForError } from '../agent/uiEvents';
import type { Logger } from '../host/logger';
import { NodeProcessRunner } from '../node/nodeProcessRunner';
import { estimateCostUsd } from '../providers/catalog';
import { formatUserText, typedText, withContent } from '../shared/attachments';
import type { Attachment, ConversationSummary, ErrorAction, HostMessage } from '../shared/protocol';
import { normalizeWorkspacePath } from '../tools/paths';
import type { ApiKeys } from './apiKeys';
import { ApprovalDiffs } from './approvalDiff';
import { approvalMessage } from './approvalInfo';
import { runCommandAction } from './errorActions';
import { ChangeReview } from './changeReview';
import type { ChatViewProvider } from './chatViewProvider';
import { vscodeRipgrep } from './ripgrepPath';
import { McpHost } from './mcpHost';
import { editorRegistry } from './editorTools';
import { FileOperationUndo, OwnFileOperations } from './fileOperationUndo';
import { configureRun, RunSetupError } from './runSetup';
import type { SettingsReader } from './settings';
import { VscodeDiagnostics } from './vscodeDiagnostics';
import { VscodeLanguageFeatures } from './vscodeLanguage';
import { VscodeWorkspace } from './vscodeWorkspace';

const ACTIVE_KEY = 'fanout.activeConversation';
const MAX_HISTORY = 50;

export interface ChatControllerDeps {
  view: ChatViewProvider;
  store: ConversationStore;
  settings: SettingsReader;
  keys: ApiKeys;
  logger: Logger;
  /** Remembers which chat was open, to reopen it after a window reload. */
  state: vscode.Memento;
  /** Each chat's review state (originals for Keep/Undo, checkpoints) in the extension's storage folder. */
  changes: ChangeStore;
}

/**
 * Owns the chats of this window: one ChatSession per open conversation (each runs at most one request; several
 * conversations may run at once, sharing the file locks), the one shown in the chat view, and the view's messages.
 */
export class ChatController implements vscode.Disposable {
  readonly approvals: ApprovalBroker;
  readonly review: ChangeReview;
  /** Ctrl+Z in the Explorer for the agent's deletes and renames. */
  readonly fileUndo: FileOperationUndo;
  private readonly ownFileOperations = new OwnFileOperations();
  readonly approvalDiffs = new ApprovalDiffs();
  private readonly sessions = new Map<string, ChatSession>();
  private active: ChatSession;
  /** Shared by every chat of the window and by the language model tools other agents call (lmTools.ts). */
  readonly locks = new FileLocks();
  /** The workspace's MCP servers, whose tools every run gets; created on the first run. */
  readonly mcp: McpHost;
  private readonly tools = editorRegistry();
  /** The Problems panel and the language features, for get_diagnostics and the language tools (also lmTools.ts). */
  readonly diagnostics = new VscodeDiagnostics(() => this.workspace());
  readonly language = new VscodeLanguageFeatures(() => this.workspace());
  /** Shared with the language model tools: disposing it ends every command either started. */
  readonly runner: NodeProcessRunner;
  private workspacePromise: Promise<VscodeWorkspace> | undefined;
  private readonly restoring: Promise<void>;
  private changedFilesTimer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly notified = new Set<string>();

  constructor(private readonly deps: ChatControllerDeps) {
    this.approvals = new ApprovalBroker({
      policy: () => deps.settings.read().approval,
      show: (prompt) => {
        deps.view.post(approvalMessage(prompt));
        void deps.view.reveal(true);
      },
      close: (requestId) => deps.view.post({ type: 'approval-closed', requestId }),
    });
    // No key Fanout holds (SecretStorage or environment) reaches a child process, unless fanout.passEnv names it.
    const childEnv = { secrets: () => deps.keys.known(), passThrough: () => deps.settings.read().passEnv };
    this.runner = new NodeProcessRunner({ env: childEnv });
    this.mcp = new McpHost({ logger: deps.logger, childEnv, onState: (state) => deps.view.post(state) });
    this.review = new ChangeReview({ session: (id) => this.sessions.get(id), workspace: () => this.workspace(), locks: this.locks, logger: deps.logger });
    this.fileUndo = new FileOperationUndo({ own: this.ownFileOperations, undo: (session, paths) => this.undoFiles(session, paths) });
    this.active = this.createSession(newConversation());
    this.restoring = this.restoreActive();
    this.disposables.push(
      this.diagnostics,
      this.review,
      this.fileUndo,
      this.approvalDiffs,
      vscode.workspace.onDidChangeWorkspaceFolders(() => (this.workspacePromise = undefined)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('fanout')) return;
        // A model picked (or set up) while a chat is shown becomes that chat's model.
        if (e.affectsConfiguration('fanout.provider') || e.affectsConfiguration('fanout.model')) {
          const s = deps.settings.read();
          this.useModel({ provider: s.provider, model: s.model });
        }
        this.postModel();
      }),
    );
  }

  get activeSession(): ChatSession {
    return this.active;
  }

  /** The settings with the shown chat's own provider and model: what its next request uses, what the picker shows. */
  activeSettings(): ReturnType<SettingsReader['read']> {
    return withChatModel(this.active.conversation, this.deps.settings.read());
  }

  /** The shown chat switches to `choice` (a chat that never sent a request follows the settings anyway). */
  useModel(choice: ChatModel): void {
    const c = this.active.conversation;
    if (!c.chatModel || (c.chatModel.provider === choice.provider && c.chatModel.model === choice.model)) return;
    c.chatModel = { ...choice };
    if (c.messages.length && !this.active.running) void this.deps.store.save(c).catch((e: unknown) => this.deps.logger.warn(`could not save the chat's model: ${(e as Error).message}`));
    this.postModel();
  }

  private postModel(): void {
    const s = this.activeSettings();
    this.deps.view.post({ type: 'model', provider: s.provider, model: s.model });
  }

  /** The first workspace folder, opened on first use (and again after the folders change). */
  workspace(): Promise<VscodeWorkspace> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return Promise.reject(new RunSetupError('no_workspace', 'Open a folder first: Fanout works in the first folder of the workspace.'));
    this.workspacePromise ??= VscodeWorkspace.open(folder, { ripgrep: vscodeRipgrep(vscode.env.appRoot), logger: this.deps.logger, own: this.ownFileOperations }).catch((e: unknown) => {
      this.workspacePromise = undefined;
      throw e;
    });
    return this.workspacePromise;
  }

  /** Sends a request in the shown chat. Failures are shown in the chat; the promise still rejects for callers. */
  async send(text: string, attachments: readonly Attachment[] = []): Promise<RunOutcome> {
    await this.restoring;
    const session = this.active;
    // This chat is the one to reopen after a window reload.
    void this.deps.state.update(ACTIVE_KEY, session.conversation.id);
    try {
      const outcome = await session.send(formatUserText(text, await this.attachmentContent(attachments)));
      // VS Code's own models refuse with 'auth' when the user has not allowed Fanout: no key to set, only a retry.
      const kind = outcome.error?.kind === 'auth' && withChatModel(session.conversation, this.deps.settings.read()).provider === 'vscode-lm' ? 'lm_consent' : outcome.error?.kind;
      if (outcome.status === 'error') this.showError(outcome.text, kind);
      return outcome;
    } catch (e) {
      const kind = e instanceof RunSetupError ? e.kind : e instanceof SessionBusyError ? 'busy' : undefined;
      if (!kind) this.deps.logger.error(`request failed to start: ${(e as Error).stack ?? String(e)}`);
      this.showError((e as Error).message, kind);
      throw e;
    } finally {
      void this.postHistory();
    }
  }

  /** Files picked in the chat arrive as paths: read them (unsaved editor text included) into the request. */
  private async attachmentContent(attachments: readonly Attachment[]): Promise<Attachment[]> {
    if (attachments.every((a) => a.text !== undefined)) return [...attachments];
    const ws = await this.workspace().catch(() => undefined);
    return withContent(attachments, async (p) => {
      if (!ws) throw new Error('no workspace');
      return (await ws.readFile(normalizeWorkspacePath(p))).text;
    });
  }

  stop(): boolean {
    return this.active.stop();
  }

  /** `fanout.compact` / `/compact`: the notice (or why nothing happened) shows in the chat. */
  async compact(): Promise<boolean> {
    await this.restoring;
    try {
      const done = await this.active.compact();
      if (!done) void vscode.window.showInformationMessage('Fanout: nothing to compact yet (the conversation is short, or already compacted).');
      return done;
    } catch (e) {
      const kind = e instanceof RunSetupError ? e.kind : e instanceof SessionBusyError ? 'busy' : undefined;
      this.showError(`Could not compact the conversation: ${(e as Error).message}`, kind);
      return false;
    }
  }

  /** A new chat; if the one it replaces still has changes waiting for review, the new one says so. */
  async newChat(): Promise<void> {
    await this.restoring;
    const previous = this.active;
    // A chat whose first request is still starting has no message yet, but it is not empty either.
    if (previous.conversation.messages.length > 0 || previous.running) this.activate(this.createSession(newConversation()));
    await this.showActive();
    const count = previous.changes.pendingPaths().length;
    if (previous !== this.active && count) this.deps.view.post({ type: 'unreviewed', conversationId: previous.conversation.id, title: previous.conversation.title, count });
  }

  async runAction(action: ErrorAction): Promise<void> {
    if (action !== 'retry') return runCommandAction(action);
    const text = this.active.retryText();
    if (text === undefined) return;
    await this.showActive();
    this.send(text).catch(() => undefined);
  }

  private createSession(conversation: Conversation): ChatSession {
    const { deps } = this;
    const session: ChatSession = new ChatSession({
      conversation,
      workspace: () => this.workspace(),
      tools: this.tools,
      logger: deps.logger,
      configure: async (host) => {
        const { settings, keys, logger } = deps;
        // The chat keeps the model of its first request; the settings pick the model of chats yet to start.
        const now = settings.read();
        conversation.chatModel ??= { provider: now.provider, model: now.model };
        const run = { settings: () => withChatModel(conversation, settings.read()), keys, approvals: this.approvals, locks: this.locks, runner: this.runner, tools: this.tools, diagnostics: this.diagnostics, language: this.language };
        const config = await configureRun({ ...run, extraTools: () => this.mcp.tools(), trusted: () => vscode.workspace.isTrusted, logger }, host);
        // The chat shows which rule files steer the agent (or why none do).
        if (config.rules) deps.view.post({ type: 'rules', ...config.rules });
        return config;
      },
      save: (c) => deps.store.save(c),
      costUsd: estimateCostUsd,
      emit: (event) => {
        deps.view.post({ type: 'event', conversationId: conversation.id, event });
        if (event.type === 'run-start' && event.messageIndex === 0) void this.postHistory();
      },
      onFileChanged: () => {
        if (session === this.active) this.scheduleChangedFiles();
      },
      onFileOperation: (paths) => this.fileUndo.record(session, paths),
    });
    this.sessions.set(conversation.id, session);
    return session;
  }

  private activate(session: ChatSession): void {
    this.active = session;
    void this.deps.state.update(ACTIVE_KEY, session.conversation.id);
  }

  /** After a window reload: reopen the chat that was shown (cut back to its last completed turn by the store). */
  private async restoreActive(): Promise<void> {
    const id = this.deps.state.get<string>(ACTIVE_KEY);
    const c = id ? await this.deps.store.load(id).catch(() => undefined) : undefined;
    if (c && this.active.conversation.messages.length === 0 && !this.active.running) {
      this.active = this.sessions.get(c.id) ?? this.createSession(c);
      await this.loadChanges(this.active);
    }
  }

  async openConversation(id: string): Promise<void> {
    const known = this.sessions.get(id);
    const c = known ? undefined : await this.deps.store.load(id);
    if (!known && !c) {
      this.showError('That conversation could not be opened (it was deleted or its file is damaged; see the log).', 'not_found');
      return this.postHistory();
    }
    this.activate(known ?? this.createSession(c!));
    if (!known) await this.loadChanges(this.active);
    await this.showActive();
  }

  async deleteConversation(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (session) {
      session.stop();
      // Its last save must land before the file is deleted, or the chat would come back.
      await session.idle();
      this.sessions.delete(id);
      this.fileUndo.forget(session);
    }
    await this.deps.store.delete(id);
    // Its originals go with it: nothing can show or undo them any more.
    await this.deps.changes.delete(id).catch((e: unknown) => this.deps.logger.warn(`could not delete the review state: ${(e as Error).message}`));
    if (this.active.conversation.id === id) {
      this.activate(this.createSession(newConversation()));
      await this.showActive();
    }
    await this.postHistory();
  }

  /** Undo in Changed files for some of a chat's files (Ctrl+Z in the Explorer, fileOperationUndo.ts). */
  private async undoFiles(session: ChatSession, paths: string[]): Promise<void> {
    const failed = await this.review.undo(session, paths);
    if (failed.length) this.showError(`Could not undo: ${failed.join('; ')}`, 'restore_failed');
    if (session === this.active) await this.postChangedFiles();
  }

  /** Puts the files back; with `conversation`, also rewinds the chat and returns that message's words to the prompt box. */
  async restoreCheckpoint(messageIndex: number, conversation = false): Promise<void> {
    if (this.active.running) return this.showError('Stop the running request before restoring a checkpoint.', 'busy');
    const { failed } = await this.review.restoreCheckpoint(this.active, messageIndex);
    if (failed.length) this.showError(`Some files could not be restored: ${failed.join('; ')}`, 'restore_failed');
    const text = conversation && !failed.length ? this.active.rewind(messageIndex) : undefined;
    if (text === undefined) return this.postChangedFiles();
    await this.showActive();
    this.deps.view.post({ type: 'draft', text: typedText(text) });
    await this.postHistory();
  }

  /** Everything a freshly loaded chat view needs, sent in one go (see ChatViewProvider.open). */
  async redraw(): Promise<void> {
    await this.restoring;
    const session = this.active;
    const [history, files] = await Promise.all([this.history(), this.changedFiles()]);
    const s = withChatModel(session.conversation, this.deps.settings.read());
    const mcp = this.mcp.state();
    this.deps.view.open([
      { type: 'init', provider: s.provider, model: s.model, conversation: session.view(), history },
      ...this.replayOf(session),
      ...this.approvals.openPrompts().map(approvalMessage),
      { type: 'changed-files', files },
      ...(mcp ? [mcp] : []),
    ]);
  }

  private async showActive(): Promise<void> {
    const session = this.active;
    const files = await this.changedFiles();
    this.deps.view.post({ type: 'conversation', conversation: session.view() });
    this.postModel();
    for (const m of this.replayOf(session)) this.deps.view.post(m);
    this.deps.view.post({ type: 'changed-files', files });
  }

  private replayOf(session: ChatSession): HostMessage[] {
    return session.replay().map((event) => ({ type: 'event', conversationId: session.conversation.id, event }));
  }

  /** Stored chats plus the ones in memory (a chat's first save may still be on its way). */
  private async history(): Promise<ConversationSummary[]> {
    const byId = new Map((await this.deps.store.list()).map((s) => [s.id, s]));
    for (const s of this.sessions.values()) if (s.conversation.messages.length) byId.set(s.conversation.id, summaryOf(s.conversation));
    return [...byId.values()].sort((a, b) => b.updatedAt - a.updatedAt).slice(0, MAX_HISTORY);
  }

  private async postHistory(): Promise<void> {
    this.deps.view.post({ type: 'history', history: await this.history() });
  }

  private async changedFiles() {
    return this.review.changedFiles(this.active).catch((e: unknown) => {
      this.deps.logger.debug(`changed files unavailable: ${(e as Error).message}`);
      return [];
    });
  }

  async postChangedFiles(): Promise<void> {
    this.deps.view.post({ type: 'changed-files', files: await this.changedFiles() });
    await this.saveChanges(this.active);
  }

  /** Review state survives a window reload: saved whenever it changes, read back when a stored chat is reopened. */
  private async saveChanges(session: ChatSession): Promise<void> {
    await this.deps.changes.save(session.conversation.id, session.changes.save()).catch((e: unknown) => this.deps.logger.warn(`could not save the review state: ${(e as Error).message}`));
  }

  private async loadChanges(session: ChatSession): Promise<void> {
    const saved = await this.deps.changes.load(session.conversation.id).catch((e: unknown) => {
      this.deps.logger.warn(`could not read the review state: ${(e as Error).message}`);
      return undefined;
    });
    if (saved) session.changes.load(saved);
  }

  /** Agent writes come in bursts (a batch of edits): one update for the burst. */
  private scheduleChangedFiles(): void {
    if (this.changedFilesTimer) return;
    this.changedFilesTimer = setTimeout(() => {
      this.changedFilesTimer = undefined;
      void this.postChangedFiles();
    }, 50);
  }

  showError(message: string, kind: string | undefined): void {
    this.deps.view.post({ type: 'error', message, actions: actionsForError(kind), kind });
    // A notification only when the chat cannot show it, and once per problem: a retry loop must not stack toasts.
    if (!this.deps.view.visible && !this.notified.has(message)) {
      this.notified.add(message);
      void vscode.window.showWarningMessage(`Fanout: ${message}`);
    }
  }

  dispose(): void {
    for (const s of this.sessions.values()) s.stop();
    clearTimeout(this.changedFilesTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
    void this.shutdown();
  }

  /** Ends every MCP server and every command still running, and waits until their processes are gone. */
  async shutdown(): Promise<void> {
    await Promise.all([this.mcp.dispose(), this.runner.dispose()]);
  }
}
