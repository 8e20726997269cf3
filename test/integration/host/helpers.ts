// Shared by the suites that run inside the extension host: the fake model's wire record, the Fanout log file,
// the workspace, and waiting for conditions (never for fixed times).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'fanout-dev.fanout';

export interface WireMessage {
  role: string;
  content?: unknown;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
}
export interface WireRequest {
  body: { model: string; messages: WireMessage[]; tools?: unknown[]; parallel_tool_calls?: boolean };
  authorization?: string;
}

/** A tag unique to one test, put in its prompt so that its requests can be told apart from the others'. */
export function tag(): string {
  return `run=${Math.random().toString(36).slice(2, 10)}`;
}

/** Every chat request the fake model received so far (served by the driver, see fakeModel.ts). */
export async function wire(): Promise<WireRequest[]> {
  const url = process.env.FANOUT_WIRE_URL;
  if (!url) throw new Error('FANOUT_WIRE_URL is not set: run these tests through test/integration/run.ts');
  const res = await fetch(`${url}/requests`);
  if (!res.ok) throw new Error(`wire endpoint answered ${res.status}`);
  return (await res.json()) as WireRequest[];
}

const text = (content: unknown): string =>
  typeof content === 'string' ? content : Array.isArray(content) ? content.map((p: { text?: string }) => p.text ?? '').join('\n') : '';

/** The requests whose latest user message carries `runTag`, in the order they were sent. */
export async function requestsOf(runTag: string): Promise<WireRequest[]> {
  return (await wire()).filter((r) => {
    const users = r.body.messages.filter((m) => m.role === 'user');
    return text(users[users.length - 1]?.content).includes(runTag);
  });
}

/** The tool results a request carries after its last assistant message. */
export function lastToolResults(r: WireRequest): { id: string; content: string }[] {
  const msgs = r.body.messages;
  const lastAssistant = msgs.map((m) => m.role).lastIndexOf('assistant');
  return msgs.slice(lastAssistant + 1).filter((m) => m.role === 'tool').map((m) => ({ id: m.tool_call_id ?? '', content: text(m.content) }));
}

/** The tool calls of the last assistant message of a request. */
export function lastToolCalls(r: WireRequest): { id: string; name: string; args: Record<string, unknown> }[] {
  const assistant = [...r.body.messages].reverse().find((m) => m.role === 'assistant');
  return (assistant?.tool_calls ?? []).map((c) => ({ id: c.id, name: c.function.name, args: JSON.parse(c.function.arguments) as Record<string, unknown> }));
}

/** `fanout.ask`: resolves with the final answer (or the one-line reason a run stopped), rejects on a run error. */
export async function ask(prompt: string): Promise<string> {
  await shared.recovered;
  return vscode.commands.executeCommand<string>('fanout.ask', prompt);
}

// Each test file is bundled with its own copy of this module: the pending recovery lives on globalThis.
const shared = ((globalThis as { fanoutTestRecovery?: { recovered: Promise<unknown> } }).fanoutTestRecovery ??= { recovered: Promise.resolve() });

/**
 * After a failed test or hook (a timeout leaves its request running): stop that run and start a new chat before the
 * next `ask`, so one failure is reported once instead of as "still working" in every later suite.
 */
export function recoverAfterFailure(): void {
  shared.recovered = shared.recovered
    .then(() => vscode.commands.executeCommand('fanout.stop'))
    .then(() => vscode.commands.executeCommand('fanout.newChat'))
    .catch(() => undefined);
}

export function workspaceUri(rel: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the tests need a workspace folder');
  return vscode.Uri.joinPath(folder.uri, ...rel.split('/'));
}

export function readDisk(rel: string): string {
  return readFileSync(workspaceUri(rel).fsPath, 'utf8');
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The text of the "Fanout" log channel. A LogOutputChannel is backed by a file in the extension host's log
 * folder: <user-data-dir>/logs/<session>/exthost*\/<publisher.name>/Fanout.log on code-server, whose user-data
 * dir is the folder of its session socket (CODE_SERVER_SESSION_SOCKET, set for the extension host).
 */
export function fanoutLog(): string {
  const socket = process.env.CODE_SERVER_SESSION_SOCKET;
  if (!socket) throw new Error('CODE_SERVER_SESSION_SOCKET is not set: not running under code-server?');
  const files = findFiles(path.join(path.dirname(socket), 'logs'), (p) => path.basename(p) === 'Fanout.log' && p.includes(EXTENSION_ID));
  if (files.length === 0) throw new Error('no Fanout.log under the host log folder');
  return files.map((f) => readFileSync(f, 'utf8')).join('\n');
}

function findFiles(dir: string, match: (p: string) => boolean, depth = 0): string[] {
  if (depth > 6 || !existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? findFiles(p, match, depth + 1) : match(p) ? [p] : [];
  });
}

/** `batch turn=N calls=C failed=F wall=Wms stream=Sms: name(summary) Xms ok, ...` lines of the log, parsed. */
export interface BatchLine {
  turn: number;
  calls: number;
  failed: number;
  wallMs: number;
  /** When the model's stream ended, from the batch start; calls that wait for the whole turn start after it. */
  streamMs: number;
  callMs: { name: string; summary: string; ms: number; ok: boolean }[];
  raw: string;
}

export function batchLines(log: string): BatchLine[] {
  const out: BatchLine[] = [];
  for (const raw of log.split('\n')) {
    const m = /batch turn=(\d+) calls=(\d+) failed=(\d+) wall=([\d.]+)ms(?: stream=([\d.]+)ms)?: (.*)$/.exec(raw);
    if (!m) continue;
    const callMs = [...m[6].matchAll(/(\w+)\((.*?)\)\^?(?: =\S+)? ([\d.]+)ms ([^,]+)/g)].map((c) => ({ name: c[1], summary: c[2], ms: Number(c[3]), ok: c[4] === 'ok' }));
    out.push({ turn: Number(m[1]), calls: Number(m[2]), failed: Number(m[3]), wallMs: Number(m[4]), streamMs: Number(m[5] ?? 0), callMs, raw });
  }
  return out;
}

/** Runs `fn` with fanout.<key> set in the user settings, then puts the old value back. */
export async function withSetting<T>(key: string, value: unknown, fn: () => Promise<T>): Promise<T> {
  const config = vscode.workspace.getConfiguration('fanout');
  const before = config.inspect(key)?.globalValue;
  await config.update(key, value, vscode.ConfigurationTarget.Global);
  try {
    return await fn();
  } finally {
    await vscode.workspace.getConfiguration('fanout').update(key, before, vscode.ConfigurationTarget.Global);
  }
}
