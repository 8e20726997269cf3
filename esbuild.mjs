// Bundles the extension and the headless runner (Node, CJS, `vscode` external) and the webview (browser, IIFE).
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
// `node esbuild.mjs webview` builds only the named outputs (the webview e2e test needs nothing else); naming a Node
// output builds the lazy bundles with it.
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
};

const node = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
};

// The heavy parts (provider SDKs, the MCP SDK) are bundles of their own in dist/lazy/, loaded on first use: activation
// then parses only what it runs. CJS output has no code splitting, so the source reaches each one with a dynamic
// import() of the module named here, and the main bundles turn that import() into require('./lazy/<name>.js').
// A lazy bundle carries its own copy of the small modules it shares with the main bundle: errors that cross are
// recognised by brand (ProviderError.is, ToolError.is), never with instanceof (lint forbids it).
const lazyBundles = {
  // The chat's machinery behind the shell that activate() runs (src/vscode/extension.ts).
  core: ['src/vscode/core.ts'],
  openai: ['src/providers/openai/openaiProvider.ts', 'src/providers/openaiCompatible/compatibleProvider.ts'],
  anthropic: ['src/providers/anthropic/anthropicProvider.ts'],
  gemini: ['src/providers/gemini/geminiProvider.ts'],
  mcp: ['src/mcp/sdkClient.ts'],
};
const entryNames = new Set(Object.keys(lazyBundles).map((name) => path.resolve(`lazy-${name}.ts`)));
const lazyOf = new Map(Object.entries(lazyBundles).flatMap(([name, files]) => files.map((f) => [path.resolve(f), name])));

const lazyLoader = {
  name: 'lazy-bundles',
  setup(build) {
    build.onResolve({ filter: /^\.{1,2}\// }, (args) => {
      if (args.namespace === 'lazy-bundles') return { path: args.path, external: true };
      if (entryNames.has(args.importer)) return undefined; // a lazy bundle's own entry (see lazyTargets)
      const name = lazyOf.get(path.resolve(args.resolveDir, args.path).replace(/(\.ts)?$/, '.ts'));
      if (!name) return undefined;
      // A static import would put the SDK back into the main bundle without anyone noticing.
      if (args.kind !== 'dynamic-import') return { errors: [{ text: `${args.path} is a lazy bundle (dist/lazy/${name}.js): reach it with await import(), not a static import` }] };
      return { path: name, namespace: 'lazy-bundles' };
    });
    // The require() path is relative to the bundle that makes it (dist/ or dist/lazy/).
    const from = path.dirname(path.resolve(build.initialOptions.outfile));
    build.onLoad({ filter: /.*/, namespace: 'lazy-bundles' }, (args) => {
      const file = `./${path.relative(from, path.resolve(`dist/lazy/${args.path}.js`)).split(path.sep).join('/')}`;
      return { contents: `module.exports = require(${JSON.stringify(file)});`, loader: 'js' };
    });
  },
};

// The webview only logs zod's messages (in English); zod's other 40 locales would be 40% of the webview bundle.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /[\\/]locales[\\/]index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'zod-english-only' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: process.cwd(),
    }));
  },
};

const lazyTargets = Object.entries(lazyBundles).map(([name, files]) => ({
  ...node,
  stdin: { contents: files.map((f) => `export * from './${f}';`).join('\n'), resolveDir: process.cwd(), sourcefile: `lazy-${name}.ts`, loader: 'ts' },
  entryPoints: files,
  outfile: `dist/lazy/${name}.js`,
  plugins: [lazyLoader],
}));

const targets = [
  { ...node, entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js', plugins: [lazyLoader] },
  { ...node, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, plugins: [lazyLoader] },
  { ...node, entryPoints: ['scripts/demo.ts'], outfile: 'dist/demo.js', plugins: [lazyLoader] },
  ...lazyTargets,
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: ['src/webview/main.ts'],
    outfile: 'dist/webview.js',
    plugins: [zodEnglishOnly],
  },
]
  .filter((t) => t.entryPoints.every((e) => existsSync(e)) && (!only.length || only.some((n) => t.outfile === `dist/${n}.js` || (t.stdin && n !== 'webview'))))
  // entryPoints of a lazy bundle only name its files (for the filter above): esbuild builds it from stdin.
  .map((t) => (t.stdin ? { ...t, entryPoints: undefined } : t));

// The webview loads the codicon font from dist/ because the VSIX ships dist/ and media/, never node_modules/.
// (Its stylesheet is emitted by esbuild as dist/webview.css, from the css that src/webview/main.ts imports.)
if (targets.some((t) => t.outfile === 'dist/webview.js')) {
  mkdirSync('dist/codicons', { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${f}`, `dist/codicons/${f}`);
}

if (watch) {
  for (const t of targets) await (await esbuild.context(t)).watch();
} else {
  await Promise.all(targets.map((t) => esbuild.build(t)));
}
