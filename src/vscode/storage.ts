import * as vscode from 'vscode';
import type { BlobStore } from '../agent/conversationStore';

/** The conversation store's folder, through workspace.fs (works for local and remote extension hosts alike). */
export function workspaceFsBlobs(dir: vscode.Uri): BlobStore {
  const uri = (name: string) => vscode.Uri.joinPath(dir, name);
  let created: Thenable<void> | undefined;
  return {
    async read(name) {
      try {
        return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri(name)));
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    async write(name, text) {
      await (created ??= vscode.workspace.fs.createDirectory(dir).then(undefined, (e: unknown) => {
        created = undefined;
        throw e;
      }));
      await vscode.workspace.fs.writeFile(uri(name), new TextEncoder().encode(text));
    },
    async delete(name) {
      try {
        await vscode.workspace.fs.delete(uri(name), { useTrash: false });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    },
    async list() {
      try {
        return (await vscode.workspace.fs.readDirectory(dir)).map(([name]) => name);
      } catch (e) {
        if (isNotFound(e)) return [];
        throw e;
      }
    },
  };
}

export function isNotFound(e: unknown): boolean {
  const code = (e as { code?: unknown } | undefined)?.code;
  return code === 'FileNotFound' || code === 'EntryNotFound' || code === 'ENOENT';
}
