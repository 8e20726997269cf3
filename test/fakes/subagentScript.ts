// Scripted models for subagent tests and benchmarks: a request tells which agent sends it (a subagent's system prompt
// says so, and its first user message is the delegate prompt), and a scripted editor that reads a file, applies its
// edits in one turn, and after any refusal (stale read, lock order) reads again and redoes what did not land.
import type { RecordedRequest } from './httpFake';
import type { ScriptedCall, ScriptedTurn } from './openaiServer';

interface WireMessage {
  role: string;
  content?: unknown;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
}

const messagesOf = (req: RecordedRequest): WireMessage[] => (req.body?.messages ?? []) as WireMessage[];
const text = (content: unknown): string => (typeof content === 'string' ? content : Array.isArray(content) ? content.map((p: { text?: string }) => p.text ?? '').join('') : '');

/** True when the request comes from a subagent (see src/agent/subagents/prompt.ts). */
export function isSubagentRequest(req: RecordedRequest): boolean {
  return text(messagesOf(req)[0]?.content).includes('Fanout subagent');
}

/** The first user message: for a subagent, the delegate prompt it was given. */
export function taskText(req: RecordedRequest): string {
  return text(messagesOf(req).find((m) => m.role === 'user')?.content);
}

/** Model turns this agent has taken in the request's run so far (0 on its first request). */
export function stepOf(req: RecordedRequest): number {
  return messagesOf(req).filter((m) => m.role === 'assistant').length;
}

/** Each call of the run so far with its result, in order. */
export function callsWithResults(req: RecordedRequest): { name: string; args: Record<string, unknown>; result: string; turn: number }[] {
  const msgs = messagesOf(req);
  const results = new Map(msgs.filter((m) => m.role === 'tool').map((m) => [m.tool_call_id, text(m.content)]));
  let turn = 0;
  return msgs.flatMap((m) =>
    m.role !== 'assistant'
      ? []
      : (turn++, (m.tool_calls ?? []).map((c) => ({ name: c.function.name, args: JSON.parse(c.function.arguments) as Record<string, unknown>, result: results.get(c.id) ?? '', turn }))),
  );
}

export interface EditTask {
  file: string;
  edits: { oldText: string; newText: string }[];
}

const TASK = 'EDIT-TASK ';

/** A delegate prompt an editor subagent understands. */
export function editTaskPrompt(task: EditTask): string {
  return `Make these edits to ${task.file}.\n${TASK}${JSON.stringify(task)}`;
}

export function parseEditTask(req: RecordedRequest): EditTask | undefined {
  const t = taskText(req);
  const at = t.indexOf(TASK);
  return at < 0 ? undefined : (JSON.parse(t.slice(at + TASK.length)) as EditTask);
}

/**
 * The editor's next turn: read the file; then every edit not yet applied, in one turn; after a turn in which any
 * edit was refused, read again first. `kind` says which it is, so a test can hold a turn back.
 */
export function editorTurn(req: RecordedRequest, task: EditTask): { kind: 'read' | 'edit' | 'final'; turn: ScriptedTurn } {
  const calls = callsWithResults(req);
  const applied = new Set(calls.filter((c) => c.name === 'apply_edit' && c.result.startsWith('Edited')).map((c) => c.args.oldText));
  const remaining = task.edits.filter((e) => !applied.has(e.oldText));
  const lastTurn = calls.length ? calls[calls.length - 1].turn : -1;
  const last = calls.filter((c) => c.turn === lastTurn);
  if (!remaining.length) return { kind: 'final', turn: { text: `Applied ${task.edits.length} edit(s) to ${task.file}.` } };
  if (!last.length || last.some((c) => c.name === 'apply_edit')) return { kind: 'read', turn: { calls: [readCall(task.file)] } };
  return { kind: 'edit', turn: { calls: remaining.map((e): ScriptedCall => ({ name: 'apply_edit', arguments: { path: task.file, ...e } })) } };
}

const readCall = (path: string): ScriptedCall => ({ name: 'read_file', arguments: { path } });

/** How many apply_edit calls of the run were refused as stale. */
export function staleRefusals(req: RecordedRequest): number {
  return callsWithResults(req).filter((c) => c.name === 'apply_edit' && c.result.startsWith('Error (stale_file)')).length;
}
