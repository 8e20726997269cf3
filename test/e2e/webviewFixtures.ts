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

const LONG_PATH = 'src/some/deeply/nested/folder/structure/that/goes/on/and/on/withAVeryLongFileNameWithoutAnyBreaks.ts';

/** Content that pushes a narrow view sideways if anything can: a wide table, a long code line, an unbroken path. */
export function wideContent(): HostMessage[] {
  const table = ['| tool | calls | wall | slowest | state | notes |', '|---|--:|--:|---|---|---|', '| read_file | 8 | 120 ms | src/agent/scheduler.ts | done | all in parallel while streaming |', '| run_tests | 2 | 1.2 s | npm test -- --grep scheduler | failed | exit code 1 |'].join('\n');
  const code = '```ts\nexport const limit = pLimit(settings.maxConcurrentTools ?? DEFAULT_MAX_CONCURRENT_TOOLS); // a very long line that does not wrap\n```';
  return [
    ev({ type: 'run-start', userText: `Look at ${LONG_PATH} and tell me why the scheduler is slow`, messageIndex: 0 }),
    ev({ type: 'turn-start', turn: 1 }),
    ev({ type: 'text-delta', turn: 1, text: `Here is what I found in \`${LONG_PATH}\`:\n\n${table}\n\n${code}\n` }),
  ];
}

/** The second turn of a run: an edit and a command that both wait for the user. */
export function approvalTurn(turn = 2): { events: HostMessage[]; request: HostMessage } {
  const edit = { id: 'ap_edit', name: 'apply_edit', arguments: JSON.stringify({ path: 'src/agent/loop.ts', oldText: 'const limit = 4;\nrun(limit);\n', newText: 'const limit = settings.maxConcurrentTools;\nrun(limit);\n' }) };
  const cmd = { id: 'ap_cmd', name: 'run_command', arguments: JSON.stringify({ command: 'npm test -- --grep "scheduler overhead" && rm -rf coverage/tmp' }) };
  const u = (callId: string, name: string, summary: string, state: 'queued' | 'awaiting_approval', atMs: number) => ev({ type: 'tool-update', turn, update: { callId, name, summary, state, atMs } });
  return {
    events: [
      ev({ type: 'turn-start', turn }),
      ev({ type: 'text-delta', turn, text: 'I will make the limit configurable and run the scheduler tests.' }),
      ev({ type: 'tool-call', turn, call: edit, summary: 'src/agent/loop.ts', atMs: 30 }),
      u('ap_edit', 'apply_edit', 'src/agent/loop.ts', 'queued', 30),
      ev({ type: 'tool-call', turn, call: cmd, summary: 'npm test -- --grep "scheduler overhead"', atMs: 40 }),
      u('ap_cmd', 'run_command', 'npm test', 'queued', 40),
      u('ap_edit', 'apply_edit', 'src/agent/loop.ts', 'awaiting_approval', 60),
      u('ap_cmd', 'run_command', 'npm test', 'awaiting_approval', 60),
    ],
    request: {
      type: 'approval-request',
      requestId: 'req-1',
      calls: [
        { id: 'ap_edit', name: 'apply_edit', summary: 'src/agent/loop.ts', access: 'write', arguments: edit.arguments, why: 'setting', setting: 'edit', alwaysAllow: true },
        { id: 'ap_cmd', name: 'run_command', summary: 'npm test', access: 'exec', arguments: cmd.arguments, why: 'restricted', setting: 'command', alwaysAllow: false, agent: 'tests lane' },
      ],
    },
  };
}

/** What follows the user's "Allow all": both calls run, then a final answer long enough to need scrolling. */
export function afterApproval(turn = 2): HostMessage[] {
  const u = (callId: string, name: string, summary: string, state: 'running' | 'done' | 'failed', atMs: number, extra: object = {}) => ev({ type: 'tool-update', turn, update: { callId, name, summary, state, atMs, ...extra } });
  const answer = ['The limit now comes from `fanout.maxConcurrentTools`.', '', ...Array.from({ length: 30 }, (_, i) => `${i + 1}. Checked item number ${i + 1} of the review.`), '', 'FINAL-ANSWER-END'].join('\n');
  return [
    { type: 'approval-closed', requestId: 'req-1' },
    u('ap_edit', 'apply_edit', 'src/agent/loop.ts', 'running', 5060),
    u('ap_cmd', 'run_command', 'npm test', 'running', 5060),
    u('ap_edit', 'apply_edit', 'src/agent/loop.ts', 'done', 5100, { durationMs: 40, result: { callId: 'ap_edit', name: 'apply_edit', ok: true, content: 'Applied.' } }),
    u('ap_cmd', 'run_command', 'npm test', 'done', 6300, { durationMs: 1240, result: { callId: 'ap_cmd', name: 'run_command', ok: true, content: '$ npm test\nexit code 1 after 1.2 s\n1 failing' } }),
    ev({
      type: 'batch',
      log: {
        turn,
        wallMs: 6310,
        streamEndMs: 50,
        calls: [
          { id: 'ap_edit', name: 'apply_edit', summary: 'src/agent/loop.ts', ok: true, state: 'done', ms: 40, startMs: 5060, endMs: 5100, early: false, approvalStartMs: 60, approvalEndMs: 5050 },
          { id: 'ap_cmd', name: 'run_command', summary: 'npm test', ok: true, state: 'done', ms: 1240, startMs: 5060, endMs: 6300, early: false, approvalStartMs: 60, approvalEndMs: 5050 },
        ],
      },
    }),
    ev({ type: 'turn-start', turn: turn + 1 }),
    ev({ type: 'text-delta', turn: turn + 1, text: answer }),
    ev({ type: 'done', status: 'final', text: answer, turns: turn + 1, usage: { inputTokens: 12000, outputTokens: 900 } }),
  ];
}

export const changedFilesMessage = (): HostMessage => ({
  type: 'changed-files',
  files: [
    { path: 'src/agent/loop.ts', state: 'pending', additions: 12, deletions: 3 },
    { path: LONG_PATH, state: 'pending', additions: 140, deletions: 2 },
    { path: 'README.md', state: 'kept', additions: 1, deletions: 0 },
    { path: 'src/old.ts', state: 'undone', additions: 0, deletions: 0 },
  ],
});
