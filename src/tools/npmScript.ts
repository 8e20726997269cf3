// `npm test` without npm. Most of a short `npm test` is npm's own start-up (~0.3 s of CPU), and a review batch runs
// eight of them at once on two cores. Where it is safe, run_tests runs the package script itself with npm's semantics
// (https://docs.npmjs.com/cli/v11/using-npm/scripts): `sh -c` in the package folder, node_modules/.bin of it and of
// every parent folder first on PATH, the npm_package_* / npm_lifecycle_* environment, pre<name> before and
// post<name> after (each only if the one before succeeded), the filter appended to the main script only (as after
// `--`). Anything this does not reproduce falls back to running the command through npm itself.
import * as path from 'node:path';
import type { Workspace } from '../host/workspace';

export interface NpmScriptPlan {
  /** The script's name in package.json (`test`, `test:unit`...). */
  name: string;
  /** `npm test` sets npm_command=test; `npm run x` sets run-script. */
  command: 'test' | 'run-script';
  /** The stages to run in order: pre, main (which gets the filter), post, each with its own environment. */
  stages: { event: string; script: string; main: boolean }[];
  /** What every stage's environment gets on top of the inherited one (PATH included). */
  env: Record<string, string>;
}

/** `npm test`, `npm t`, `npm run <name>`, `npm run-script <name>`, optionally ending in `--` and/or `{filter}`: nothing else. */
const NPM_SCRIPT = /^npm\s+(?:(test|t|tst)|(?:run|run-script|rum|urn)\s+([\w:.@/-]+))(?:\s+--)?(?:\s+\{filter\})?$/;

/** npm settings a script can see or that change how it runs: when a script uses them, npm runs it. */
const NEEDS_NPM = /npm_config_|npm_execpath|npm_node_execpath|\$\{?NODE\b/;

const OTHER_MANAGERS = ['yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock', '.npmrc', '.yarnrc.yml', 'pnpm-workspace.yaml'];

/**
 * The plan for running `command` directly, or undefined when npm must run it (not an npm script command, Windows,
 * workspaces, another package manager or an .npmrc, a script that reads npm's own settings, unreadable package.json).
 */
export async function planNpmScript(command: string, workspace: Workspace, env: Readonly<Record<string, string | undefined>>, signal?: AbortSignal): Promise<NpmScriptPlan | undefined> {
  const match = NPM_SCRIPT.exec(command.trim());
  if (!match || process.platform === 'win32') return undefined;
  // Settings from the environment that change how npm runs scripts.
  if (Object.keys(env).some((k) => /^npm_config_(script_shell|ignore_scripts|node_options)$/i.test(k))) return undefined;
  const name = match[1] ? 'test' : match[2];
  // All at once: this is the test run's critical path, and in a busy batch each file-system call waits its turn.
  const [text, others] = await Promise.all([
    workspace.readFile('package.json', signal).then((f) => f.text, () => undefined),
    Promise.all(OTHER_MANAGERS.map((file) => workspace.stat(file, signal).then((st) => st !== undefined, () => true))),
  ]);
  if (text === undefined || others.includes(true)) return undefined;
  let pkg: PackageJson;
  try {
    pkg = JSON.parse(text) as PackageJson;
  } catch {
    return undefined;
  }
  const scripts = pkg.scripts ?? {};
  if (typeof scripts[name] !== 'string' || pkg.workspaces !== undefined) return undefined;
  if (pkg.packageManager !== undefined && !/^npm@/.test(String(pkg.packageManager))) return undefined;
  const stages = [
    { event: `pre${name}`, main: false },
    { event: name, main: true },
    { event: `post${name}`, main: false },
  ].flatMap((s) => (typeof scripts[s.event] === 'string' ? [{ ...s, script: scripts[s.event] as string }] : []));
  if (stages.some((s) => NEEDS_NPM.test(s.script))) return undefined;
  const root = workspace.root;
  return {
    name,
    command: match[1] ? 'test' : 'run-script',
    stages,
    env: {
      ...packageEnv(pkg),
      PATH: [...binDirs(root), ...(env.PATH ? [env.PATH] : [])].join(path.delimiter),
      npm_package_json: path.join(root, 'package.json'),
      npm_command: match[1] ? 'test' : 'run-script',
      INIT_CWD: root,
    },
  };
}

/** The environment of one stage: npm sets the event and the script text per stage. */
export function stageEnv(plan: NpmScriptPlan, stage: NpmScriptPlan['stages'][number]): Record<string, string> {
  return { ...plan.env, npm_lifecycle_event: stage.event, npm_lifecycle_script: stage.script };
}

/** npm's banner before a script's output, so the model reads what it would read after `npm test`. */
export function stageBanner(pkgId: string | undefined, stage: NpmScriptPlan['stages'][number], filterArg: string): string {
  return `\n> ${pkgId ? `${pkgId} ` : ''}${stage.event}\n> ${stage.script.trim().replace(/\n/g, '\n> ')}${stage.main && filterArg ? ` ${filterArg}` : ''}\n\n`;
}

/** `<folder>/node_modules/.bin` for the package folder and every folder above it, nearest first (as npm does). */
function binDirs(root: string): string[] {
  const out: string[] = [];
  let dir = path.resolve(root);
  for (;;) {
    out.push(path.join(dir, 'node_modules', '.bin'));
    const parent = path.dirname(dir);
    if (parent === dir) return out;
    dir = parent;
  }
}

interface PackageJson {
  name?: string;
  version?: string;
  scripts?: Record<string, unknown>;
  workspaces?: unknown;
  packageManager?: unknown;
  config?: unknown;
  engines?: unknown;
  bin?: unknown;
}

/** npm_package_name, _version, _config_*, _engines_*, _bin_* (npm RFC 183: only these fields). */
function packageEnv(pkg: PackageJson): Record<string, string> {
  const env: Record<string, string> = {};
  const put = (value: unknown, prefix: string) => {
    if (value === undefined) return;
    if (value === null || value === false) env[prefix] = '';
    else if (Array.isArray(value)) value.forEach((v, i) => put(v, `${prefix}_${i}`));
    else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) put(v, `${prefix}_${k}`);
    else env[prefix] = String(value);
  };
  put(pkg.name, 'npm_package_name');
  put(pkg.version, 'npm_package_version');
  put(pkg.config, 'npm_package_config');
  put(pkg.engines, 'npm_package_engines');
  put(typeof pkg.bin === 'string' ? { [String(pkg.name ?? '').replace(/^@[^/]+\//, '')]: pkg.bin } : pkg.bin, 'npm_package_bin');
  return env;
}

/** `name@version`, as npm prints it in the banner. */
export function packageId(pkgEnv: Record<string, string>): string | undefined {
  return pkgEnv.npm_package_name ? `${pkgEnv.npm_package_name}@${pkgEnv.npm_package_version ?? ''}` : undefined;
}
