// Bundles the stdio fake server once per test process: a bundled file starts in a fraction of the time tsx needs,
// which keeps each MCP test (several of which start and restart servers) well under two seconds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';

let built: Promise<string> | undefined;

/** Absolute path of a runnable `node <file>` MCP server speaking stdio. */
export function fakeStdioServerScript(): Promise<string> {
  built ??= (async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fanout-mcp-fake-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const outfile = path.join(dir, 'stdioServer.cjs');
    await build({ entryPoints: [path.join(__dirname, 'stdioServer.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'warning' });
    return outfile;
  })();
  return built;
}
