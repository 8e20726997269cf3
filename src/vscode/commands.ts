import * as vscode from 'vscode';
import type { ApiKeys } from './apiKeys';
import type { ChatController } from './chatController';
import type { ChatViewProvider } from './chatViewProvider';
import type { CommandId } from './commandIds';
import { attachmentFromEditor } from './editorContext';
import { pickModel } from './modelPicker';
import { providerFor } from './runSetup';
import type { SettingsReader } from './settings';

export interface CommandDeps {
  chat: ChatController;
  view: ChatViewProvider;
  keys: ApiKeys;
  settings: SettingsReader;
}

/** fanout.showLog is the shell's own (extension.ts): the log must open even when the core failed to load. */
export type CommandHandlers = Record<Exclude<CommandId, 'fanout.showLog'>, (...args: unknown[]) => unknown>;

/** The handlers of the `fanout.*` commands; extension.ts registered the ids at activation. */
export function commandHandlers({ chat, view, keys, settings }: CommandDeps): CommandHandlers {
  return {
    'fanout.newChat': async () => {
      await view.reveal();
      await chat.newChat();
      view.postWhenReady({ type: 'focus-input' });
    },
    'fanout.setApiKey': () => keys.promptAndStore(chat.activeSettings().provider),
    'fanout.selectModel': async () => {
      const picked = await pickModel({
        settings: () => chat.activeSettings(),
        provider: (id) => providerFor({ keys }, { provider: id, baseUrl: settings.read().baseUrl }),
        // The settings hold the choice for new chats; an unchanged value is not written again.
        write: async (key, value) => {
          if (settings.read()[key] !== value) await settings.write(key, value);
        },
      });
      // Also when the settings already held it (no change event): the shown chat takes the model picked in it.
      if (picked) chat.useModel(picked);
    },
    'fanout.stop': () => chat.stop(),
    'fanout.compact': () => chat.compact(),
    'fanout.addSelectionToChat': async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) return void vscode.window.showInformationMessage('Fanout: open a file (and select some code) to add it to the chat.');
      view.postWhenReady({ type: 'attach', attachments: [attachmentFromEditor(editor)] });
      view.postWhenReady({ type: 'focus-input' });
      await view.reveal();
    },
    'fanout.ask': (prompt?: unknown) => ask(chat, view, prompt),
    'fanout.undoFileOperation': () => chat.fileUndo.undo(),
  };
}

/**
 * `fanout.ask`: with a prompt (`executeCommand('fanout.ask', 'text')`, for automation and tests) runs it in the
 * shown chat and resolves to the final answer; from the palette it asks for the prompt first. A run that ends in
 * an error rejects with the error's text; a stopped run or one that hit maxTurns resolves to its one-line reason.
 */
async function ask(chat: ChatController, view: ChatViewProvider, prompt: unknown): Promise<string | undefined> {
  let text = typeof prompt === 'string' ? prompt.trim() : undefined;
  if (text === undefined) {
    text = (await vscode.window.showInputBox({ title: 'Fanout: Ask', prompt: 'What should the agent do?', ignoreFocusOut: true }))?.trim();
    if (!text) return undefined;
    await view.reveal(true);
  }
  if (!text) throw new Error('fanout.ask needs a non-empty prompt.');
  const outcome = await chat.send(text);
  if (outcome.status === 'error') throw new Error(outcome.text);
  return outcome.text;
}
