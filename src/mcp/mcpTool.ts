import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { defineTool, type AccessClass, type ToolDefinition } from '../tools/tool';
import { ToolError } from '../tools/toolError';
import { resultText } from './content';
import { validatorForJsonSchema } from './jsonSchemaCheck';

export type McpCall = (args: Record<string, unknown>, signal: AbortSignal) => Promise<CallToolResult>;

/**
 * Only a tool that declares itself read-only may start early and run beside reads; anything else is treated as an
 * edit, so the approval policy for edits applies to it. (It names no files, so it takes no file locks.)
 */
export function mcpAccess(tool: Pick<Tool, 'annotations'>): AccessClass {
  return tool.annotations?.readOnlyHint === true ? 'read' : 'write';
}

/**
 * An MCP tool as a Fanout tool: the server's own JSON Schema goes to the model, and calls go through `call`. All tools
 * of one server share its `maxConcurrent` cap in the scheduler.
 */
export function mcpToolDefinition(fanoutName: string, server: { name: string; maxConcurrent: number }, tool: Tool, call: McpCall): ToolDefinition {
  const { $schema: _drop, ...jsonSchema } = tool.inputSchema as Record<string, unknown>;
  return defineTool({
    name: fanoutName,
    description: tool.description?.trim() || tool.title || tool.annotations?.title || `The ${tool.name} tool of the MCP server ${server.name}.`,
    schema: validatorForJsonSchema(jsonSchema),
    jsonSchema,
    access: mcpAccess(tool),
    sharedLimit: { key: `mcp:${server.name}`, maxConcurrent: server.maxConcurrent },
    summary: (input) => firstString(input),
    async execute(input, ctx) {
      const result = await call(input, ctx.signal);
      const text = resultText(result);
      if (result.isError) throw new ToolError('failed', text || `${tool.name} reported an error without a message.`);
      return text;
    },
  }) as ToolDefinition;
}

/** The first string argument is usually the one that says what the call is about (a query, a path, a URL). */
function firstString(input: Record<string, unknown>): string {
  const value = Object.values(input).find((v): v is string => typeof v === 'string');
  if (!value) return '';
  const line = value.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}
