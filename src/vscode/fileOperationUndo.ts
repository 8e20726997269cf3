import * as vscode from 'vscode';
import type { ChatSession } from '../agent/chatSession';

/** The context key of the Explorer's Ctrl+Z binding for `fanout.undoFileOperation` (package.json). */
export const CAN_UNDO_FILE_OPERATION = 'fanout.canUndoFileOperation';

/**
 * Marks the time during which Fanout's own file operations (WorkspaceEdits that create, delete or rename files) are
 * being applied, so that the file events they fire are told apart from everyone else's. VS Code sends a WorkspaceEdit's
 * file events before the result of applyEdit, on the same channel, so they arrive while the count is up.
 */
export class OwnFileOperations {
  private count = 0;

  get active(): boolean {
    return this.count > 0;
  }

  async run<T>(operation: () => Thenable<T>): Promise<T> {
    this.count++;
    try {
      return await operation();
    } finally {
      this.count--;
    }
  }
}

interface Step {
  session: ChatSession;
  paths: string[];
}

/**
 * Ctrl+Z in the Explorer for the agent's delete_file and rename_file.
 *
 * VS Code files a WorkspaceEdit's file operation on its undo stack under the files it touched, and Ctrl+Z reaches that
 * stack only through a text editor of one of them: the Explorer's own undo takes back only what was done in the
 * Explorer. A rename therefore stays undoable from the renamed file's editor, but VS Code closes the editor of a file
 * that a WorkspaceEdit deletes, so nothing could reach the delete. While the agent's delete or rename is the latest
 * file operation in the workspace, Ctrl+Z in the Explorer is Undo in Changed files for the files of that step (the
 * very restore the Undo button runs, so the list, checkpoints and diffs stay in step), step after step. Any other file
 * operation (the user's in the Explorer, or an undo in an editor) ends this, and Ctrl+Z is VS Code's own again.
 */
export class FileOperationUndo implements vscode.Disposable {
  private steps: Step[] = [];
  private readonly listeners: vscode.Disposable[];

  constructor(
    private readonly deps: {
      own: OwnFileOperations;
      /** Undo in Changed files for `paths` of the session's chat. */
      undo(session: ChatSession, paths: string[]): Promise<void>;
    },
  ) {
    const someoneElse = () => {
      if (!deps.own.active) this.clear();
    };
    this.listeners = [vscode.workspace.onDidCreateFiles(someoneElse), vscode.workspace.onDidDeleteFiles(someoneElse), vscode.workspace.onDidRenameFiles(someoneElse)];
  }

  /** The agent deleted or renamed a file: the next Ctrl+Z in the Explorer takes that back. */
  record(session: ChatSession, paths: string[]): void {
    this.steps.push({ session, paths });
    this.publish();
  }

  /** A deleted chat's files are no longer under review. */
  forget(session: ChatSession): void {
    this.steps = this.steps.filter((s) => s.session !== session);
    this.publish();
  }

  /**
   * `fanout.undoFileOperation`: takes back the latest step whose files are all still under review (the user may have
   * kept or undone them since); with none left, runs VS Code's own undo, which the binding stood in front of.
   */
  async undo(): Promise<void> {
    const step = this.latestUnderReview();
    this.publish();
    if (step) await this.deps.undo(step.session, step.paths);
    else await vscode.commands.executeCommand('undo');
  }

  private latestUnderReview(): Step | undefined {
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      const { session, paths } = step;
      if (paths.every((p) => session.changes.isPending(p))) return step;
    }
    return undefined;
  }

  private clear(): void {
    if (!this.steps.length) return;
    this.steps = [];
    this.publish();
  }

  private publish(): void {
    void vscode.commands.executeCommand('setContext', CAN_UNDO_FILE_OPERATION, this.steps.length > 0);
  }

  dispose(): void {
    for (const l of this.listeners) l.dispose();
  }
}
