// The MCP server declarations Fanout reads: VS Code's `.vscode/mcp.json` ({ servers, inputs }) and the
// `fanout.mcpServers` setting (the same server map). A bad entry disables only itself, with a message saying why.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import { parseJsonc } from './jsonc';
import { resolveVariables, type VariableContext } from './variables';

/** One place servers are declared, as read (not yet validated): later sources win on a name clash. */
export interface McpConfigSource {
  /** Where it came from, for messages: a file path or a setting name. */
  origin: string;
  servers: Record<string, unknown>;
  /** Why the whole source could not be read (bad JSON, wrong shape); its servers are then missing. */
  problem?: string;
}

/**
 * How many calls of one server's tools run at once unless its entry says `maxConcurrent`: MCP servers are often a
 * rate-limited API behind a thin wrapper, where a semaphore is the advice of the parallel tool-calling guide.
 */
export const DEFAULT_MCP_MAX_CONCURRENT = 4;

interface McpServerCommon {
  name: string;
  origin: string;
  maxConcurrent: number;
}

export type McpServerConfig =
  | (McpServerCommon & { transport: 'stdio'; command: string; args: string[]; env: Record<string, string | null>; envFile?: string; cwd: string })
  | (McpServerCommon & { transport: 'http'; url: string; headers: Record<string, string> });

export type McpServerEntry = { ok: true; config: McpServerConfig } | { ok: false; name: string; origin: string; error: string };

const maxConcurrent = z.number().int().min(1).max(64).default(DEFAULT_MCP_MAX_CONCURRENT);

const stdioSchema = z.object({
  type: z.literal('stdio').optional(),
  maxConcurrent,
  command: z.string().min(1, 'must not be empty'),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).default({}),
  envFile: z.string().optional(),
  cwd: z.string().optional(),
});

const httpSchema = z.object({
  type: z.literal('http').optional(),
  maxConcurrent,
  url: z.string().regex(/^https?:\/\/.+/, 'must start with http:// or https://'),
  headers: z.record(z.string(), z.string()).default({}),
});

const documentSchema = z.object({
  servers: z.record(z.string(), z.unknown()).default({}),
  inputs: z.array(z.unknown()).optional(),
});

/** `.vscode/mcp.json` text (comments and trailing commas allowed, as in VS Code). */
export function parseMcpJson(text: string, origin: string): McpConfigSource {
  let raw: unknown;
  try {
    raw = parseJsonc(text);
  } catch (e) {
    return { origin, servers: {}, problem: `${origin} is not valid JSON: ${(e as Error).message}` };
  }
  const doc = documentSchema.safeParse(raw);
  if (!doc.success) return { origin, servers: {}, problem: `${origin}: expected { "servers": { "<name>": {...} } }: ${formatIssues(doc.error)}` };
  return { origin, servers: doc.data.servers };
}

/** A server map from a setting (`fanout.mcpServers`); undefined or null means none. */
export function serversSetting(value: unknown, origin: string): McpConfigSource {
  if (value === undefined || value === null) return { origin, servers: {} };
  if (typeof value !== 'object' || Array.isArray(value)) return { origin, servers: {}, problem: `${origin} must be an object mapping server names to servers.` };
  return { origin, servers: value as Record<string, unknown> };
}

/** Reads an mcp.json file; a missing file is no source at all, any other failure is a source with a problem. */
export async function readMcpJsonFile(file: string): Promise<McpConfigSource | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { origin: file, servers: {}, problem: `cannot read ${file}: ${(e as Error).message}` };
  }
  return parseMcpJson(text, file);
}

/** Merges the sources (later wins by name), validates each entry and resolves its variables. */
export function resolveServers(sources: readonly McpConfigSource[], ctx: VariableContext): McpServerEntry[] {
  const merged = new Map<string, { origin: string; raw: unknown }>();
  for (const source of sources) for (const [name, raw] of Object.entries(source.servers)) merged.set(name, { origin: source.origin, raw });
  return [...merged].sort(([a], [b]) => a.localeCompare(b)).map(([name, { origin, raw }]) => resolveEntry(name, origin, raw, ctx));
}

function resolveEntry(name: string, origin: string, raw: unknown, ctx: VariableContext): McpServerEntry {
  const fail = (error: string): McpServerEntry => ({ ok: false, name, origin, error });
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return fail('expected an object with "command" (stdio) or "url" (http).');
  const entry = raw as Record<string, unknown>;
  const type = entry.type ?? ('command' in entry ? 'stdio' : 'url' in entry ? 'http' : undefined);
  if (type === 'sse') return fail('type "sse" (the legacy HTTP+SSE transport) is not supported yet; point "url" at a Streamable HTTP endpoint with type "http".');
  if (type !== 'stdio' && type !== 'http') {
    return fail(type === undefined ? 'needs "command" (a stdio server) or "url" (an http server).' : `unknown type ${JSON.stringify(type)} (expected "stdio" or "http").`);
  }
  const parsed = (type === 'stdio' ? stdioSchema : httpSchema).safeParse(entry);
  if (!parsed.success) return fail(formatIssues(parsed.error));
  try {
    const sub = (v: string) => resolveVariables(v, ctx);
    const inWorkspace = (p: string) => path.resolve(ctx.workspaceFolder, sub(p));
    if ('command' in parsed.data) {
      const d = parsed.data;
      const env = Object.fromEntries(Object.entries(d.env).map(([k, v]) => [k, v === null ? null : sub(String(v))]));
      const config: McpServerConfig = { name, origin, maxConcurrent: d.maxConcurrent, transport: 'stdio', command: sub(d.command), args: d.args.map(sub), env, cwd: d.cwd ? inWorkspace(d.cwd) : ctx.workspaceFolder };
      if (d.envFile) config.envFile = inWorkspace(d.envFile);
      return { ok: true, config };
    }
    const d = parsed.data;
    return { ok: true, config: { name, origin, maxConcurrent: d.maxConcurrent, transport: 'http', url: sub(d.url), headers: Object.fromEntries(Object.entries(d.headers).map(([k, v]) => [k, sub(v)])) } };
  } catch (e) {
    return fail((e as Error).message);
  }
}

function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? `"${i.path.join('.')}"` : 'entry'}: ${i.message}`).join('; ');
}
