// `npm run bench`: bundles each bench/*.bench.ts with esbuild, runs it in a fresh Node process
// (so one bench's memory and warm-up never colour another's), and prints every row as one table:
// what | figure | budget | ok?  Arguments filter the bench files by name: `npm run bench -- store`.
import * as esbuild from 'esbuild';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const resultMarker = '@@runlens-bench-result '; // as bench/benchKit.ts
const filters = process.argv.slice(2);

const benches = readdirSync(path.join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((filter) => f.includes(filter)))
  .sort();
if (benches.length === 0) {
  console.error(`bench: no bench/*.bench.ts matches ${filters.join(', ')}`);
  process.exit(2);
}

const outDir = mkdtempSync(path.join(os.tmpdir(), 'runlens-bench-build-'));
const rows = [];
let failed = false;
try {
  // sql.js looks for its WebAssembly beside the bundle (src/core/store/sqlJs.ts).
  copyFileSync(createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm'), path.join(outDir, 'sql-wasm.wasm'));
  // The store's background checkpoints start their worker from beside the bundle (src/core/store/databaseImage.ts).
  await esbuild.build({
    entryPoints: ['src/core/store/checkpointWorker.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: path.join(outDir, 'checkpointWorker.js'),
    logLevel: 'warning',
    logOverride: { 'require-resolve-not-external': 'silent' },
    absWorkingDir: root,
  });
  for (const file of benches) {
    const name = file.replace(/\.bench\.ts$/, '');
    const bundle = path.join(outDir, `${name}.cjs`);
    await esbuild.build({
      stdin: { contents: runner(`./bench/${file}`), resolveDir: root, sourcefile: `${name}-runner.ts`, loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: bundle,
      logLevel: 'warning',
      // sqlJs.ts falls back to require.resolve only outside a bundle; the wasm is copied beside this one.
      logOverride: { 'require-resolve-not-external': 'silent' },
      absWorkingDir: root,
    });
    console.error(`bench: ${file}`);
    try {
      rows.push(...(await runBundle(bundle)));
    } catch (error) {
      failed = true;
      rows.push({ what: file, figure: `failed: ${error.message}`, budget: '', ok: false });
    }
  }
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
console.log(table(rows));
if (failed || rows.some((row) => row.ok === false)) process.exitCode = 1;

/** The entry of a bench bundle: `measure` prints the module's rows; `task NAME ARGS` runs one of its tasks. */
function runner(modulePath) {
  return `
import * as bench from ${JSON.stringify(modulePath)};
const [command, name, ...args] = process.argv.slice(2);
(async () => {
  const result = command === 'task' ? await bench.tasks[name](...args) : await bench.measure();
  process.stdout.write('\\n' + ${JSON.stringify(resultMarker)} + JSON.stringify(result) + '\\n');
  process.exit(0);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;
}

function runBundle(bundle) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, 'measure'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(resultMarker));
      if (code !== 0 || !line) reject(new Error(`exit code ${code}`));
      else resolve(JSON.parse(line.slice(resultMarker.length)));
    });
  });
}

function table(tableRows) {
  const header = ['what', 'figure', 'budget', 'ok?'];
  const cells = tableRows.map((row) => [row.what, row.figure, row.budget || '-', row.ok === undefined ? '-' : row.ok ? 'ok' : 'OVER']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (values) => `| ${values.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
