import { DEFAULT_MODELS } from '../providers';
import { EXTENSION_PROVIDER_IDS, type ExtensionProviderId } from '../providers/provider';
import { defaultApprovalPolicy, type ApprovalMode, type ApprovalPolicy } from './approvals';
import type { ToolLimitSetting } from './defaults';
import { defaultAgentSettings, type AgentSettings } from './settings';

/** Everything the `fanout.*` settings decide, checked: a bad value falls back to its default with a problem noted. */
export interface UserSettings {
  provider: ExtensionProviderId;
  /** Empty setting -> the provider's default model. */
  model: string;
  baseUrl?: string;
  agent: AgentSettings;
  approval: ApprovalPolicy;
  /** Variables test runs and MCP servers may inherit even when they hold a provider key (see host/childEnv). */
  passEnv: string[];
}

/** Ranges match package.json's `contributes.configuration` (VS Code only warns; the values still arrive). */
export const SETTING_RANGES = {
  maxConcurrentTools: [1, 64],
  toolTimeoutSeconds: [1, 3600],
  maxTurns: [1, 200],
  maxRetries: [0, 10],
  maxSubagents: [0, 16],
  subagentMaxTurns: [1, 200],
  requestTimeoutSeconds: [1, 3600],
} as const;

/** `get(key)` reads `fanout.<key>` (undefined when unset). */
export function readUserSettings(get: (key: string) => unknown): { settings: UserSettings; problems: string[] } {
  const problems: string[] = [];
  const provider = pick(get('provider'), EXTENSION_PROVIDER_IDS, 'openai', 'provider', problems);
  const model = str(get('model')) || DEFAULT_MODELS[provider];
  const baseUrl = str(get('baseUrl'));
  if (baseUrl && !/^https?:\/\/[^\s]+$/i.test(baseUrl)) problems.push(`fanout.baseUrl "${baseUrl}" is not an http(s) URL; it is used as given.`);
  const int = (key: keyof typeof SETTING_RANGES) => {
    const [min, max] = SETTING_RANGES[key];
    const v = get(key);
    if (v === undefined) return defaultAgentSettings[key];
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
    problems.push(`fanout.${key} must be a whole number from ${min} to ${max}; using ${defaultAgentSettings[key]}.`);
    return defaultAgentSettings[key];
  };
  const parallel = get('parallelToolCalls');
  const rawApproval = (get('approval') ?? {}) as Record<string, unknown>;
  const modes = ['auto', 'ask'] as const;
  const approval = Object.fromEntries(
    (Object.keys(defaultApprovalPolicy) as (keyof ApprovalPolicy)[]).map((k) => [k, pick(rawApproval[k], modes, defaultApprovalPolicy[k], `approval.${k}`, problems) as ApprovalMode]),
  ) as ApprovalPolicy;
  const agent: AgentSettings = {
    ...defaultAgentSettings,
    model,
    maxConcurrentTools: int('maxConcurrentTools'),
    toolTimeoutSeconds: int('toolTimeoutSeconds'),
    maxTurns: int('maxTurns'),
    maxRetries: int('maxRetries'),
    requestTimeoutSeconds: int('requestTimeoutSeconds'),
    parallelToolCalls: typeof parallel === 'boolean' ? parallel : defaultAgentSettings.parallelToolCalls,
    testCommand: str(get('testCommand')) || undefined,
    toolLimits: readToolLimits(get('toolLimits'), problems),
    maxSubagents: int('maxSubagents'),
    subagentMaxTurns: int('subagentMaxTurns'),
    subagentModel: str(get('subagentModel')) || undefined,
    ...readContextSettings(get, problems),
    instructionFiles: readInstructionFiles(get('instructionFiles'), problems),
  };
  const rawPassEnv = get('passEnv');
  const passEnv = Array.isArray(rawPassEnv) ? rawPassEnv.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim()) : [];
  return { settings: { provider, model, baseUrl: baseUrl || undefined, agent, approval, passEnv }, problems };
}

/** `fanout.contextWindow` (0 or unset: automatic) and `fanout.autoCompactThreshold` (0.3 to 0.95). */
function readContextSettings(get: (key: string) => unknown, problems: string[]): Pick<AgentSettings, 'contextWindow' | 'autoCompactThreshold'> {
  const out: Pick<AgentSettings, 'contextWindow' | 'autoCompactThreshold'> = {};
  const window = get('contextWindow');
  if (typeof window === 'number' && Number.isInteger(window) && window >= 1000) out.contextWindow = window;
  else if (window !== undefined && window !== null && window !== 0) problems.push('fanout.contextWindow must be a whole number of tokens of at least 1000 (or 0 for automatic); using automatic.');
  const threshold = get('autoCompactThreshold');
  if (typeof threshold === 'number' && threshold >= 0.3 && threshold <= 0.95) out.autoCompactThreshold = threshold;
  else if (threshold !== undefined && threshold !== null) problems.push('fanout.autoCompactThreshold must be a number from 0.3 to 0.95; using 0.85.');
  return out;
}

/** `fanout.instructionFiles`: a list of workspace-relative files, or false for none; unset is the default list. */
function readInstructionFiles(raw: unknown, problems: string[]): readonly string[] | false | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (raw === false) return false;
  if (Array.isArray(raw) && raw.every((f) => typeof f === 'string')) return raw.map((f) => f.trim()).filter(Boolean);
  problems.push('fanout.instructionFiles must be a list of workspace files or false; using AGENTS.md, CLAUDE.md and .github/copilot-instructions.md.');
  return undefined;
}

/** `fanout.toolLimits`: `{ "<tool>": { "maxConcurrent": n, "timeoutSeconds": n } }`; a bad field is dropped and noted. */
function readToolLimits(raw: unknown, problems: string[]): Record<string, ToolLimitSetting> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push('fanout.toolLimits must be an object like { "run_tests": { "maxConcurrent": 8, "timeoutSeconds": 300 } }; ignored.');
    return {};
  }
  const out: Record<string, ToolLimitSetting> = {};
  for (const [tool, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`fanout.toolLimits.${tool} must be an object with maxConcurrent and/or timeoutSeconds; ignored.`);
      continue;
    }
    const limits: ToolLimitSetting = {};
    for (const [field, v] of Object.entries(value as Record<string, unknown>)) {
      const range = field === 'maxConcurrent' ? SETTING_RANGES.maxConcurrentTools : field === 'timeoutSeconds' ? SETTING_RANGES.toolTimeoutSeconds : undefined;
      if (!range) problems.push(`fanout.toolLimits.${tool}.${field} is not a limit (maxConcurrent, timeoutSeconds); ignored.`);
      else if (typeof v === 'number' && Number.isInteger(v) && v >= range[0] && v <= range[1]) limits[field as keyof ToolLimitSetting] = v;
      else problems.push(`fanout.toolLimits.${tool}.${field} must be a whole number from ${range[0]} to ${range[1]}; using the default.`);
    }
    out[tool] = limits;
  }
  return out;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}

function pick<T extends string>(v: unknown, allowed: readonly T[], fallback: T, key: string, problems: string[]): T {
  if (v === undefined || v === null || v === '') return fallback;
  if (allowed.includes(v as T)) return v as T;
  problems.push(`fanout.${key} must be one of ${allowed.join(', ')}; using ${fallback}.`);
  return fallback;
}
