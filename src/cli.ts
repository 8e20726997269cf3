// The headless runner: `fanout [options] "prompt"`. Same agent core as the extension, on plain Node fs.
import { parseArgs } from 'node:util';
import { runAgent, type RunOutcome } from './agent/loop';
import { buildAgentConfig, defaultAgentSettings, type AgentSettings } from './agent/settings';
import { projectSystemPrompt } from './agent/systemPrompt';
import { silentLogger } from './host/logger';
import { NodeDiagnostics } from './node/nodeDiagnostics';
import { headlessTools, parseAllow } from './node/headlessTools';
import { NodeProcessRunner } from './node/nodeProcessRunner';
import { humanPrinter, jsonPrinter, stderrLogger } from './node/cliOutput';
import { stripTerminalControls } from './node/terminalText';
import { NodeWorkspace } from './node/nodeWorkspace';
import { mcpManagerForFile, type McpManager } from './mcp';
import { API_KEY_ENV, COMPATIBLE_KEY_ENV_CLI, createProvider, DEFAULT_BASE_URLS, DEFAULT_MODELS, requiresApiKey } from './providers';
import { PROVIDER_IDS, ProviderError, type ModelProvider, type ProviderId } from './providers/provider';
import type { Message } from './shared/transcript';
import { toolRegistry } from './tools/tool';

const USAGE = `Usage: fanout [options] "prompt"

Runs the Fanout agent on a folder without VS Code. Tool calls of one turn run in parallel.

Options:
  --workspace DIR        folder the agent works in (default: current directory)
  --provider NAME        ${PROVIDER_IDS.join(' | ')} (default: openai)
  --model M              model name (default depends on the provider)
  --base-url URL         API base URL (required for openai-compatible; proxies, tests)
  --max-turns N          stop after N model turns (default ${defaultAgentSettings.maxTurns})
  --request-timeout S    give up on a model request with no first byte after S seconds (default ${defaultAgentSettings.requestTimeoutSeconds});
                         a turn's timed-out attempts may take twice that in all
  --max-retries N        retries of a failed model request (default ${defaultAgentSettings.maxRetries}; 0: none)
  --context-window N     the model's context window in tokens (default: what the provider reports, else the
                         model catalog, else 32000); compaction keeps requests within it
  --max-concurrent N     tool calls running at once (default ${defaultAgentSettings.maxConcurrentTools})
  --test-command CMD     command run_tests runs (default: detected, e.g. npm test)
  --lint-command CMD     command get_diagnostics runs (default: npm run lint when package.json has a lint script)
  --allow KINDS          let the agent run what would ask first in VS Code, comma-separated: command
                         (run_command: shell commands), network (fetch_url), network-private (fetch_url of
                         private network addresses too: localhost, the LAN, cloud metadata); refused otherwise
  --max-subagents N      subagents the delegate tool runs at once (default ${defaultAgentSettings.maxSubagents}; 0: no delegate tool)
  --subagent-model M     model of the subagents (default: --model)
  --mcp-config FILE      MCP servers whose tools the agent may use, in VS Code's mcp.json format
                         (default: <workspace>/.vscode/mcp.json if present)
  --pass-env NAME        let test runs and MCP servers inherit this variable even if it holds a provider key
                         (repeatable; by default no provider key reaches a child process)
  --sequential           one tool call per turn, run one by one (parallel tool calls off)
  --json                 one JSON object per line: {"type":"batch",...} per batch, {"type":"final",...} at the end
  --verbose              log to stderr
  -h, --help             show this help

Keys come from OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY (optional for openai-compatible).
Exit codes: 0 final answer, 1 model or tool failure, 2 bad usage or missing key, 3 max turns reached, 130 stopped.`;

class UsageError extends Error {}

export async function main(argv: string[], io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream } = { out: process.stdout, err: process.stderr }): Promise<number> {
  // Bad usage exits 2 with a line on stderr; with --json (even when the rest did not parse) also as an error line.
  const json = argv.includes('--json');
  const usage = (message: string, kind = 'usage', hint = '') => {
    io.err.write(`fanout: ${message}\n${hint}`);
    if (json) io.out.write(`${JSON.stringify({ type: 'error', kind, reason: message.split('\n')[0] })}\n`);
    return 2;
  };
  let args;
  try {
    args = parse(argv);
  } catch (e) {
    return usage((e as Error).message, 'usage', e instanceof UsageError ? '' : 'Run fanout --help for usage.\n');
  }
  if (args.help) {
    io.out.write(`${USAGE}\n`);
    return 0;
  }
  const keyEnv = API_KEY_ENV[args.provider];
  const apiKey = (keyEnv && process.env[keyEnv]) || (args.provider === 'openai-compatible' ? process.env[COMPATIBLE_KEY_ENV_CLI] : undefined);
  if (!apiKey && requiresApiKey(args.provider)) return usage(`no API key for ${args.provider}: set ${keyEnv}.`, 'missing_key');
  if (args.provider === 'openai-compatible' && !args.baseUrl) {
    return usage('--provider openai-compatible needs --base-url URL, the server\'s OpenAI-compatible endpoint (e.g. http://localhost:11434/v1 for Ollama).', 'missing_base_url');
  }
  let workspace: NodeWorkspace;
  try {
    workspace = await NodeWorkspace.open(args.workspace);
  } catch (e) {
    return usage(`cannot open workspace ${args.workspace}: ${(e as Error).message}`);
  }
  const logger = args.verbose ? stderrLogger(io.err) : silentLogger;
  let provider: ModelProvider;
  try {
    provider = namingUrl(await createProvider({ provider: args.provider, apiKey, baseUrl: args.baseUrl }), args.baseUrl ?? DEFAULT_BASE_URLS[args.provider]);
  } catch (e) {
    return usage((e as Error).message, 'bad_config');
  }
  // The key in use is withheld from every child process under any name, unless passed through by name.
  const childEnv = { secrets: () => (apiKey ? [apiKey] : []), passThrough: () => args.passEnv };
  const runner = new NodeProcessRunner({ env: childEnv });
  let mcp: McpManager | undefined;
  try {
    mcp = await mcpManagerForFile(args.mcpConfig, { workspaceFolder: workspace.root, logger, childEnv });
  } catch (e) {
    return usage((e as Error).message);
  }
  const mcpTools = (await mcp?.tools()) ?? [];
  for (const problem of mcp?.problems ?? []) io.err.write(`fanout: ${problem}\n`);
  for (const s of mcp?.states() ?? []) if (s.status === 'error') io.err.write(`fanout: MCP server "${s.name}" left out: ${stripTerminalControls(s.message)}\n`);
  // The headless tool list: every host's tools (no editor: no language tools), then the MCP servers'.
  // The folder is the user's own choice here (no Restricted Mode): its AGENTS.md and the like are read.
  const settings = cliAgentSettings(args);
  const { system, rules } = await projectSystemPrompt(workspace, { testCommand: args.testCommand, trusted: true, delegate: settings.maxSubagents > 0 });
  if (rules.files.length) logger.info(`project rules: ${rules.files.map((f) => f.path).join(', ')}`);
  const config = buildAgentConfig(
    { ...settings, systemPrompt: system },
    {
      provider,
      workspace,
      runner,
      diagnostics: new NodeDiagnostics({ workspace, runner, lintCommand: args.lintCommand }),
      tools: toolRegistry([...headlessTools(args.allow), ...mcpTools]),
      logger,
    },
  );

  const stop = new AbortController();
  const onSigint = () => stop.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  const messages: Message[] = [];
  const onEvent = args.json ? jsonPrinter(io.out) : humanPrinter(io.out, io.err);
  let outcome: RunOutcome;
  try {
    outcome = await runAgent(config, messages, args.prompt, { signal: stop.signal, onEvent });
  } finally {
    process.off('SIGINT', onSigint);
    // Nothing a tool started outlives the run: the caller may exit the process as soon as this returns.
    await Promise.all([runner.dispose(), mcp?.dispose()]);
  }
  if (outcome.status === 'final') return 0;
  io.err.write(`fanout: ${stripTerminalControls(outcome.text.split('\n')[0])}\n`);
  return { stopped: 130, max_turns: 3, error: 1 }[outcome.status];
}

/** A connection failure names the URL it tried: the first thing to check is whether that is the right one. */
function namingUrl(provider: ModelProvider, url: string | undefined): ModelProvider {
  if (!url) return provider;
  return {
    id: provider.id,
    listModels: provider.listModels?.bind(provider),
    async *stream(request, signal) {
      try {
        yield* provider.stream(request, signal);
      } catch (e) {
        if (!(ProviderError.is(e)) || (e.kind !== 'unreachable' && e.kind !== 'network') || e.message.includes(url)) throw e;
        throw new ProviderError(e.kind, `${e.message} (tried ${url})`, e.options);
      }
    },
  };
}

/** The agent settings the flags give (the rest are the defaults: run_tests 8 at once, 300 s). */
export function cliAgentSettings(args: ReturnType<typeof parse>): AgentSettings {
  return { ...defaultAgentSettings, model: args.model, maxTurns: args.maxTurns, maxConcurrentTools: args.maxConcurrent, parallelToolCalls: !args.sequential, testCommand: args.testCommand, requestTimeoutSeconds: args.requestTimeout, maxRetries: args.maxRetries, maxSubagents: args.maxSubagents, subagentModel: args.subagentModel, contextWindow: args.contextWindow };
}

export function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      workspace: { type: 'string' },
      provider: { type: 'string' },
      model: { type: 'string' },
      'base-url': { type: 'string' },
      'max-turns': { type: 'string' },
      'context-window': { type: 'string' },
      'max-concurrent': { type: 'string' },
      'request-timeout': { type: 'string' },
      'max-retries': { type: 'string' },
      'test-command': { type: 'string' },
      'lint-command': { type: 'string' },
      'max-subagents': { type: 'string' },
      'subagent-model': { type: 'string' },
      'mcp-config': { type: 'string' },
      allow: { type: 'string', multiple: true },
      'pass-env': { type: 'string', multiple: true },
      sequential: { type: 'boolean' },
      json: { type: 'boolean' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const provider = (values.provider ?? 'openai') as ProviderId;
  if ((provider as string) === 'vscode-lm') {
    throw new Error(`the vscode-lm provider is VS Code's Language Model API and works only inside the Fanout extension; the CLI takes ${PROVIDER_IDS.join(', ')}`);
  }
  if (!PROVIDER_IDS.includes(provider)) throw new Error(`unknown provider "${values.provider}" (expected ${PROVIDER_IDS.join(', ')})`);
  const int = (name: string, v: string | undefined, dflt: number, min = 1) => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} needs a ${min ? 'positive' : 'non-negative'} whole number, got "${v}"`);
    return n;
  };
  const seconds = (name: string, v: string | undefined, dflt: number) => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} needs a number of seconds above 0, got "${v}"`);
    return n;
  };
  const retries = values['max-retries'];
  if (retries !== undefined && !/^\d+$/.test(retries)) throw new Error(`--max-retries needs a whole number (0 or more), got "${retries}"`);
  const prompt = positionals.join(' ').trim();
  if (!prompt && !values.help) throw new UsageError(`missing prompt\n\n${USAGE}`);
  return {
    help: values.help ?? false,
    prompt,
    provider,
    workspace: values.workspace ?? process.cwd(),
    model: values.model ?? DEFAULT_MODELS[provider],
    baseUrl: values['base-url'],
    maxTurns: int('max-turns', values['max-turns'], defaultAgentSettings.maxTurns),
    contextWindow: values['context-window'] === undefined ? undefined : int('context-window', values['context-window'], 0),
    maxConcurrent: int('max-concurrent', values['max-concurrent'], defaultAgentSettings.maxConcurrentTools),
    requestTimeout: seconds('request-timeout', values['request-timeout'], defaultAgentSettings.requestTimeoutSeconds),
    maxRetries: retries === undefined ? defaultAgentSettings.maxRetries : Number(retries),
    testCommand: values['test-command'],
    lintCommand: values['lint-command'],
    maxSubagents: int('max-subagents', values['max-subagents'], defaultAgentSettings.maxSubagents, 0),
    subagentModel: values['subagent-model'],
    mcpConfig: values['mcp-config'],
    allow: parseAllow(values.allow ?? []),
    passEnv: values['pass-env'] ?? [],
    sequential: values.sequential ?? false,
    json: values.json ?? false,
    verbose: values.verbose ?? false,
  };
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`fanout: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
