import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { toolSpec } from '../../../src/tools/tool';
import { parseMcpJson, readMcpJsonFile, resolveServers, serversSetting } from '../../../src/mcp/config';
import { resultText } from '../../../src/mcp/content';
import { validatorForJsonSchema } from '../../../src/mcp/jsonSchemaCheck';
import { mcpAccess, mcpToolDefinition } from '../../../src/mcp/mcpTool';
import { parseEnvFile, stdioEnv } from '../../../src/mcp/serverEnv';
import { MAX_TOOL_NAME_LENGTH, namespaceToolNames } from '../../../src/mcp/toolNames';
import { resolveVariables } from '../../../src/mcp/variables';
import { tempWorkspace } from '../../fakes/tempWorkspace';

const ctx = { workspaceFolder: '/ws/project', env: { TOKEN: 'tok-123', HOME: '/home/u' } };

describe('MCP configuration', () => {
  it('reads VS Code mcp.json (comments, trailing commas) with stdio and http servers, and resolves variables', () => {
    const source = parseMcpJson(
      `{
        // VS Code allows comments
        "inputs": [{ "type": "promptString", "id": "unused" }],
        "servers": {
          "local": { "type": "stdio", "command": "node", "args": ["\${workspaceFolder}/server.js", "--name=\${workspaceFolderBasename}"], "env": { "TOKEN": "\${env:TOKEN}", "N": 3, "DROP": null }, "envFile": ".env", "cwd": "tools", },
          "remote": { "type": "http", "maxConcurrent": 2, "url": "https://mcp.example.com/mcp", "headers": { "Authorization": "Bearer \${env:TOKEN}" } },
          "untyped": { "command": "uvx", "args": ["srv"] },
        },
      }`,
      '/ws/project/.vscode/mcp.json',
    );
    assert.equal(source.problem, undefined);
    const entries = resolveServers([source], ctx);
    assert.deepEqual(entries.map((e) => e.ok && e.config), [
      { name: 'local', origin: '/ws/project/.vscode/mcp.json', maxConcurrent: 4, transport: 'stdio', command: 'node', args: ['/ws/project/server.js', '--name=project'], env: { TOKEN: 'tok-123', N: '3', DROP: null }, cwd: path.resolve('/ws/project/tools'), envFile: path.resolve('/ws/project/.env') },
      { name: 'remote', origin: '/ws/project/.vscode/mcp.json', maxConcurrent: 2, transport: 'http', url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer tok-123' } },
      { name: 'untyped', origin: '/ws/project/.vscode/mcp.json', maxConcurrent: 4, transport: 'stdio', command: 'uvx', args: ['srv'], env: {}, cwd: '/ws/project' },
    ]);
  });

  it('resolves the predefined variables, an unset ${env:X} as empty (as VS Code does), and refuses the rest', () => {
    assert.equal(resolveVariables('${userHome}${pathSeparator}x ${env:NOPE}|${workspaceRoot}', ctx), `${os.homedir()}${path.sep}x |/ws/project`);
    assert.throws(() => resolveVariables('${command:pick}', ctx), /\$\{command:pick\} is not supported: use \$\{workspaceFolder\}/);
    assert.throws(() => resolveVariables('${config:editor.tabSize}', ctx), /is not supported/);
  });

  it('disables only the bad entries, each with a message that names the server and the problem', () => {
    const entries = resolveServers(
      [
        serversSetting(
          {
            good: { command: 'node' },
            secret: { command: 'node', env: { KEY: '${input:api-key}' } },
            nothing: { args: ['x'] },
            badUrl: { type: 'http', url: 'ftp://x' },
            badArgs: { command: 'node', args: 'not-a-list' },
            legacy: { type: 'sse', url: 'http://localhost/sse' },
            weird: { type: 'ws', url: 'ws://x' },
            notObject: 'node server.js',
          },
          'fanout.mcpServers',
        ),
      ],
      ctx,
    );
    const byName = Object.fromEntries(entries.map((e) => [e.ok ? e.config.name : e.name, e]));
    assert.equal(byName.good.ok, true);
    const error = (name: string) => {
      const e = byName[name];
      assert.ok(!e.ok, `${name} should be rejected`);
      return e.error;
    };
    assert.match(error('secret'), /^\$\{input:api-key\} is not supported yet.*"env"/);
    assert.deepEqual(byName.secret.ok === false && [byName.secret.name, byName.secret.origin], ['secret', 'fanout.mcpServers']);
    assert.match(error('nothing'), /needs "command" \(a stdio server\) or "url"/);
    assert.match(error('badUrl'), /"url": must start with http:\/\/ or https:\/\//);
    assert.match(error('badArgs'), /"args": /);
    assert.match(error('legacy'), /"sse".*not supported yet/);
    assert.match(error('weird'), /unknown type "ws"/);
    assert.match(error('notObject'), /expected an object/);
  });

  it('lets the setting win over mcp.json on a name clash, and keeps servers of both', () => {
    const file = parseMcpJson('{"servers": {"a": {"command": "from-file"}, "b": {"command": "only-file"}}}', 'mcp.json');
    const setting = serversSetting({ a: { command: 'from-setting' } }, 'fanout.mcpServers');
    const entries = resolveServers([file, setting], ctx);
    assert.deepEqual(entries.map((e) => e.ok && [e.config.name, e.config.transport === 'stdio' && e.config.command, e.config.origin]), [
      ['a', 'from-setting', 'fanout.mcpServers'],
      ['b', 'only-file', 'mcp.json'],
    ]);
  });

  it('reports an unreadable source as a problem, and a missing file as no source', async () => {
    assert.match(parseMcpJson('{ "servers": ', 'x.json').problem!, /^x\.json is not valid JSON/);
    assert.match(parseMcpJson('{ "servers": [] }', 'x.json').problem!, /expected \{ "servers"/);
    assert.match(serversSetting(['a'], 'fanout.mcpServers').problem!, /must be an object/);
    const ws = tempWorkspace({ '.vscode/mcp.json': '{"servers": {"s": {"command": "node"}}}' });
    try {
      assert.deepEqual(Object.keys((await readMcpJsonFile(path.join(ws.dir, '.vscode/mcp.json')))!.servers), ['s']);
      assert.equal(await readMcpJsonFile(path.join(ws.dir, 'missing.json')), undefined);
    } finally {
      ws.cleanup();
    }
  });

  it('builds a stdio environment: inherited (without provider keys), then envFile, then env (null removes)', async () => {
    const ws = tempWorkspace({ '.env': '# comment\nexport FROM_FILE="a b"\nOVERRIDE=file\nQUOTED=\'x # y\'\nPLAIN=v # trailing\n' });
    try {
      const env = await stdioEnv(
        { name: 's', origin: 'o', maxConcurrent: 4, transport: 'stdio', command: 'node', args: [], cwd: ws.dir, envFile: path.join(ws.dir, '.env'), env: { OVERRIDE: 'env', PATH: null } },
        { PATH: '/bin', HOME: '/h', OPENAI_API_KEY: 'sk-secret', ANTHROPIC_API_KEY: 'sk-ant' },
      );
      assert.deepEqual(env, { HOME: '/h', FROM_FILE: 'a b', OVERRIDE: 'env', QUOTED: 'x # y', PLAIN: 'v' });
      await assert.rejects(
        stdioEnv({ name: 's', origin: 'o', maxConcurrent: 4, transport: 'stdio', command: 'node', args: [], cwd: ws.dir, envFile: path.join(ws.dir, 'nope.env'), env: {} }, {}),
        /cannot read envFile .*nope\.env: ENOENT/,
      );
    } finally {
      ws.cleanup();
    }
    assert.deepEqual(parseEnvFile('A=1\n\nnot a line\nB = "two\\nlines"'), { A: '1', B: 'two\nlines' });
  });
});

describe('MCP tool names', () => {
  it('namespaces per server, sanitises, and stays within 64 characters with a stable hash suffix', () => {
    const long = 'lookup.v2.' + 'x'.repeat(70);
    const names = namespaceToolNames([
      { server: 'git hub', tool: 'search.issues' },
      { server: 'fs', tool: long },
      { server: 'a.b', tool: 't' },
      { server: 'a_b', tool: 't' },
    ]);
    assert.equal(names[0], 'mcp__git_hub__search_issues');
    assert.equal(names[1].length, MAX_TOOL_NAME_LENGTH);
    assert.match(names[1], /^mcp__fs__lookup_v2_x+_[0-9a-f]{8}$/);
    assert.equal(names[2], 'mcp__a_b__t');
    assert.match(names[3], /^mcp__a_b__t_[0-9a-f]{8}$/, 'a clash after sanitising gets a suffix');
    for (const n of names) assert.match(n, /^[a-zA-Z_][a-zA-Z0-9_-]{0,63}$/);
    assert.equal(new Set(names).size, names.length);
    assert.deepEqual(namespaceToolNames([{ server: 'fs', tool: long }]), [names[1]], 'the same in every run');
  });
});

describe('MCP tool definitions', () => {
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: { text: { type: 'string' }, ms: { type: 'integer' }, mode: { enum: ['a', 'b'] }, tags: { type: 'array', items: { type: 'string' } } },
    required: ['text'],
    additionalProperties: false,
  };
  const tool = { name: 'echo', description: 'Echoes.', inputSchema: schema as never, annotations: { readOnlyHint: true } };

  it('declares the server JSON Schema to the model as is (minus $schema)', () => {
    const def = mcpToolDefinition('mcp__s__echo', { name: 's', maxConcurrent: 4 }, tool, async () => ({ content: [] }));
    const { $schema: _d, ...rest } = schema;
    assert.deepEqual(toolSpec(def), { name: 'mcp__s__echo', description: 'Echoes.', parameters: rest });
  });

  it('validates required properties, types, enums and unknown properties, with paths', () => {
    const v = validatorForJsonSchema(schema);
    assert.equal(v.safeParse({ text: 'x', ms: 2, mode: 'a', tags: ['t'] }).success, true);
    const issues = (input: unknown) => v.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    assert.deepEqual(issues({ ms: 1.5, mode: 'c', tags: ['ok', 3], extra: 1 }), [
      'text: required property missing',
      'ms: expected integer, got number',
      'mode: expected one of "a", "b"',
      'tags.1: expected string, got integer',
      'extra: unknown property (expected: text, ms, mode, tags)',
    ]);
    assert.equal(v.safeParse([1]).success, false);
  });

  it('maps readOnlyHint to read and everything else to write', () => {
    assert.equal(mcpAccess({ annotations: { readOnlyHint: true } }), 'read');
    assert.equal(mcpAccess({ annotations: { readOnlyHint: false } }), 'write');
    assert.equal(mcpAccess({ annotations: { destructiveHint: false } }), 'write');
    assert.equal(mcpAccess({}), 'write');
  });

  it('turns result content into text and summarises binary parts', () => {
    const text = resultText({
      content: [
        { type: 'text', text: 'one' },
        { type: 'image', data: Buffer.from('0123456789').toString('base64'), mimeType: 'image/png' },
        { type: 'audio', data: Buffer.from('ab').toString('base64'), mimeType: 'audio/wav' },
        { type: 'resource_link', uri: 'file:///r.txt', name: 'r', mimeType: 'text/plain' },
        { type: 'resource', resource: { uri: 'mem://t', text: 'inline' } },
        { type: 'resource', resource: { uri: 'mem://b', mimeType: 'application/zip', blob: Buffer.from('abcd').toString('base64') } },
      ],
    });
    assert.equal(text, 'one\n[image: image/png, 10 bytes]\n[audio: audio/wav, 2 bytes]\n[resource: file:///r.txt, text/plain]\n[resource: mem://t]\ninline\n[resource: mem://b, application/zip, 4 bytes]');
    assert.equal(resultText({ content: [], structuredContent: { n: 1 } }), '{\n  "n": 1\n}');
  });

  it('throws the text of an isError result, so the scheduler reports it as a failed call', async () => {
    const def = mcpToolDefinition('mcp__s__echo', { name: 's', maxConcurrent: 4 }, tool, async () => ({ isError: true, content: [{ type: 'text', text: 'jammed' }] }));
    await assert.rejects(def.execute({ text: 'x' }, { signal: new AbortController().signal } as never), { name: 'ToolError', code: 'failed', message: 'jammed' });
  });
});
