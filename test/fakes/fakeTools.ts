import { z } from 'zod';
import type { Scheduler } from '../../src/agent/scheduler';
import { defineTool, type AccessClass, type ToolDefinition } from '../../src/tools/tool';

/** Tools with controllable latency that record how many ran at once; for scheduler tests and benchmarks. */
export class ConcurrencyProbe {
  running = 0;
  peak = 0;
  readonly order: string[] = [];
  enter(label: string): void {
    this.running++;
    this.peak = Math.max(this.peak, this.running);
    this.order.push(label);
  }
  leave(): void {
    this.running--;
  }
}

export function sleepTool(probe: ConcurrencyProbe, options: { name?: string; access?: AccessClass; ignoreAbortUntil?: Promise<void> } = {}): ToolDefinition {
  return defineTool({
    name: options.name ?? 'sleep',
    description: 'Sleeps for ms milliseconds.',
    access: options.access ?? 'read',
    schema: z.strictObject({ ms: z.number().int().min(0), label: z.string().optional(), fail: z.boolean().optional(), path: z.string().optional() }),
    files: (input) => (input.path ? [{ path: input.path, write: (options.access ?? 'read') === 'write' }] : []),
    summary: (input) => input.label ?? String(input.ms),
    async execute(input, ctx) {
      probe.enter(input.label ?? '');
      try {
        // A tool that ignores its signal ends when the test lets it, so no timer of it outlives the test.
        if (options.ignoreAbortUntil) await options.ignoreAbortUntil;
        else {
          await new Promise<void>((resolve, reject) => {
            if (ctx.signal.aborted) return reject(ctx.signal.reason);
            const t = setTimeout(resolve, input.ms);
            ctx.signal.addEventListener('abort', () => {
              clearTimeout(t);
              reject(ctx.signal.reason);
            }, { once: true });
          });
        }
        if (input.fail) throw new Error(`boom ${input.label ?? ''}`);
        return `slept ${input.ms}${input.label ? ` ${input.label}` : ''}`;
      } finally {
        probe.leave();
      }
    },
  }) as ToolDefinition;
}

export function call(id: string, name: string, args: unknown): { id: string; name: string; arguments: string } {
  return { id, name, arguments: typeof args === 'string' ? args : JSON.stringify(args) };
}

/** Adds every call and seals: the whole batch as one turn. */
export async function runBatch(scheduler: Scheduler, calls: { id: string; name: string; arguments: string }[], signal = new AbortController().signal) {
  const batch = scheduler.startBatch(1, signal);
  for (const c of calls) batch.add(c);
  return batch.seal();
}

import { silentLogger } from '../../src/host/logger';
import type { Workspace } from '../../src/host/workspace';
import { NodeProcessRunner } from '../../src/node/nodeProcessRunner';
import { FileTracker } from '../../src/tools/fileTracker';
import { defaultToolSettings, type ToolContext } from '../../src/tools/tool';

/** A scheduler context; tools that never touch the workspace can leave it out. */
export function testContext(workspace?: Workspace, settings: Partial<ToolContext['settings']> = {}): Omit<ToolContext, 'signal'> {
  return {
    // Without a workspace, a tool's paths are their own lock keys.
    workspace: workspace ?? (new Proxy({}, { get: (_t, p) => { if (p === 'lockKey') return (path: string) => path; throw new Error('no workspace in this test'); } }) as Workspace),
    files: new FileTracker(),
    runner: new NodeProcessRunner(),
    logger: silentLogger,
    settings: { ...defaultToolSettings, ...settings },
  };
}
