import type { WriteOutcome } from './workspace';

/**
 * How long a write that is stopped (by the user, or by its timeout) while its save runs still waits for that save.
 * The change is already in the editor and VS Code finishes the save by itself; waiting keeps the call running, and so
 * keeps its file lock (a write call that changed the workspace holds it until it ends), until the file is on disk.
 * Otherwise the next edit of that file could find the buffer still dirty from this save, take it for the user's
 * unsaved text and leave it unsaved. Bounded: a save held up by a slow save participant or a dialog must not hold the
 * file forever. A save participant usually gets 1.5 s; this leaves room for a few of them.
 */
export const SAVE_WAIT_AFTER_STOP_MS = 5_000;

/**
 * Waits for `saved`, the save of a change that is already made (it never rejects). Without a stop that is all; after
 * a stop it waits at most `boundMs` more and says how the save ended.
 */
export function awaitSave(saved: Promise<unknown>, signal: AbortSignal | undefined, boundMs = SAVE_WAIT_AFTER_STOP_MS): Promise<WriteOutcome> {
  if (!signal) return saved.then(() => ({}));
  return new Promise<WriteOutcome>((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      timer = setTimeout(() => resolve({ savePending: true }), boundMs);
    };
    void saved.then(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(signal.aborted ? { savedAfterStop: true } : {});
    });
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The sentence a write tool adds to its result when the call was stopped during its save. */
export function saveNote(outcome: WriteOutcome | void): string {
  if (outcome?.savedAfterStop) return ' The call was stopped while VS Code was saving the file; that save has completed, so the change is on disk too.';
  if (outcome?.savePending) {
    return ` The call was stopped while VS Code was saving the file, and the save had not completed ${SAVE_WAIT_AFTER_STOP_MS / 1000} s later: the change is in the editor, and on disk once that save completes.`;
  }
  return '';
}
