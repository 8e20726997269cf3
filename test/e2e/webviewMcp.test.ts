// The chat view's "MCP servers" panel in a real browser under the extension's CSP: states, toggles, restart, focus.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { HostMessage, McpServerView } from '../../src/shared/protocol';
import { init } from './webviewFixtures';
import { posted, sendHost, setTheme, waitForPosted, useWebviewPage } from './webviewPage';


const tool = (name: string, access: 'read' | 'write', enabled = true) => ({ name, fanoutName: `mcp__x__${name}`, description: `Does ${name}.`, access, enabled });
const servers = (): McpServerView[] => [
  { name: 'github', status: 'running', message: 'Running.', enabled: true, tools: [tool('search_issues', 'read'), tool('create_issue', 'write', false)] },
  { name: 'broken', status: 'error', message: 'Exited with code 1: cannot find module', enabled: true, tools: [] },
  { name: 'team-db', status: 'stopped', message: 'Not started in Restricted Mode: declared by this workspace, which you have not trusted.', enabled: false, restricted: true, tools: [] },
];
const state = (list = servers(), problems: string[] = []): HostMessage => ({ type: 'mcp-state', servers: list, problems });

describe('chat webview: MCP servers panel', function () {
  this.timeout(60_000);
  const view = useWebviewPage();
  let page: Page;
  beforeEach(async () => {
    page = view.page;
    await sendHost(page, init());
  });

  const panel = () => page.locator('.mcp-panel');
  const server = (name: string) => page.locator(`.mcp-server[data-server="${name}"]`);
  const open = async () => {
    await panel().locator('.panel-toggle').click();
    await page.locator('#fanout-mcp-body:not([hidden])').waitFor();
  };

  it('stays hidden until the extension reports servers, then shows a collapsed summary', async () => {
    assert.equal(await panel().isHidden(), true);
    await sendHost(page, state());
    await panel().waitFor();
    const toggle = panel().locator('.panel-toggle');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal((await toggle.locator('.count-badge').textContent())?.trim(), '1/3');
    assert.equal(await toggle.locator('.count-badge.has-error .codicon-error').count(), 1, 'a failed server marks the badge');
    await open();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.equal(await page.locator('.mcp-server').count(), 3);
  });

  it('shows each status as a theme-coloured dot with an accessible name, and why a server is not running', async () => {
    await sendHost(page, state());
    await open();
    const dot = (name: string) => server(name).locator('.status-dot');
    assert.equal(await dot('github').getAttribute('aria-label'), 'Running');
    assert.equal(await dot('broken').getAttribute('aria-label'), 'Error');
    const bg = (name: string) => dot(name).evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(await bg('github'), 'rgb(137, 209, 133)', '--vscode-charts-green');
    assert.equal(await bg('broken'), 'rgb(241, 76, 76)', '--vscode-charts-red');
    assert.equal(await server('github').locator('.mcp-message').count(), 0, 'a running server needs no message');
    assert.equal(await server('broken').locator('.mcp-message').textContent(), 'Exited with code 1: cannot find module');
    await setTheme(page, 'vscode-light');
    assert.notEqual(await bg('github'), 'rgb(137, 209, 133)', 'the dot follows the theme');
  });

  it('lists a server’s tools with checkboxes and access badges; toggles post mcp-toggle', async () => {
    await sendHost(page, state());
    await open();
    const expand = server('github').locator('.mcp-expand');
    assert.equal(await expand.getAttribute('aria-expanded'), 'false');
    await expand.click();
    const tools = server('github').locator('.mcp-tool');
    assert.equal(await tools.count(), 2);
    assert.equal(await tools.nth(0).locator('input').isChecked(), true);
    assert.equal(await tools.nth(1).locator('input').isChecked(), false);
    assert.equal(await tools.nth(1).locator('.access-badge.access-write').textContent(), 'write');
    assert.match((await tools.nth(0).locator('label').getAttribute('title')) ?? '', /Does search_issues\.\n\nThe model calls it mcp__x__search_issues\./);

    await tools.nth(0).locator('input').click();
    assert.deepEqual(await waitForPosted(page, 'mcp-toggle'), { type: 'mcp-toggle', server: 'github', tool: 'search_issues', enabled: false });
    await server('github').getByRole('checkbox', { name: 'Use the MCP server github' }).press('Space');
    assert.deepEqual(await waitForPosted(page, 'mcp-toggle', 2), { type: 'mcp-toggle', server: 'github', enabled: false });
    await server('broken').getByRole('button', { name: 'Restart broken' }).click();
    assert.deepEqual(await waitForPosted(page, 'mcp-restart'), { type: 'mcp-restart', server: 'broken' });
  });

  it('keeps the open tool lists and the focused control across updates', async () => {
    await sendHost(page, state());
    await open();
    await server('github').locator('.mcp-expand').click();
    const box = server('github').getByRole('checkbox', { name: 'Offer the tool create_issue of github' });
    await box.focus();
    const next = servers();
    next[0].tools[1].enabled = true;
    await sendHost(page, state(next));
    await server('github').locator('.mcp-tool[data-tool="create_issue"] input:checked').waitFor();
    assert.equal(await server('github').locator('.mcp-tools').isVisible(), true);
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.focusKey), 'tool:github/create_issue');
  });

  it('offers no toggle or restart for a server held back in Restricted Mode; shows configuration problems', async () => {
    await sendHost(page, state(servers(), ['/ws/.vscode/mcp.json is not valid JSON: Unexpected token']));
    await open();
    assert.equal(await server('team-db').getByRole('checkbox').isDisabled(), true);
    assert.equal(await server('team-db').getByRole('button', { name: 'Restart team-db' }).isDisabled(), true);
    assert.match((await server('team-db').locator('.mcp-message').textContent()) ?? '', /Restricted Mode/);
    assert.equal(await page.locator('.mcp-problem[role="alert"]').textContent(), '/ws/.vscode/mcp.json is not valid JSON: Unexpected token');
    assert.equal((await posted(page)).filter((m) => m.type.startsWith('mcp-')).length, 0);
  });

  it('hides again when no server is configured any more', async () => {
    await sendHost(page, state());
    await panel().waitFor();
    await sendHost(page, state([]));
    await panel().waitFor({ state: 'hidden' });
  });
});
