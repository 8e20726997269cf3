// The headless runner: `fanout [options] "prompt"`. Same agent core as the extension, on plain Node fs.
import { parseArgs } from 'node:util';
import { runAgent, type AgentEvent, type RunOutcome } from './agent/loop';
import { buildAgentConfig, defaultAgentSettings, type AgentSettings } from './agent/settings';
import { silentLogger, type Logger } from './host/logger';
import { NodeDiagnostics } from './node/nodeDiagnostics';
import { headlessTools, parseAllow } from './node/headlessTools';
import { NodeProcessRunner } from './node/nodeProcessRunner';
import { NodeWorkspace } from './node/nodeWorkspace';
import { mcpManagerForFile, type McpManager } from './mcp';
import { API_KEY_ENV, createProvider, DEFAULT_MODELS, requiresApiKey } from './providers';
import { PROVIDER_IDS, type ProviderId } from './providers/provider';
import type { Message } from './shared/transcript';
import { toolRegistry } from './tools/tool';

const USAGE = `Usage: fanout [options] "prompt"

Runs the Fanout agent on a folder without VS Code. Tool calls of one turn run in parallel.

Options:
  --workspace DIR        folder the agent works in (default: current directory)
  --provider NAME        ${PROVIDER_IDS.join(' | ')} (default: openai)
  --model M              model name (default depends on the provider)
  --base-url URL         API base URL (OpenAI-compatible servers, proxies, tests)
  --max-turns N          stop after N model turns (default ${defaultAgentSettings.maxTurns})
  --max-concurrent N     tool calls running at once (default ${defaultAgentSettings.maxConcurrentTools})
  --test-command CMD     command run_tests runs (default: detected, e.g. npm test)
  --lint-command CMD     command get_diagnostics runs (default: npm run lint when package.json has a lint script)
  --allow KINDS          let the agent run what would ask first in VS Code, comma-separated: command
                         (run_command: shell commands), network (fetch_url); refused otherwise
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
  let args;
  try {
    args = parse(argv);
  } catch (e) {
    io.err.write(`fanout: ${(e as Error).message}\n${e instanceof UsageError ? '' : 'Run fanout --help for usage.\n'}`);
    return 2;
  }
  if (args.help) {
    io.out.write(`${USAGE}\n`);
    return 0;
  }
  const keyEnv = API_KEY_ENV[args.provider];
  const apiKey = (keyEnv && process.env[keyEnv]) || (args.provider === 'openai-compatible' ? process.env.OPENAI_API_KEY : undefined);
  if (!apiKey && requiresApiKey(args.provider)) {
    io.err.write(`fanout: no API key for ${args.provider}: set ${keyEnv}.\n`);
    return 2;
  }
  let workspace: NodeWorkspace;
  try {
    workspace = await NodeWorkspace.open(args.workspace);
  } catch (e) {
    io.err.write(`fanout: cannot open workspace ${args.workspace}: ${(e as Error).message}\n`);
    return 2;
  }
  const logger = args.verbose ? stderrLogger(io.err) : silentLogger;
  const provider = await createProvider({ provider: args.provider, apiKey, baseUrl: args.baseUrl });
  // The key in use is withheld from every child process under any name, unless passed through by name.
  const childEnv = { secrets: () => (apiKey ? [apiKey] : []), passThrough: () => args.passEnv };
  const runner = new NodeProcessRunner({ env: childEnv });
  let mcp: McpManager | undefined;
  try {
    mcp = await mcpManagerForFile(args.mcpConfig, { workspaceFolder: workspace.root, logger, childEnv });
  } catch (e) {
    io.err.write(`fanout: ${(e as Error).message}\n`);
    return 2;
  }
  const mcpTools = (await mcp?.tools()) ?? [];
  for (const problem of mcp?.problems ?? []) io.err.write(`fanout: ${problem}\n`);
  for (const s of mcp?.states() ?? []) if (s.status === 'error') io.err.write(`fanout: MCP server "${s.name}" left out: ${s.message}\n`);
  // The headless tool list: every host's tools (no editor: no language tools), then the MCP servers'.
  const config = buildAgentConfig(
    cliAgentSettings(args),
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
  io.err.write(`fanout: ${outcome.text.split('\n')[0]}\n`);
  return { stopped: 130, max_turns: 3, error: 1 }[outcome.status];
}

/** The agent settings the flags give (the rest are the defaults: run_tests 8 at once, 300 s). */
export function cliAgentSettings(args: ReturnType<typeof parse>): AgentSettings {
  return { ...defaultAgentSettings, model: args.model, maxTurns: args.maxTurns, maxConcurrentTools: args.maxConcurrent, parallelToolCalls: !args.sequential, testCommand: args.testCommand, maxSubagents: args.maxSubagents, subagentModel: args.subagentModel };
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
      'max-concurrent': { type: 'string' },
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
    maxConcurrent: int('max-concurrent', values['max-concurrent'], defaultAgentSettings.maxConcurrentTools),
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

function jsonPrinter(out: NodeJS.WritableStream) {
  const line = (o: unknown) => out.write(`${JSON.stringify(o)}\n`);
  return (e: AgentEvent) => {
    // Subagents' events are tagged with their label; batches always say whose they are.
    const from = e.agent ? { agent: e.agent } : {};
    if (e.type === 'batch') {
      line({
        type: 'batch',
        agent: e.agent ?? 'main',
        turn: e.log.turn,
        wallMs: e.log.wallMs,
        streamEndMs: e.log.streamEndMs,
        calls: e.log.calls.map((c) => ({ id: c.id, name: c.name, ms: c.ms, ok: c.ok, startMs: c.startMs, endMs: c.endMs, early: c.early, ...(c.error ? { error: c.error } : {}), ...(c.sharedWith ? { sharedWith: c.sharedWith } : {}) })),
      });
    } else if (e.type === 'subagent') line({ type: 'subagent', agent: e.agent, description: e.description, status: e.status, turns: e.turns });
    else if (e.type === 'retry') line({ type: 'retry', ...from, turn: e.turn, attempt: e.attempt, delayMs: e.delayMs, reason: e.reason });
    else if (e.type === 'notice') line({ type: 'notice', ...from, message: e.message });
    else if (e.type === 'done') {
      const o = e.outcome;
      if (o.status === 'final') line({ type: 'final', text: o.text, turns: o.turns, usage: o.usage });
      else line({ type: o.status === 'error' ? 'error' : o.status, reason: o.text, turns: o.turns, usage: o.usage, ...(o.error ? { kind: o.error.kind } : {}) });
    }
  };
}

function humanPrinter(out: NodeJS.WritableStream, err: NodeJS.WritableStream) {
  let midLine = false;
  return (e: AgentEvent) => {
    // A subagent's text is its own business: its answer reaches the main agent as the delegate result.
    if (e.agent && (e.type === 'text-delta' || e.type === 'turn-reset')) return;
    const who = e.agent ? `${e.agent} ` : '';
    switch (e.type) {
      case 'subagent':
        if (e.status === 'started') err.write(`⇉ ${e.agent} started: ${e.description}\n`);
        else err.write(`${e.status === 'done' ? '✓' : '✗'} ${e.agent} ${e.status} after ${e.turns} turn(s)${e.status === 'failed' ? `: ${(e.text ?? '').split('\n')[0]}` : ''}\n`);
        break;
      case 'text-delta':
        out.write(e.text);
        midLine = !e.text.endsWith('\n');
        break;
      case 'turn-reset':
        if (midLine) out.write('\n');
        midLine = false;
        break;
      case 'batch': {
        if (midLine) out.write('\n');
        midLine = false;
        const calls = e.log.calls.map((c) => `${c.ok ? '✓' : '✗'} ${c.name} ${c.summary} ${c.ms}ms${c.ok ? '' : ` (${c.error})`}`);
        err.write(`▸ ${who}turn ${e.log.turn}: ${e.log.calls.length} call(s) in ${e.log.wallMs} ms\n  ${calls.join('\n  ')}\n`);
        break;
      }
      case 'retry':
        err.write(`… ${who}${e.reason}; retrying in ${(e.delayMs / 1000).toFixed(1)} s (attempt ${e.attempt})\n`);
        break;
      case 'notice':
        err.write(`! ${who}${e.message}\n`);
        break;
      case 'done':
        if (midLine) out.write('\n');
        break;
    }
  };
}

function stderrLogger(err: NodeJS.WritableStream): Logger {
  const log = (level: string) => (m: string | Error, ...a: unknown[]) => err.write(`[${level}] ${m instanceof Error ? m.message : m}${a.length ? ` ${a.map((x) => JSON.stringify(x)).join(' ')}` : ''}\n`);
  return { trace: log('trace'), debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
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
