import { z } from 'zod';
import { defineTool, type ToolContext, type ToolDefinition } from '../../tools/tool';

export const DELEGATE_TOOL = 'delegate';

export const delegateSchema = z.strictObject({
  prompt: z.string().min(1).max(100_000).describe('The whole task for the subagent: it sees nothing of this conversation'),
  description: z.string().max(200).optional().describe('A few words naming the task, shown to the user (e.g. "review src/api")'),
  canEdit: z.boolean().optional().describe('Let the subagent edit files and run tests (default false: read, search and list only)'),
});

export type DelegateInput = z.infer<typeof delegateSchema>;

/**
 * The model-facing `delegate` tool. What it runs is given by its owner (the run's Subagents), because a subagent
 * needs the run's provider, scheduler and event listener, which no tool context carries.
 */
export function delegateTool(run: (input: DelegateInput, ctx: ToolContext) => Promise<string>, maxSubagents: number): ToolDefinition {
  return defineTool({
    name: DELEGATE_TOOL,
    description:
      'Hand one independent part of the task to a subagent: a separate agent with its own conversation and tools that ' +
      'works on `prompt` and answers with its findings and the files it changed. Several delegate calls in one turn run ' +
      `at the same time (up to ${maxSubagents}), so give each independent part (a module to review, a file to fix) its own ` +
      'subagent. Put everything it needs in the prompt. It can read, search and list files; with canEdit it can also edit ' +
      'files and run tests. Edits by several agents to one file are applied one at a time, never interleaved.',
    access: 'exec',
    runsAgent: true,
    schema: delegateSchema,
    summary: (input) => describe(input),
    execute: (input, ctx) => run(input, ctx),
  }) as ToolDefinition;
}

/** The user-facing name of a delegated task: its description, or the start of its prompt. */
export function describe(input: Pick<DelegateInput, 'prompt' | 'description'>): string {
  const d = input.description?.trim();
  if (d) return d;
  const line = input.prompt.trim().split('\n')[0];
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}
