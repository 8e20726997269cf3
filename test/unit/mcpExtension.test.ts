import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseMcpJson, serversSetting } from '../../src/mcp';
import { parseHostMessage, parseWebviewMessage } from '../../src/shared/protocol';
import { chooseMcpSources } from '../../src/vscode/mcpSources';

describe('MCP in the extension: protocol', () => {
  const server = { name: 'github', status: 'running', message: 'Running.', enabled: true, tools: [{ name: 'search', fanoutName: 'mcp__github__search', access: 'read', enabled: true }] };

  it('mcp-state reaches the webview with its servers and tools; problems default to none', () => {
    assert.deepEqual(parseHostMessage({ type: 'mcp-state', servers: [server] }), { type: 'mcp-state', servers: [server], problems: [] });
    assert.equal(parseHostMessage({ type: 'mcp-state', servers: [{ ...server, status: 'crashed' }] }), undefined, 'unknown status');
    assert.equal(parseHostMessage({ type: 'mcp-state', servers: [{ ...server, tools: [{ name: 'x', fanoutName: 'y', access: 'admin', enabled: true }] }] }), undefined, 'unknown access');
  });

  it('mcp-toggle and mcp-restart reach the extension only well-formed', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'mcp-toggle', server: 'github', tool: 'search', enabled: false }), { type: 'mcp-toggle', server: 'github', tool: 'search', enabled: false });
    assert.deepEqual(parseWebviewMessage({ type: 'mcp-toggle', server: 'github', enabled: true }), { type: 'mcp-toggle', server: 'github', enabled: true });
    assert.equal(parseWebviewMessage({ type: 'mcp-toggle', server: '', enabled: true }), undefined);
    assert.equal(parseWebviewMessage({ type: 'mcp-toggle', server: 'github', enabled: 'yes' }), undefined);
    assert.deepEqual(parseWebviewMessage({ type: 'mcp-restart', server: 'github' }), { type: 'mcp-restart', server: 'github' });
    assert.equal(parseWebviewMessage({ type: 'mcp-restart' }), undefined);
  });
});

describe('MCP in the extension: which servers a workspace gets', () => {
  const file = parseMcpJson('{ "servers": { "repo-tools": { "command": "node", "args": ["tools.js"] }, "shared": { "url": "http://a" } } }', '/ws/.vscode/mcp.json');
  const setting = serversSetting({ shared: { url: 'http://b' }, mine: { command: 'mine' } }, 'fanout.mcpServers');

  it('trusted: mcp.json, then the setting (which wins on a name clash)', () => {
    assert.deepEqual(chooseMcpSources({ trusted: true, file, setting, workspaceSettingNames: [] }), { sources: [file, setting], restricted: [] });
    assert.deepEqual(chooseMcpSources({ trusted: true, file: undefined, setting, workspaceSettingNames: [] }), { sources: [setting], restricted: [] });
  });

  it('Restricted Mode: only the user’s servers start; the workspace’s are listed as held back', () => {
    const { sources, restricted } = chooseMcpSources({ trusted: false, file, setting, workspaceSettingNames: ['evil', 'mine'] });
    assert.deepEqual(sources, [setting]);
    // "shared" and "mine" come from the user's setting, so they run; the rest never start.
    assert.deepEqual(restricted, ['evil', 'repo-tools']);
  });

  it('package.json marks fanout.mcpServers as restricted and declares the MCP settings', () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
      capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
      contributes: { configuration: { properties: Record<string, { type: string; items?: { type: string } }> } };
    };
    assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('fanout.mcpServers'));
    const props = pkg.contributes.configuration.properties;
    assert.equal(props['fanout.mcpServers'].type, 'object');
    for (const key of ['fanout.mcp.disabledServers', 'fanout.mcp.disabledTools']) assert.deepEqual([props[key].type, props[key].items?.type], ['array', 'string'], key);
  });
});
