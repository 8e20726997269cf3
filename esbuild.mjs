// Bundles the extension and the headless runner (Node, CJS, `vscode` external) and the webview (browser, IIFE).
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
// `node esbuild.mjs webview` builds only the named outputs (the webview e2e test needs nothing else).
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
  // The SDKs are split into chunks loaded on first use; CJS has no splitting, so keep them in the main bundle but
  // reach them through dynamic import() so activation does not evaluate them.
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

const targets = [
  { ...node, entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js' },
  { ...node, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: ['scripts/demo.ts'], outfile: 'dist/demo.js' },
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: ['src/webview/main.ts'],
    outfile: 'dist/webview.js',
    plugins: [zodEnglishOnly],
  },
].filter((t) => t.entryPoints.every((e) => existsSync(e)) && (!only.length || only.some((n) => t.outfile === `dist/${n}.js`)));

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
