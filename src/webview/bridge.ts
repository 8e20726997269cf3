// The only place that talks to the extension: every incoming message is validated against the shared protocol, and
// only messages that match WebviewMessage go out.
import './jitless';
import { parseHostMessage, parseWebviewMessage, type HostMessage, type WebviewMessage } from '../shared/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

// Provided by VS Code in every webview; may be called once per page load.
declare function acquireVsCodeApi(): VsCodeApi;

export interface Bridge {
  post(message: WebviewMessage): void;
  onMessage(handler: (message: HostMessage) => void): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export function createBridge(): Bridge {
  const api = acquireVsCodeApi();
  return {
    post(message) {
      // The types already guarantee the shape; this catches values the types cannot (e.g. an empty id or text).
      const checked = parseWebviewMessage(message);
      if (!checked) {
        console.warn('Fanout: not sending an invalid message', message);
        return;
      }
      api.postMessage(checked);
    },
    onMessage(handler) {
      window.addEventListener('message', (ev: MessageEvent) => {
        const message = parseHostMessage(ev.data);
        if (!message) {
          console.warn('Fanout: ignored a message that is not part of the protocol', ev.data);
          return;
        }
        handler(message);
      });
    },
    getState: () => api.getState(),
    setState: (state) => api.setState(state),
  };
}
