// Every message between the chat webview and the extension, declared once and validated on BOTH sides: the
// extension validates what the webview sends, the webview validates what it receives. Anything that does not match
// is ignored (and logged on the extension side). Imports nothing from vscode or the DOM.
import { z } from 'zod';

const id = z.string().min(1).max(200);
const path = z.string().min(1).max(4096);
/** A subagent's label ("sub-1"); its events carry it, the main agent's do not. */
const agent = z.string().min(1).max(40);
const fromAgent = { agent: agent.optional() };

// ---------- shared shapes ----------

export const usageSchema = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheReadTokens: z.number().optional(),
  cacheWriteTokens: z.number().optional(),
});

export const toolCallSchema = z.object({ id, name: z.string(), arguments: z.string(), providerData: z.record(z.string(), z.unknown()).optional() });
export const toolResultSchema = z.object({ callId: id, name: z.string(), ok: z.boolean(), content: z.string() });

export const messageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('user'), text: z.string() }),
  z.object({
    role: z.literal('assistant'),
    text: z.string(),
    toolCalls: z.array(toolCallSchema),
    usage: usageSchema.optional(),
    providerData: z.record(z.string(), z.unknown()).optional(),
  }),
  z.object({ role: z.literal('tool'), results: z.array(toolResultSchema) }),
]);

export const callStateSchema = z.enum(['queued', 'awaiting_approval', 'waiting_lock', 'running', 'done', 'failed', 'cancelled', 'denied']);

export const callLogSchema = z.object({
  id,
  name: z.string(),
  summary: z.string(),
  ok: z.boolean(),
  state: callStateSchema,
  ms: z.number(),
  startMs: z.number(),
  endMs: z.number(),
  early: z.boolean(),
  error: z.string().optional(),
  /** Identical to this earlier call of the batch, whose one run answered both. */
  sharedWith: z.string().optional(),
  /** When the call started and stopped waiting for the user's approval (ms since the batch started). */
  approvalStartMs: z.number().optional(),
  approvalEndMs: z.number().optional(),
});

export const batchLogSchema = z.object({ turn: z.number(), ...fromAgent, wallMs: z.number(), calls: z.array(callLogSchema), streamEndMs: z.number().optional() });

/** The agent's events as the webview receives them (the loop's AgentEvent, made serialisable). */
export const uiAgentEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run-start'), userText: z.string(), messageIndex: z.number() }),
  z.object({ type: z.literal('turn-start'), turn: z.number(), ...fromAgent }),
  z.object({ type: z.literal('text-delta'), turn: z.number(), text: z.string(), ...fromAgent }),
  z.object({ type: z.literal('tool-call'), turn: z.number(), call: toolCallSchema, summary: z.string(), atMs: z.number(), ...fromAgent }),
  z.object({
    type: z.literal('tool-update'),
    turn: z.number(),
    ...fromAgent,
    update: z.object({
      callId: id,
      name: z.string(),
      summary: z.string(),
      state: callStateSchema,
      atMs: z.number(),
      durationMs: z.number().optional(),
      result: toolResultSchema.optional(),
      sharedWith: z.string().optional(),
    }),
  }),
  z.object({ type: z.literal('batch'), log: batchLogSchema, ...fromAgent }),
  /** Per turn, with the estimated cost when the model's price is known. */
  z.object({ type: z.literal('usage'), turn: z.number(), usage: usageSchema, costUsd: z.number().optional(), ...fromAgent }),
  z.object({ type: z.literal('retry'), turn: z.number(), attempt: z.number(), delayMs: z.number(), reason: z.string(), ...fromAgent }),
  z.object({ type: z.literal('turn-reset'), turn: z.number(), ...fromAgent }),
  z.object({ type: z.literal('notice'), message: z.string(), ...fromAgent }),
  /** Tokens the next request is estimated at (or the last one used), against the model's window: the header meter. */
  z.object({ type: z.literal('context'), turn: z.number(), tokens: z.number(), window: z.number(), ...fromAgent }),
  /** The conversation was compacted (turn 0: on demand, between runs). */
  z.object({
    type: z.literal('compact'),
    turn: z.number(),
    ...fromAgent,
    beforeTokens: z.number(),
    afterTokens: z.number(),
    reason: z.enum(['threshold', 'overflow', 'manual']),
    summary: z.string().optional(),
  }),
  /** A subagent started by the delegate call `callId`, or ended; `costUsd` is its own so far, `text` its answer or why it failed. */
  z.object({
    type: z.literal('subagent'),
    agent,
    callId: id,
    description: z.string().max(500),
    status: z.enum(['started', 'done', 'failed']),
    turns: z.number(),
    model: z.string(),
    usage: usageSchema.optional(),
    costUsd: z.number().optional(),
    text: z.string().optional(),
  }),
  z.object({
    type: z.literal('done'),
    status: z.enum(['final', 'stopped', 'max_turns', 'error']),
    text: z.string(),
    turns: z.number(),
    usage: usageSchema,
    costUsd: z.number().optional(),
    errorKind: z.string().optional(),
  }),
]);
export type UiAgentEvent = z.infer<typeof uiAgentEventSchema>;

/**
 * A finished subagent's lane as the conversation keeps it, to draw it again after a reload or from history: the
 * lane's own events (see src/agent/subagents/laneRecord.ts for what is kept), under the delegate call that started it.
 */
export const subagentRecordSchema = z.object({ callId: id, agent, events: z.array(uiAgentEventSchema) });
export type SubagentRecord = z.infer<typeof subagentRecordSchema>;

/** A compaction as the conversation keeps it: drawn before the transcript message it happened at. */
export const compactionSchema = z.object({
  messageIndex: z.number(),
  beforeTokens: z.number(),
  afterTokens: z.number(),
  reason: z.enum(['threshold', 'overflow', 'manual']),
  summary: z.string().optional(),
});
export type CompactionRecord = z.infer<typeof compactionSchema>;

export const conversationSummarySchema = z.object({ id, title: z.string(), updatedAt: z.number(), messageCount: z.number() });
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

/** Everything needed to redraw a conversation after a reload. */
export const conversationViewSchema = z.object({
  id,
  title: z.string(),
  messages: z.array(messageSchema),
  batches: z.array(batchLogSchema),
  usage: usageSchema,
  costUsd: z.number().optional(),
  running: z.boolean(),
  compactions: z.array(compactionSchema).optional(),
  /** The last known context use, for the header meter. */
  context: z.object({ tokens: z.number(), window: z.number() }).optional(),
  /** Subagent lanes of the runs shown (a run in progress sends its own as events). */
  subagents: z.array(subagentRecordSchema).optional(),
});
export type ConversationView = z.infer<typeof conversationViewSchema>;

export const changedFileSchema = z.object({
  path,
  state: z.enum(['pending', 'kept', 'undone']),
  additions: z.number(),
  deletions: z.number(),
});
export type ChangedFile = z.infer<typeof changedFileSchema>;

export const approvalCallSchema = z.object({
  id,
  name: z.string(),
  summary: z.string(),
  access: z.enum(['read', 'write', 'exec']),
  arguments: z.string(),
  ...fromAgent,
  /**
   * Why it asks: the user's `fanout.approval.<setting>` is "ask", Restricted Mode forces it, or the call itself does
   * (`private-network`: fetch_url to a private network address; `note` says which).
   */
  why: z.enum(['setting', 'restricted', 'private-network']).optional(),
  note: z.string().max(500).optional(),
  /** The `fanout.approval` key that governs this call ("read", "edit", "runTests"...). */
  setting: z.string().max(100).optional(),
  /** "Always allow <class> in this workspace" may be offered (never in Restricted Mode, never for arbitrary commands). */
  alwaysAllow: z.boolean().optional(),
});
export type ApprovalCall = z.infer<typeof approvalCallSchema>;

export const attachmentSchema = z.object({
  kind: z.enum(['file', 'selection']),
  path,
  /** 1-based inclusive lines, for a selection. */
  startLine: z.number().int().min(1).optional(),
  endLine: z.number().int().min(1).optional(),
  text: z.string().max(200_000).optional(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

/** One provider as the setup screen offers it. Keys never travel to the webview: only whether one is there. */
export const setupProviderSchema = z.object({
  id: z.string().max(100),
  label: z.string().max(200),
  needsKey: z.boolean(),
  keySource: z.enum(['secret', 'env', 'none']),
  /** The environment variable that also provides the key. */
  env: z.string().max(100).optional(),
});

export const setupStateSchema = z.object({
  /** No usable provider: the view shows the setup screen instead of a prompt that would fail. */
  needed: z.boolean(),
  provider: z.string().max(100),
  model: z.string().max(500),
  baseUrl: z.string().max(4096),
  providers: z.array(setupProviderSchema),
  /** Models VS Code offers through its Language Model API (vscode-lm); empty when none. */
  lmModels: z.array(z.string().max(500)),
  /** Why the current provider is not usable, in words. */
  problem: z.string().max(2000).optional(),
});
export type SetupState = z.infer<typeof setupStateSchema>;

/** An action offered next to an error ("Set API key", "Retry"...). Only these commands can be triggered. */
export const errorActionSchema = z.enum(['setApiKey', 'selectModel', 'retry', 'openSettings', 'showLog']);
export type ErrorAction = z.infer<typeof errorActionSchema>;

/** One MCP server as the chat view's "MCP servers" panel shows it (see src/vscode/mcpHost.ts). */
export const mcpServerStateSchema = z.object({
  name: z.string().max(200),
  status: z.enum(['starting', 'running', 'stopped', 'error']),
  message: z.string().max(2000),
  /** Off in fanout.mcp.disabledServers. */
  enabled: z.boolean(),
  /** Declared by an untrusted workspace (Restricted Mode): not started, not toggled. */
  restricted: z.boolean().optional(),
  tools: z.array(
    z.object({
      /** The server's name for it. */
      name: z.string().max(500),
      /** The name the model sees. */
      fanoutName: z.string().max(200),
      description: z.string().max(4000).optional(),
      access: z.enum(['read', 'write', 'exec']),
      enabled: z.boolean(),
    }),
  ),
});
export type McpServerView = z.infer<typeof mcpServerStateSchema>;

// ---------- extension -> webview ----------

export const hostMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('init'),
    provider: z.string(),
    model: z.string(),
    conversation: conversationViewSchema,
    history: z.array(conversationSummarySchema),
  }),
  z.object({ type: z.literal('conversation'), conversation: conversationViewSchema }),
  z.object({ type: z.literal('history'), history: z.array(conversationSummarySchema) }),
  z.object({ type: z.literal('event'), conversationId: id, event: uiAgentEventSchema }),
  z.object({ type: z.literal('model'), provider: z.string(), model: z.string() }),
  z.object({ type: z.literal('approval-request'), requestId: id, calls: z.array(approvalCallSchema) }),
  z.object({ type: z.literal('approval-closed'), requestId: id }),
  z.object({ type: z.literal('changed-files'), files: z.array(changedFileSchema) }),
  /** `kind` (missing_key, auth, bad_config...) lets a later `clear-errors` take the card away once it is fixed. */
  z.object({ type: z.literal('error'), message: z.string(), actions: z.array(errorActionSchema), kind: z.string().max(100).optional() }),
  z.object({ type: z.literal('clear-errors'), kinds: z.array(z.string().max(100)) }),
  z.object({ type: z.literal('setup'), state: setupStateSchema }),
  z.object({
    type: z.literal('setup-result'),
    op: z.enum(['models', 'test', 'save']),
    ok: z.boolean(),
    message: z.string().max(4000),
    models: z.array(z.string().max(500)).optional(),
  }),
  /** A new chat was opened while another one still has changes waiting for Keep or Undo. */
  z.object({ type: z.literal('unreviewed'), conversationId: id, title: z.string(), count: z.number().int().min(0) }),
  /** Text for the prompt box (the words of a message taken back by "Restore checkpoint" with the conversation). */
  z.object({ type: z.literal('draft'), text: z.string().max(200_000) }),
  z.object({ type: z.literal('attach'), attachments: z.array(attachmentSchema) }),
  z.object({ type: z.literal('mention-results'), query: z.string(), paths: z.array(path) }),
  z.object({ type: z.literal('focus-input') }),
  /** The project rule files in the system prompt (AGENTS.md...), or why none are (Restricted Mode, turned off). */
  z.object({ type: z.literal('rules'), files: z.array(z.string().max(4096)).max(50), note: z.string().max(1000).optional() }),
  /** Configuration problems that disable a whole source (bad mcp.json) are listed apart from the servers. */
  z.object({ type: z.literal('mcp-state'), servers: z.array(mcpServerStateSchema), problems: z.array(z.string()).default([]) }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;

// ---------- webview -> extension ----------

export const webviewMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('send'), text: z.string().min(1).max(200_000), attachments: z.array(attachmentSchema).max(50).default([]) }),
  z.object({ type: z.literal('stop') }),
  /** `/compact` in the chat: compact the conversation now. */
  z.object({ type: z.literal('compact') }),
  z.object({ type: z.literal('new-chat') }),
  z.object({ type: z.literal('open-conversation'), id }),
  z.object({ type: z.literal('delete-conversation'), id }),
  z.object({
    type: z.literal('approval-response'),
    requestId: id,
    decisions: z.array(z.object({ id, allowed: z.boolean(), reason: z.string().max(2000).optional() })),
  }),
  z.object({ type: z.literal('action'), action: errorActionSchema }),
  z.object({ type: z.literal('open-diff'), path }),
  /** Keep or undo one changed file, or all of them when `path` is absent. */
  z.object({ type: z.literal('keep'), path: path.optional() }),
  z.object({ type: z.literal('undo'), path: path.optional() }),
  /**
   * Put back every file the agent changed after the user message at this transcript index; with `conversation`, also
   * rewind the chat to before that message, so the model no longer sees the edits it made.
   */
  z.object({ type: z.literal('restore-checkpoint'), messageIndex: z.number().int().min(0), conversation: z.boolean().default(false) }),
  /** "Always allow <class> in this workspace": sets fanout.approval.<setting> to "auto" in the workspace settings. */
  z.object({ type: z.literal('approval-always'), setting: z.string().min(1).max(100) }),
  /** Opens an edit that waits for approval in VS Code's diff editor (current text <-> proposed). */
  z.object({ type: z.literal('approval-diff'), requestId: id, callId: id }),
  /** Setup screen: ask for the provider's key in VS Code's password box (the key never enters the webview). */
  z.object({ type: z.literal('setup-key'), provider: z.string().min(1).max(100) }),
  z.object({ type: z.literal('setup-models'), provider: z.string().min(1).max(100), baseUrl: z.string().max(4096).optional() }),
  z.object({ type: z.literal('setup-test'), provider: z.string().min(1).max(100), model: z.string().max(500).optional(), baseUrl: z.string().max(4096).optional() }),
  z.object({ type: z.literal('setup-save'), provider: z.string().min(1).max(100), model: z.string().max(500).optional(), baseUrl: z.string().max(4096).optional() }),
  z.object({ type: z.literal('mention-query'), query: z.string().max(500) }),
  z.object({ type: z.literal('open-file'), path }),
  /** Turns an MCP server (or one of its tools, by the server's name for it) on or off; saved in the workspace settings. */
  z.object({ type: z.literal('mcp-toggle'), server: z.string().min(1).max(200), tool: z.string().min(1).max(500).optional(), enabled: z.boolean() }),
  z.object({ type: z.literal('mcp-restart'), server: z.string().min(1).max(200) }),
]);
export type WebviewMessage = z.infer<typeof webviewMessageSchema>;

/** Parses an incoming message; undefined (never a throw) when it is not one of ours. */
export function parseHostMessage(data: unknown): HostMessage | undefined {
  const r = hostMessageSchema.safeParse(data);
  return r.success ? r.data : undefined;
}

export function parseWebviewMessage(data: unknown): WebviewMessage | undefined {
  const r = webviewMessageSchema.safeParse(data);
  return r.success ? r.data : undefined;
}
