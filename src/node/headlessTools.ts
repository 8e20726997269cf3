import { builtinTools } from '../tools';
import type { ToolDefinition } from '../tools/tool';
import { ToolError } from '../tools/toolError';
import { fetchUrlTool } from '../tools/web/fetchUrl';

/**
 * What `--allow` can switch on: the kinds of call that ask first in VS Code, where the CLI has no one to ask.
 * `network-private` is `network` plus private network addresses (localhost, the LAN, cloud metadata), which VS Code
 * asks about even when fetches are allowed.
 */
export const ALLOW_KINDS = ['command', 'network', 'network-private'] as const;
export type AllowKind = (typeof ALLOW_KINDS)[number];

const WHAT: Record<AllowKind, string> = { command: 'run shell commands', network: 'fetch URLs', 'network-private': 'fetch private network addresses too' };

/**
 * The headless runner's own tool list: the built-in tools, with the ones that would ask first in VS Code answering
 * every call with a clear "not allowed" result unless the user passed `--allow <kind>`. They stay declared, so the
 * model hears why rather than guessing at a tool it cannot see.
 */
export function headlessTools(allow: ReadonlySet<AllowKind>): ToolDefinition[] {
  return builtinTools.map((tool) => {
    const kind = ALLOW_KINDS.find((k) => k === tool.approval);
    if (tool.name === 'fetch_url' && allow.has('network')) {
      return allow.has('network-private')
        ? fetchUrlTool(undefined, { allowPrivate: true })
        : fetchUrlTool(undefined, { privateHint: ` The user can rerun with --allow network-private to let the agent ${WHAT['network-private']}.` });
    }
    if (!kind || allow.has(kind)) return tool;
    const message = `${tool.name} is not allowed in this headless run: nobody is there to approve it. The user can rerun with --allow ${kind} to let the agent ${WHAT[kind]}.`;
    return {
      ...tool,
      description: `${tool.description} (Not allowed in this session: every call is refused.)`,
      execute: () => Promise.reject(new ToolError('not_allowed', message)),
    };
  });
}

/** `--allow command,network` (the flag may also repeat). */
export function parseAllow(values: readonly string[]): Set<AllowKind> {
  const out = new Set<AllowKind>();
  for (const item of values.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean)) {
    const kind = ALLOW_KINDS.find((k) => k === item);
    if (!kind) throw new Error(`--allow takes ${ALLOW_KINDS.join(', ')} (comma-separated), got "${item}"`);
    out.add(kind);
    if (kind === 'network-private') out.add('network');
  }
  return out;
}
