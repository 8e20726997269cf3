import type { Diagnostics } from '../host/diagnostics';
import type { LanguageFeatures } from '../host/language';
import type { Logger } from '../host/logger';
import type { ProcessRunner } from '../host/processRunner';
import type { Workspace } from '../host/workspace';
import type { ModelProvider } from '../providers/provider';
import { FileTracker } from '../tools/fileTracker';
import { toolRegistry, toolSpec, type ToolRegistry } from '../tools/tool';
import type { ApprovalGate } from './approvals';
import type { FileLocks } from './fileLocks';
import { DEFAULT_REQUEST_TIMEOUT_SECONDS, DEFAULT_MAX_CONCURRENT_TOOLS, DEFAULT_TOOL_TIMEOUT_SECONDS, perToolLimits, type ToolLimitSetting } from './defaults';
import type { AgentConfig } from './loop';
import { Scheduler } from './scheduler';
import { defaultSystemPrompt } from './systemPrompt';
import { DELEGATE_TOOL, delegateTool } from './subagents/delegateTool';
import { Subagents } from './subagents/subagents';

/** The user-facing knobs, shared by the VS Code settings (`fanout.*`) and the CLI flags. */
export interface AgentSettings {
  model: string;
  maxConcurrentTools: number;
  toolTimeoutSeconds: number;
  /** Per tool name (`fanout.toolLimits`), over the defaults: run_tests 8 at once, 300 s. */
  toolLimits: Readonly<Record<string, ToolLimitSetting>>;
  maxTurns: number;
  parallelToolCalls: boolean;
  maxRetries: number;
  /** No first byte from the model server after this long: the request is abandoned (see AgentConfig.connectTimeoutMs). */
  requestTimeoutSeconds: number;
  testCommand?: string;
  systemPrompt?: string;
  /** `fanout.contextWindow` / `--context-window`: the model's window in tokens, over what Fanout knows or is told. */
  contextWindow?: number;
  /** `fanout.autoCompactThreshold` (0.85): compact when a request would pass this share of the window. */
  autoCompactThreshold?: number;
  /** Subagents the delegate tool may run at once; 0 leaves the delegate tool out. */
  maxSubagents: number;
  /** A subagent's turn limit. */
  subagentMaxTurns: number;
  /** The model subagents use; empty: the parent's. */
  subagentModel?: string;
  /** A delegate call's time limit: its subagent's own budget (the tool timeout is for single calls). */
  subagentTimeoutSeconds: number;
  /** `fanout.instructionFiles`: project rule files for the system prompt (default AGENTS.md, CLAUDE.md, Copilot's), false for none. */
  instructionFiles?: readonly string[] | false;
}

export const defaultAgentSettings: Omit<AgentSettings, 'model'> = {
  maxConcurrentTools: DEFAULT_MAX_CONCURRENT_TOOLS,
  toolTimeoutSeconds: DEFAULT_TOOL_TIMEOUT_SECONDS,
  toolLimits: {},
  maxTurns: 25,
  parallelToolCalls: true,
  maxRetries: 4,
  maxSubagents: 4,
  subagentMaxTurns: 15,
  subagentTimeoutSeconds: 1800,
  requestTimeoutSeconds: DEFAULT_REQUEST_TIMEOUT_SECONDS,
};

export interface AgentHost {
  provider: ModelProvider;
  workspace: Workspace;
  runner: ProcessRunner;
  tools: ToolRegistry;
  logger: Logger;
  /** get_diagnostics' source (Problems panel or lint command) and the editor's language intelligence, where the host has them. */
  diagnostics?: Diagnostics;
  language?: LanguageFeatures;
  /** One per conversation: what the agent has seen of each file. */
  files?: FileTracker;
  locks?: FileLocks;
  approvals?: ApprovalGate;
}

/** Wires settings and host services into the loop's configuration. */
export function buildAgentConfig(settings: AgentSettings, host: AgentHost): AgentConfig {
  const name = host.workspace.root.split(/[\\/]/).filter(Boolean).pop() ?? 'workspace';
  const children =
    settings.maxSubagents > 0 ? new Subagents({ tools: host.tools, model: settings.subagentModel, maxTurns: settings.subagentMaxTurns, workspaceName: name }) : undefined;
  const tools = children ? toolRegistry([...host.tools.values(), delegateTool((input, ctx) => children.run(input, ctx), settings.maxSubagents)]) : host.tools;
  const scheduler = new Scheduler({
    tools,
    context: {
      workspace: host.workspace,
      files: host.files ?? new FileTracker(),
      runner: host.runner,
      logger: host.logger,
      settings: { testCommand: settings.testCommand, maxFileBytes: 10 * 1024 * 1024 },
      diagnostics: host.diagnostics,
      language: host.language,
    },
    locks: host.locks,
    maxConcurrentTools: settings.maxConcurrentTools,
    toolTimeoutMs: settings.toolTimeoutSeconds * 1000,
    perTool: {
      ...perToolLimits(settings.toolLimits),
      // A delegate call lasts as long as its subagent's own budget, and fanout.maxSubagents of them run at once.
      [DELEGATE_TOOL]: { timeoutMs: settings.subagentTimeoutSeconds * 1000, maxConcurrent: Math.max(1, settings.maxSubagents) },
    },
    sequential: !settings.parallelToolCalls,
    approvals: host.approvals,
  });
  return {
    provider: host.provider,
    model: settings.model,
    system: settings.systemPrompt ?? defaultSystemPrompt(name, { delegate: !!children }),
    scheduler,
    tools: [...tools.values()].map(toolSpec),
    maxTurns: settings.maxTurns,
    parallelToolCalls: settings.parallelToolCalls,
    maxRetries: settings.maxRetries,
    connectTimeoutMs: settings.requestTimeoutSeconds * 1000,
    timeoutBudgetMs: 2 * settings.requestTimeoutSeconds * 1000,
    context: { contextWindow: settings.contextWindow, autoCompactThreshold: settings.autoCompactThreshold },
    logger: host.logger,
    children,
  };
}
