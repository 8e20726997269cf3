import * as vscode from 'vscode';
import type { WebviewMessage } from '../shared/protocol';
import { normalizeWorkspacePath } from '../tools/paths';
import type { ChatController } from './chatController';
import { alwaysAllow } from './approvalInfo';
import type { ChatViewProvider } from './chatViewProvider';
import { mentionResults } from './editorContext';
import type { SetupFlow } from './setupFlow';

export interface RouteDeps {
  chat: ChatController;
  view: ChatViewProvider;
  setup: SetupFlow;
}

/** Acts on one validated message from the chat view. Paths from the view are normalised like the model's. */
export async function routeMessage({ chat, view, setup }: RouteDeps, msg: WebviewMessage): Promise<void> {
  const optionalPath = (p: string | undefined) => (p === undefined ? undefined : normalizeWorkspacePath(p));
  switch (msg.type) {
    case 'ready':
      await chat.redraw();
      return setup.post();
    case 'setup-key':
      return setup.enterKey(msg.provider);
    case 'setup-models':
      return setup.models(msg.provider, msg.baseUrl);
    case 'setup-test':
      return setup.test(msg.provider, msg.model, msg.baseUrl);
    case 'setup-save':
      return setup.save(msg.provider, msg.model, msg.baseUrl);
    case 'send':
      // Shown in the chat as it runs; a request that cannot start was reported there too.
      chat.send(msg.text, msg.attachments).catch(() => undefined);
      return;
    case 'stop':
      chat.stop();
      return;
    case 'compact':
      await chat.compact();
      return;
    case 'new-chat':
      return chat.newChat();
    case 'open-conversation':
      return chat.openConversation(msg.id);
    case 'delete-conversation':
      return chat.deleteConversation(msg.id);
    case 'approval-response':
      chat.approvals.respond(msg.requestId, msg.decisions);
      return;
    case 'approval-always':
      if (!(await alwaysAllow(msg.setting))) chat.showError(`"Always allow" is not available for ${msg.setting} here (Restricted Mode, or no folder open).`, 'bad_config');
      return;
    case 'approval-diff':
      return chat.approvalDiffs.open(chat.approvals.openPrompts(), msg.requestId, msg.callId, await chat.workspace());
    case 'action':
      return chat.runAction(msg.action);
    case 'open-diff':
      return chat.review.openDiff(chat.activeSession, normalizeWorkspacePath(msg.path));
    case 'keep':
      await chat.review.keep(chat.activeSession, optionalPath(msg.path));
      return chat.postChangedFiles();
    case 'undo': {
      const failed = await chat.review.undo(chat.activeSession, optionalPath(msg.path));
      if (failed.length) chat.showError(`Could not undo: ${failed.join('; ')}`, 'restore_failed');
      return chat.postChangedFiles();
    }
    case 'restore-checkpoint':
      return chat.restoreCheckpoint(msg.messageIndex, msg.conversation);
    case 'mention-query':
      view.post({ type: 'mention-results', query: msg.query, paths: await mentionResults(msg.query) });
      return;
    case 'mcp-toggle':
      return chat.mcp.toggle(msg.server, msg.tool, msg.enabled);
    case 'mcp-restart':
      return chat.mcp.restart(msg.server);
    case 'open-file': {
      const ws = await chat.workspace();
      await vscode.window.showTextDocument(ws.uriOf(normalizeWorkspacePath(msg.path)), { preview: true });
      return;
    }
  }
}
