// Host messages for the webview tests: a conversation, and one realistic parallel batch as the host streams it.
import type { ConversationView, HostMessage, UiAgentEvent } from '../../src/shared/protocol';

export const emptyConversation = (id = 'c1'): ConversationView => ({
  id,
  title: 'New chat',
  messages: [],
  batches: [],
  usage: { inputTokens: 0, outputTokens: 0 },
  running: false,
});

export const init = (conversation = emptyConversation()): HostMessage => ({ type: 'init', provider: 'openai', model: 'gpt-4.1', conversation, history: [] });
export const ev = (event: UiAgentEvent, conversationId = 'c1'): HostMessage => ({ type: 'event', conversationId, event });

/** A turn that reads two files and searches in parallel while an edit waits for the stream to end, then for its lock. */
export function parallelBatch(): HostMessage[] {
  const call = (id: string, name: string, args: object) => ({ id, name, arguments: JSON.stringify(args) });
  const read = call('call_a', 'read_file', { path: 'src/scheduler.ts' });
  const search = call('call_b', 'search_workspace', { query: 'pLimit(' });
  const tests = call('call_c', 'run_tests', { command: 'npm test' });
  const edit = call('call_d', 'apply_edit', { path: 'src/loop.ts', edits: [{ oldText: 'a', newText: 'b' }] });
  const u = (callId: string, name: string, summary: string, state: Extract<UiAgentEvent, { type: 'tool-update' }>['update']['state'], atMs: number, extra: object = {}) =>
    ev({ type: 'tool-update', turn: 1, update: { callId, name, summary, state, atMs, ...extra } });
  const result = (callId: string, name: string, ok: boolean, content: string) => ({ callId, name, ok, content });
  return [
    ev({ type: 'run-start', userText: 'Why is the scheduler slow? Check and fix the loop.', messageIndex: 0 }),
    ev({ type: 'turn-start', turn: 1 }),
    ev({ type: 'text-delta', turn: 1, text: "I'll read the scheduler, search for the limiter, and run the tests at the same time." }),
    ev({ type: 'tool-call', turn: 1, call: read, summary: 'src/scheduler.ts', atMs: 40 }),
    u('call_a', 'read_file', 'src/scheduler.ts', 'queued', 40),
    u('call_a', 'read_file', 'src/scheduler.ts', 'running', 45),
    ev({ type: 'tool-call', turn: 1, call: search, summary: 'pLimit(', atMs: 90 }),
    u('call_b', 'search_workspace', 'pLimit(', 'queued', 90),
    u('call_b', 'search_workspace', 'pLimit(', 'running', 95),
    ev({ type: 'tool-call', turn: 1, call: tests, summary: 'npm test', atMs: 130 }),
    u('call_c', 'run_tests', 'npm test', 'queued', 130),
    ev({ type: 'tool-call', turn: 1, call: edit, summary: 'src/loop.ts', atMs: 160 }),
    u('call_d', 'apply_edit', 'src/loop.ts', 'queued', 160),
    u('call_a', 'read_file', 'src/scheduler.ts', 'done', 210, { durationMs: 165, result: result('call_a', 'read_file', true, '1\timport pLimit from "p-limit";\n2\t…') }),
    u('call_c', 'run_tests', 'npm test', 'running', 240),
    u('call_d', 'apply_edit', 'src/loop.ts', 'waiting_lock', 240),
    u('call_d', 'apply_edit', 'src/loop.ts', 'running', 300),
    u('call_d', 'apply_edit', 'src/loop.ts', 'done', 340, { durationMs: 40, result: result('call_d', 'apply_edit', true, 'Applied 1 edit to src/loop.ts (+1 −1).') }),
    u('call_b', 'search_workspace', 'pLimit(', 'done', 620, { durationMs: 525, result: result('call_b', 'search_workspace', true, 'src/agent/scheduler.ts:2: import pLimit') }),
    u('call_c', 'run_tests', 'npm test', 'failed', 1480, {
      durationMs: 1240,
      result: result('call_c', 'run_tests', false, 'Error (exit_code): npm test exited with code 1\n  1 failing'),
    }),
    ev({
      type: 'batch',
      log: {
        turn: 1,
        wallMs: 1490,
        streamEndMs: 230,
        calls: [
          { id: 'call_a', name: 'read_file', summary: 'src/scheduler.ts', ok: true, state: 'done', ms: 165, startMs: 45, endMs: 210, early: true },
          { id: 'call_b', name: 'search_workspace', summary: 'pLimit(', ok: true, state: 'done', ms: 525, startMs: 95, endMs: 620, early: true },
          { id: 'call_c', name: 'run_tests', summary: 'npm test', ok: false, state: 'failed', ms: 1240, startMs: 240, endMs: 1480, early: false },
          { id: 'call_d', name: 'apply_edit', summary: 'src/loop.ts', ok: true, state: 'done', ms: 40, startMs: 300, endMs: 340, early: false },
        ],
      },
    }),
    ev({ type: 'usage', turn: 1, usage: { inputTokens: 5210, outputTokens: 240 }, costUsd: 0.0123 }),
  ];
}
