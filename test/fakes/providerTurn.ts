// One script shape for every fake model server, so one conformance suite can drive all four adapters.
import type * as http from 'node:http';
import { applyFault, type Fault, type RecordedRequest } from './httpFake';
import type { ScriptedTurn } from './openaiServer';

export interface ProviderTurn extends ScriptedTurn {
  /** Cut the connection partway through call N (zero-based): after its first argument fragment (Gemini, whose calls
   * arrive whole: before the chunk that carries it). The calls before it are complete, N is not. */
  dropInCall?: number;
  /**
   * Pause where dropInCall would cut (the calls before N are complete, N is not) until `until` resolves, then finish
   * the turn: a model still streaming while the test watches what already happened.
   */
  holdInCall?: { call: number; until: Promise<void> };
  /** Send this many events, then nothing more while keeping the connection open (a stalled model). */
  stallAfterChunks?: number;
  /** Usage of the cached part of the prompt, for servers that report it. */
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

export type ProviderScript = (req: RecordedRequest, index: number) => ProviderTurn | Fault | Promise<ProviderTurn | Fault>;

/** Status faults get the vendor's own error body unless the script gives one; other faults are applied as they are. */
export function applyVendorFault(fault: Fault, res: http.ServerResponse, body: (status: number, headers: Record<string, string>) => unknown): void {
  if (fault.kind === 'status' && fault.body === undefined) return applyFault({ ...fault, body: body(fault.status, fault.headers ?? {}) }, res);
  applyFault(fault, res);
}

/** Argument text of a scripted call, and its fragments (default: two per call). */
export function argFragments(args: string, argChunk?: number): string[] {
  const size = argChunk ?? Math.max(1, Math.ceil(args.length / 2));
  const out: string[] = [];
  for (let i = 0; i < args.length; i += size) out.push(args.slice(i, i + size));
  return out.length ? out : [''];
}

export function argsText(args: string | Record<string, unknown>): string {
  return typeof args === 'string' ? args : JSON.stringify(args);
}

export function textPieces(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += 8) out.push(text.slice(i, i + 8));
  return out;
}

/** Never resolves: a stalled stream waits here until the client goes away or the server closes. */
export const forever = (): Promise<never> => new Promise(() => {});

export function randomId(prefix: string): string {
  return `${prefix}${Math.random().toString(36).slice(2, 14)}`;
}
