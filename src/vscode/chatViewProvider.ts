import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Logger } from '../host/logger';
import type { HostMessage, WebviewMessage } from '../shared/protocol';

const MAX_QUEUED = 50;

/** Validation and routing of the view's messages: both live in the lazily loaded core (zod is most of its size). */
export interface MessageHandler {
  parse(raw: unknown): WebviewMessage | undefined;
  /** For `ready` it must end by calling `open` with the redraw messages. */
  route(message: WebviewMessage): Promise<void>;
}

/**
 * The sidebar chat. Its state lives in the extension, not the webview: whenever the webview (re)loads (first show,
 * shown again after being hidden, window reload) it says `ready` and gets everything it needs to redraw, so
 * retainContextWhenHidden is not needed. Messages to a webview that is not ready are dropped, except the few
 * one-off requests (`postWhenReady`: attachments, focus) that no redraw would bring back.
 */
export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = 'fanout.chat';
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private queued: HostMessage[] = [];
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly logger: Logger,
    /** Loads (once) what handles the messages; every message waits for it, in order. */
    private readonly handler: () => Promise<MessageHandler>,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    view.webview.options = { enableScripts: true, localResourceRoots: [dist, vscode.Uri.joinPath(this.extensionUri, 'media')] };
    view.webview.html = chatHtml(view.webview, dist);
    // The handler loads while the webview boots, so its `ready` does not wait for it. A failure shows on that message.
    this.handler().catch(() => undefined);
    this.disposables.push(
      view.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      // A hidden webview is torn down; it says `ready` again when shown.
      view.onDidChangeVisibility(() => {
        if (!view.visible) this.ready = false;
      }),
      view.onDidDispose(() => {
        if (this.view === view) this.view = undefined;
        this.ready = false;
      }),
    );
  }

  get visible(): boolean {
    return !!this.view?.visible;
  }

  post(message: HostMessage): void {
    if (this.view && this.ready) void this.view.webview.postMessage(message);
  }

  /** For one-off requests: delivered now, or right after the webview next becomes ready. */
  postWhenReady(message: HostMessage): void {
    if (this.view && this.ready) return this.post(message);
    this.queued.push(message);
    if (this.queued.length > MAX_QUEUED) this.queued.shift();
  }

  /** Sends the redraw messages in order, then whatever was queued, and from then on live messages. */
  open(messages: HostMessage[]): void {
    if (!this.view) return;
    this.ready = true;
    for (const m of [...messages, ...this.queued.splice(0)]) void this.view.webview.postMessage(m);
  }

  /** Shows the chat (creating the view if it was never opened). */
  async reveal(preserveFocus = false): Promise<void> {
    if (this.view) this.view.show(preserveFocus);
    else await vscode.commands.executeCommand(`${ChatViewProvider.viewType}.focus`);
  }

  private receive(raw: unknown): void {
    // Each message chains on the same promise: they are handled in the order they came.
    this.handler().then(
      (handler) => {
        const message = handler.parse(raw);
        if (!message) {
          // Only the type: a malformed message may carry user text, which does not belong in the log.
          const type = (raw as { type?: unknown } | null)?.type;
          this.logger.warn(`ignored an invalid message from the chat view (type ${JSON.stringify(typeof type === 'string' ? type.slice(0, 40) : typeof raw)})`);
          return;
        }
        if (message.type === 'ready') this.ready = false;
        handler.route(message).catch((e: unknown) => this.failed(message.type, e));
      },
      (e: unknown) => this.failed((raw as { type?: unknown } | null)?.type === 'ready' ? 'ready' : 'a message', e),
    );
  }

  private failed(type: string, e: unknown): void {
    this.logger.error(`handling ${type} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    const error: HostMessage = { type: 'error', message: `Fanout could not handle that (${e instanceof Error ? e.message : String(e)}).`, actions: ['showLog'] };
    // A failed redraw must still leave a live view that can show the error.
    if (type === 'ready') this.open([error]);
    else this.post(error);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** A strict CSP: only our own nonce'd script, styles and fonts from dist/, no inline code, no network. */
function chatHtml(webview: vscode.Webview, dist: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(dist, ...p)).toString();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${nonce}" href="${asset('codicons', 'codicon.css')}">
<link rel="stylesheet" nonce="${nonce}" href="${asset('webview.css')}">
<title>Fanout</title>
</head>
<body>
<script nonce="${nonce}" src="${asset('webview.js')}"></script>
</body>
</html>`;
}
