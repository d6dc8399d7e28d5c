// Builds the bundles: the extension host, the `runlens` CLI, the store's checkpoint worker, a launched
// script's supervisor and the webview dashboards.
// Type checking is separate (`npm run typecheck`): esbuild only strips types.
import * as esbuild from 'esbuild';
import { copyFileSync, cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const dist = path.join(root, 'dist');

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  logLevel: 'warning',
  absWorkingDir: root,
};

// Each top-level camelCase file in webview/src is one dashboard entry point.
const webviewEntries = readdirSync(path.join(root, 'webview/src'))
  .filter((f) => /^[a-z][A-Za-z]*\.ts$/.test(f))
  .map((f) => path.join('webview/src', f));

const builds = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Resolved at run time only outside the bundle (compiled tests); the bundles load the copy in dist/.
    external: ['vscode', 'sql.js/dist/sql-wasm.wasm'],
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['sql.js/dist/sql-wasm.wasm'],
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    // The store's background checkpoints build their image in this worker thread, started from beside
    // the extension's and the CLI's bundles (src/core/store/databaseImage.ts).
    ...common,
    entryPoints: ['src/core/store/checkpointWorker.ts'],
    outfile: 'dist/checkpointWorker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['sql.js/dist/sql-wasm.wasm'],
  },
  {
    // A launched script's supervisor, started detached by the extension: small, so that it starts fast.
    ...common,
    entryPoints: ['src/supervisor/main.ts'],
    outfile: 'dist/supervisor.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: webviewEntries,
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
// sql.js loads its WebAssembly from beside the bundle at run time (see src/core/store/sqlJs.ts).
const require = createRequire(import.meta.url);
copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(dist, 'sql-wasm.wasm'));
// The dependency-free Python helper that launched scripts find on their PYTHONPATH.
cpSync(path.join(root, 'python'), path.join(dist, 'python'), { recursive: true, filter: (src) => !src.includes('__pycache__') });

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
