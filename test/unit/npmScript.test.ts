// run_tests runs `npm test` without npm where that is safe: the same scripts, PATH, environment, pre/post and filter
// placement as npm, checked against npm itself on the same package; and npm itself wherever it is not safe.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Scheduler } from '../../src/agent/scheduler';
import { NodeWorkspace } from '../../src/node/nodeWorkspace';
import { builtinTools } from '../../src/tools';
import { planNpmScript } from '../../src/tools/npmScript';
import { toolRegistry } from '../../src/tools/tool';
import { call, runBatch, testContext } from '../fakes/fakeTools';
import { tempWorkspace } from '../fakes/tempWorkspace';

const exec = promisify(execFile);
// What each stage prints: which stage, the package env, the first `probe` on PATH, its arguments, and whether npm ran it.
const show = (stage: string) => `echo "${stage}: event=$npm_lifecycle_event name=$npm_package_name version=$npm_package_version cfg=$npm_package_config_port json=$npm_package_json" && probe`;
const PKG = {
  name: 'demo-pkg',
  version: '1.2.3',
  config: { port: '8080' },
  scripts: { pretest: show('pre'), test: show('main'), posttest: show('post'), 'test:unit': show('unit') },
};

function project(extra: Record<string, string> = {}, pkg: object = PKG) {
  const ws = tempWorkspace({
    'package.json': JSON.stringify(pkg, null, 2),
    // The nearest node_modules/.bin wins over a parent's, as under npm.
    'node_modules/.bin/probe': '#!/bin/sh\necho "probe(local) args=[$*] npm=${npm_execpath:+yes}"\n',
    ...extra,
  });
  chmodSync(path.join(ws.dir, 'node_modules/.bin/probe'), 0o755);
  return ws;
}

/** The lines the stages print, without npm's banners and the header: what both ways must agree on. */
const stageLines = (text: string) => text.split('\n').filter((l) => /^(pre|main|post|unit): |^probe/.test(l)).map((l) => l.replace(/ npm=(yes)?$/, ''));

describe('run_tests without npm (package scripts run directly)', function () {
  this.timeout(30_000);
  if (process.platform === 'win32') return;
  let ws: ReturnType<typeof tempWorkspace> | undefined;
  // When the tests themselves run under npm, its npm_execpath is inherited: the probe could not tell who ran it.
  const inherited = process.env.npm_execpath;
  before(() => delete process.env.npm_execpath);
  after(() => {
    if (inherited !== undefined) process.env.npm_execpath = inherited;
  });
  afterEach(() => ws?.cleanup());

  const runTests = async (args: object, testCommand?: string) => {
    const s = new Scheduler({ tools: toolRegistry(builtinTools), context: testContext(await NodeWorkspace.open(ws!.dir), { testCommand }) });
    return (await runBatch(s, [call('t', 'run_tests', args)])).results[0];
  };

  it('does what `npm test -- <filter>` does: pre/post, node_modules/.bin first, npm_* env, filter on the main script only', async () => {
    ws = project();
    const direct = await runTests({ filter: "it's one" });
    assert.match(direct.content, /^\$ FANOUT_TEST_FILTER="it's one" npm test -- "\$\{FANOUT_TEST_FILTER\}" \(run without npm: the "test" script of package.json, as npm runs it\)\nexit code 0/);
    assert.match(direct.content, /probe\(local\) args=\[it's one\] npm=\n/, 'npm itself did not run');
    const viaNpm = await exec('npm', ['test', '--', "it's one"], { cwd: ws.dir });
    assert.deepEqual(stageLines(direct.content), stageLines(viaNpm.stdout));
    assert.deepEqual(stageLines(direct.content).map((l) => l.split(':')[0]), ['pre', 'probe(local) args=[]', 'main', "probe(local) args=[it's one]", 'post', 'probe(local) args=[]']);
    assert.match(direct.content, /\n> demo-pkg@1.2.3 test\n> echo "main/, 'npm\'s banner, so the output reads the same');
  });

  it('runs `npm run <name>` the same way, and stops at a failing pre script with its exit code', async () => {
    ws = project();
    const unit = await runTests({}, 'npm run test:unit');
    assert.deepEqual(stageLines(unit.content), stageLines((await exec('npm', ['run', 'test:unit'], { cwd: ws.dir })).stdout));
    ws.cleanup();
    ws = project({}, { ...PKG, scripts: { ...PKG.scripts, pretest: 'echo broken && exit 3' } });
    const failed = await runTests({});
    assert.match(failed.content, /\nexit code 3 after/);
    assert.doesNotMatch(failed.content, /main: /, 'the test script did not run after its pre script failed');
  });

  it('leaves it to npm when it cannot be sure to do the same', async () => {
    const cases: [string, Record<string, string>, object, string][] = [
      ['yarn project', { 'yarn.lock': '' }, PKG, 'npm test'],
      ['pnpm project', { 'pnpm-lock.yaml': '' }, PKG, 'npm test'],
      ['an .npmrc', { '.npmrc': 'script-shell=/bin/bash\n' }, PKG, 'npm test'],
      ['workspaces', {}, { ...PKG, workspaces: ['packages/*'] }, 'npm test'],
      ['another packageManager', {}, { ...PKG, packageManager: 'yarn@4.1.0' }, 'npm test'],
      ['a script reading npm config', {}, { ...PKG, scripts: { test: 'echo $npm_config_registry' } }, 'npm test'],
      ['extra npm arguments', {}, PKG, 'npm test --silent'],
      ['not an npm script command', {}, PKG, 'node test.js'],
      ['no such script', {}, { name: 'x', scripts: {} }, 'npm test'],
    ];
    for (const [label, files, pkg, command] of cases) {
      ws = project(files, pkg);
      try {
        assert.equal(await planNpmScript(command, await NodeWorkspace.open(ws.dir), {}), undefined, label);
      } finally {
        ws.cleanup();
        ws = undefined;
      }
    }
    ws = project();
    assert.equal(await planNpmScript('npm test', await NodeWorkspace.open(ws.dir), { npm_config_script_shell: '/bin/zsh' }), undefined, 'script-shell from the environment');
    assert.ok(await planNpmScript('npm test -- {filter}', await NodeWorkspace.open(ws.dir), {}), 'a {filter} placeholder at the end is the same as appending');
    const viaNpm = await runTests({}, 'npm test --silent');
    assert.match(viaNpm.content, /^\$ npm test --silent\nexit code 0/);
    assert.match(viaNpm.content, /probe\(local\) args=\[\] npm=yes/, 'npm ran it');
  });
});
