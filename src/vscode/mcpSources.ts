// Which MCP server declarations a workspace gets. Kept free of `vscode` so the Restricted Mode rule is unit-tested.
import type { McpConfigSource } from '../mcp';

export interface McpSourceInput {
  trusted: boolean;
  /** `.vscode/mcp.json`, when it exists. */
  file: McpConfigSource | undefined;
  /** `fanout.mcpServers` as VS Code resolves it (in Restricted Mode without the workspace's own value). */
  setting: McpConfigSource;
  /** Server names the workspace's own value of `fanout.mcpServers` declares. */
  workspaceSettingNames: readonly string[];
}

/**
 * A trusted workspace gets mcp.json, then the setting (which wins on a name clash). An untrusted one gets only what
 * the user declared; the workspace's servers are `restricted`: listed, never started.
 */
export function chooseMcpSources(input: McpSourceInput): { sources: McpConfigSource[]; restricted: string[] } {
  if (input.trusted) return { sources: input.file ? [input.file, input.setting] : [input.setting], restricted: [] };
  const declared = new Set([...Object.keys(input.file?.servers ?? {}), ...input.workspaceSettingNames]);
  return { sources: [input.setting], restricted: [...declared].filter((name) => !(name in input.setting.servers)).sort() };
}
