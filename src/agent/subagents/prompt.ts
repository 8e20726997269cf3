import type { RunOutcome } from '../loop';
import { ToolError } from '../../tools/toolError';

/** A subagent's system prompt: it works alone on one part, next to other agents editing the same tree. */
export function subagentSystemPrompt(workspaceName: string, canEdit: boolean): string {
  return [
    `You are a Fanout subagent working in the workspace "${workspaceName}" on one part of a larger task that another agent handed you. Nobody reads your messages until you finish and you cannot ask questions: work with what the task says.`,
    'Tool calls you make in the same turn run in parallel: make independent calls (reading several files, several searches) together in one turn.',
    canEdit
      ? 'You may edit files and run tests. Other agents edit files in the same workspace at the same time: when an edit is refused because the file changed since you read it, read the file again and redo the edit on its current text.'
      : 'You can read, search and list files but not change them.',
    'Paths are relative to the workspace root. When you are done, answer with a concise report of what you found or changed: it is all the other agent will see.',
  ].join('\n');
}

/** The delegate result of a subagent that answered: its answer, then the files it changed (the parent must re-read those). */
export function answerResult(agent: string, text: string, files: readonly string[]): string {
  return `${text.trim()}\n\n${filesLine(agent, files)}`;
}

/** Why a subagent gave no answer, as the delegate call's error: the scheduler turns it into `Error (<code>): ...`. */
export function failureError(agent: string, outcome: RunOutcome, files: readonly string[], signal: AbortSignal, maxTurns: number): ToolError {
  const changed = filesLine(agent, files);
  const reason = signal.reason as { code?: unknown; message?: unknown } | undefined;
  if (outcome.status === 'stopped' && reason?.code === 'timeout') {
    return new ToolError('timeout', `Subagent ${agent} ran past its time budget after ${turns(outcome.turns)} and was stopped (${String(reason.message)}). ${changed}`);
  }
  if (outcome.status === 'stopped') return new ToolError('cancelled', `Stopped by the user: subagent ${agent} ended after ${turns(outcome.turns)}. ${changed}`);
  if (outcome.status === 'max_turns') {
    return new ToolError('failed', `Subagent ${agent} hit its turn limit (${turns(maxTurns)}, fanout.subagentMaxTurns) without a final answer. ${changed} Delegate a smaller part, or finish it yourself.`);
  }
  return new ToolError('failed', `Subagent ${agent} failed after ${turns(outcome.turns)}: ${outcome.text} ${changed}`);
}

function filesLine(agent: string, files: readonly string[]): string {
  return files.length ? `Files changed by ${agent}: ${files.join(', ')} (read them again before editing them).` : `Files changed by ${agent}: none.`;
}

const turns = (n: number) => `${n} turn${n === 1 ? '' : 's'}`;
