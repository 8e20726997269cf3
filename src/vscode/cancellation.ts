import * as vscode from 'vscode';

// The core speaks AbortSignal, VS Code speaks CancellationToken: they meet here and nowhere else.

/** A token cancelled when `signal` aborts. Dispose it when the call is over. */
export function tokenFor(signal: AbortSignal | undefined): vscode.CancellationTokenSource {
  const source = new vscode.CancellationTokenSource();
  if (signal?.aborted) source.cancel();
  else signal?.addEventListener('abort', () => source.cancel(), { once: true });
  return source;
}

/** A signal aborted when `token` is cancelled. */
export function signalFor(token: vscode.CancellationToken): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  const sub = token.onCancellationRequested(() => controller.abort());
  return { signal: controller.signal, dispose: () => sub.dispose() };
}
