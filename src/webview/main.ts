// The Fanout chat view (browser side). Plain DOM + TypeScript, no UI framework: the view is a handful of small
// components, a framework would multiply the bundle for little gain, and the webview UI toolkit is deprecated.
// Colours come only from VS Code's theme variables (see styles/theme.css), so light, dark and high-contrast themes just work.
import './jitless';
import './styles/base.css';
import './styles/theme.css';
import './styles/layout.css';
import './styles/approvals.css';
import './styles/setup.css';
import type { HostMessage } from '../shared/protocol';
import { Approvals } from './approvals';
import { createBridge } from './bridge';
import { ChangedFiles } from './changedFiles';
import { Composer } from './composer';
import { Conversation } from './conversation';
import { h } from './dom';
import { Header } from './header';
import { HistoryPanel } from './history';
import { McpPanel } from './mcpPanel';
import { describeUsage } from './render/turn';
import { SetupView } from './setup';
import { ViewState } from './state';

function start(): void {
  const bridge = createBridge();
  const post = bridge.post;
  const state = new ViewState(bridge);

  const composer = new Composer(post, state);
  const header = new Header(post, () => history.toggle());
  const history = new HistoryPanel(post, header.historyButton);
  const approvals = new Approvals(post, () => composer.focus());
  const changed = new ChangedFiles(post);
  const mcp = new McpPanel(post);
  const setup = new SetupView(post);
  const conversation = new Conversation(
    {
      post,
      onRunning: (running) => {
        header.setRunning(running);
        composer.setRunning(running);
      },
      onTotals: (usage, costUsd) => {
        const any = usage.inputTokens + usage.outputTokens > 0;
        composer.totals.textContent = any ? `Σ ${describeUsage(usage, costUsd)}` : '';
        composer.totals.title = any ? `This conversation so far: ${describeUsage(usage, costUsd)}` : '';
      },
      onContext: (tokens, window) => header.setContext(tokens, window),
    },
    state,
  );

  document.body.append(h('div', { class: 'app' }, header.el, history.el, setup.el, conversation.root, h('div', { class: 'dock' }, approvals.el, changed.el, mcp.el), composer.el));
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && history.open && !ev.defaultPrevented) history.close();
  });

  const handle = (m: HostMessage): void => {
    switch (m.type) {
      case 'init':
        header.setModel(m.provider, m.model);
        history.set(m.history);
        showConversation(m.conversation);
        break;
      case 'conversation':
        showConversation(m.conversation);
        break;
      case 'history':
        history.set(m.history);
        break;
      case 'event':
        // Another conversation may still be running in the background; only the one on screen is drawn.
        if (m.conversationId === conversation.conversationId) conversation.handle(m.event);
        break;
      case 'model':
        header.setModel(m.provider, m.model);
        break;
      case 'approval-request':
        approvals.request(m.requestId, m.calls);
        break;
      case 'approval-closed':
        approvals.close(m.requestId);
        break;
      case 'changed-files':
        changed.set(m.files);
        break;
      case 'error':
        composer.startFailed();
        conversation.showError(m.message, m.actions, m.kind);
        break;
      case 'clear-errors':
        conversation.clearErrors(m.kinds);
        break;
      case 'draft':
        composer.setDraft(m.text);
        break;
      case 'unreviewed':
        conversation.showUnreviewed(m);
        break;
      case 'attach':
        composer.attach(m.attachments);
        composer.focus();
        break;
      case 'mention-results':
        composer.showMentions(m.query, m.paths);
        break;
      case 'focus-input':
        composer.focus();
        break;
      case 'rules':
        composer.setRules(m.files, m.note);
        break;
      case 'mcp-state':
        mcp.set(m);
        break;
      case 'setup':
        setup.set(m.state);
        // The conversation gives way to the setup screen; what is typed meanwhile waits in the queue.
        conversation.root.hidden = setup.shown;
        composer.setBlocked(setup.shown);
        break;
      case 'setup-result':
        setup.result(m);
        break;
    }
  };
  const showConversation = (view: Extract<HostMessage, { type: 'conversation' }>['conversation']): void => {
    conversation.show(view);
    history.setCurrent(view.id);
  };

  bridge.onMessage(handle);
  post({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
