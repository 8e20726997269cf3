import type { FileLocks } from '../agent/fileLocks';
import type { AgentConfig } from '../agent/loop';
import { buildAgentConfig } from '../agent/settings';
import { projectSystemPrompt } from '../agent/systemPrompt';
import type { UserSettings } from '../agent/userSettings';
import type { ApprovalGate } from '../agent/approvals';
import type { Diagnostics } from '../host/diagnostics';
import type { LanguageFeatures } from '../host/language';
import type { Logger } from '../host/logger';
import type { ProcessRunner } from '../host/processRunner';
import type { Workspace } from '../host/workspace';
import { API_KEY_ENV, createProvider, requiresApiKey } from '../providers';
import { label } from '../providers/httpErrors';
import type { ModelProvider } from '../providers/provider';
import type { FileTracker } from '../tools/fileTracker';
import { toolRegistry, type ToolDefinition, type ToolRegistry } from '../tools/tool';
import type { ApiKeys } from './apiKeys';

/** Why a request could not even start; `kind` picks the action the chat offers (see actionsForError). */
export class RunSetupError extends Error {
  constructor(
    readonly kind: 'missing_key' | 'bad_config' | 'no_workspace',
    message: string,
  ) {
    super(message);
  }
}

export interface RunSetupDeps {
  settings(): UserSettings;
  keys: ApiKeys;
  approvals: ApprovalGate;
  locks: FileLocks;
  runner: ProcessRunner;
  tools: ToolRegistry;
  diagnostics: Diagnostics;
  language: LanguageFeatures;
  /** More tools for this run (the MCP servers'), after the built-in ones. */
  extraTools?(): Promise<ToolDefinition[]>;
  /** Whether the workspace is trusted: in Restricted Mode its rule files are not read. */
  trusted(): boolean;
  logger: Logger;
}

/** One request's configuration from the current settings: read anew each time, so changes apply to the next request. */
export async function configureRun(deps: RunSetupDeps, host: { files: FileTracker; workspace: Workspace }): Promise<AgentConfig> {
  const s = deps.settings();
  const provider = await providerFor(deps, s);
  deps.logger.debug(`request with ${s.provider}/${s.model}${s.baseUrl ? ` at ${s.baseUrl}` : ''}`);
  // Only once the provider is known to work: the first run starts the MCP servers.
  const extra = (await deps.extraTools?.()) ?? [];
  const { system, rules } = await projectSystemPrompt(host.workspace, { testCommand: s.agent.testCommand, instructionFiles: s.agent.instructionFiles, trusted: deps.trusted(), delegate: s.agent.maxSubagents > 0 });
  const config = buildAgentConfig({ ...s.agent, systemPrompt: system }, {
    provider: traced(provider, deps.logger),
    workspace: host.workspace,
    files: host.files,
    runner: deps.runner,
    diagnostics: deps.diagnostics,
    language: deps.language,
    tools: extra.length ? toolRegistry([...deps.tools.values(), ...extra]) : deps.tools,
    logger: deps.logger,
    locks: deps.locks,
    approvals: deps.approvals,
  });
  return { ...config, rules: { files: rules.files.map((f) => (f.cut ? `${f.path} (cut)` : f.path)), note: rules.note } };
}

/** The configured provider with its key (SecretStorage first, then the environment). */
export async function providerFor(deps: Pick<RunSetupDeps, 'keys'>, s: Pick<UserSettings, 'provider' | 'baseUrl'>): Promise<ModelProvider> {
  // VS Code's own models need no key (VS Code asks for consent) and no SDK.
  if (s.provider === 'vscode-lm') return new (await import('./lmProvider')).VscodeLmProvider();
  const { key } = await deps.keys.get(s.provider);
  if (!key && requiresApiKey(s.provider)) {
    const env = API_KEY_ENV[s.provider];
    throw new RunSetupError('missing_key', `No API key for ${label(s.provider)}. Run "Fanout: Set API Key"${env ? ` or set ${env}` : ''}.`);
  }
  if (s.provider === 'openai-compatible' && !s.baseUrl) {
    throw new RunSetupError('bad_config', 'Set fanout.baseUrl to the server\'s OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 for Ollama.');
  }
  try {
    return await createProvider({ provider: s.provider, apiKey: key, baseUrl: s.baseUrl });
  } catch (e) {
    throw new RunSetupError('bad_config', (e as Error).message);
  }
}

/** Logs each model request and how it ended, at trace level (Output > Fanout, log level Trace). */
function traced(provider: ModelProvider, logger: Logger): ModelProvider {
  return {
    id: provider.id,
    listModels: provider.listModels?.bind(provider),
    modelLimits: provider.modelLimits?.bind(provider),
    async *stream(request, signal) {
      const last = request.messages[request.messages.length - 1];
      logger.trace(`request ${provider.id}/${request.model}: ${request.messages.length} messages (last: ${last?.role ?? 'none'}), ${request.tools.length} tools, parallelToolCalls=${request.parallelToolCalls}`);
      const started = Date.now();
      let calls = 0;
      for await (const event of provider.stream(request, signal)) {
        if (event.type === 'tool-call') calls++;
        if (event.type === 'usage') logger.trace(`usage: ${event.usage.inputTokens} in, ${event.usage.outputTokens} out`);
        if (event.type === 'finish') logger.trace(`response: ${event.reason}, ${calls} tool call(s), ${Date.now() - started} ms`);
        yield event;
      }
    },
  };
}
