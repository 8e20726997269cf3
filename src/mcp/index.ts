// The MCP side of Fanout, for hosts: configuration sources, the manager, and the state it reports.
import * as path from 'node:path';
import { readMcpJsonFile, type McpConfigSource } from './config';
import { McpManager, type McpManagerOptions } from './mcpManager';

export { parseMcpJson, readMcpJsonFile, serversSetting, type McpConfigSource } from './config';
export { McpManager, type McpManagerOptions, type McpServerState, type McpToolState } from './mcpManager';
export type { McpServerStatus, RestartPolicy } from './serverHandle';

/** Where VS Code keeps a workspace's MCP servers. */
export function workspaceMcpJson(workspaceFolder: string): string {
  return path.join(workspaceFolder, '.vscode', 'mcp.json');
}

/**
 * A manager for the servers of one mcp.json file. An explicitly named file must exist and parse (the error says why);
 * without one, the workspace's .vscode/mcp.json is used if present, and no manager is made when it is not.
 */
export async function mcpManagerForFile(file: string | undefined, options: Omit<McpManagerOptions, 'sources'>): Promise<McpManager | undefined> {
  let source: McpConfigSource | undefined;
  if (file) {
    source = await readMcpJsonFile(path.resolve(file));
    if (!source) throw new Error(`MCP config ${file} does not exist.`);
    if (source.problem) throw new Error(source.problem);
  } else {
    source = await readMcpJsonFile(workspaceMcpJson(options.workspaceFolder));
    if (!source) return undefined;
  }
  return new McpManager({ ...options, sources: [source] });
}
