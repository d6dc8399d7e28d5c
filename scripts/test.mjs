// `npm test`: every check the project has, in order, each stage's output shown as it runs.
// A failing stage does not stop the stages that do not need it; a stage whose prerequisite failed is reported as
// not run. The last line is exactly `N passed, N failed`: tests counted over unit, integration and e2e, plus one
// failure for each failed stage. The exit code is non-zero when anything failed.
//
//   node scripts/test.mjs                      everything
//   node scripts/test.mjs --only unit          static checks, package and unit tests (no VS Code, no browser)
//   node scripts/test.mjs --only integration   build and the suite inside code-server
//   node scripts/test.mjs --only e2e           package and the workbench e2e tests
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, stripVTControlCharacters } from 'node:util';
import { repoRoot } from './codeServerPaths.mjs';

const bin = (name) => path.join(repoRoot, 'node_modules', '.bin', name);
const node = process.execPath;
const outDir = path.join(repoRoot, 'out');

/** Files under `dir` (recursively) whose name ends with `suffix`, sorted; none when `dir` does not exist. */
function findFiles(dir, suffix) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith(suffix))
    .sort()
    .map((file) => path.join(dir, file));
}

/** Plain .mjs e2e tests run from the sources; TypeScript ones from their compiled output. */
function e2eFiles() {
  return [...findFiles(path.join(repoRoot, 'test/e2e'), '.e2e.mjs'), ...findFiles(path.join(outDir, 'test/e2e'), '.e2e.js')];
}

/** Node's spec reporter ends with `ℹ pass N` / `ℹ fail N` / `ℹ cancelled N`; a cancelled test did not pass. */
function nodeTestCounts(output) {
  const count = (label) => Number(new RegExp(`^ℹ ${label} (\\d+)$`, 'm').exec(output)?.[1] ?? NaN);
  const passed = count('pass');
  const failed = count('fail') + count('cancelled');
  return Number.isNaN(passed) || Number.isNaN(failed) ? undefined : { passed, failed };
}

/** The last `N passed, N failed` line, as the integration runner prints it. */
function summaryLineCounts(output) {
  const matches = [...output.matchAll(/(\d+) passed, (\d+) failed/g)];
  const last = matches.at(-1);
  return last ? { passed: Number(last[1]), failed: Number(last[2]) } : undefined;
}

const stages = [
  { name: 'lint', group: ['unit'], command: () => [bin('eslint'), ['.']] },
  { name: 'typecheck', group: ['unit'], command: () => ['npm', ['run', '--silent', 'typecheck']] },
  { name: 'build', group: ['unit', 'integration'], command: () => [node, ['scripts/build.mjs']] },
  {
    name: 'compile tests',
    group: ['unit', 'integration'],
    // Stale output of deleted tests must not run, so the default output folders start empty.
    before: () => ['src', 'test', 'bench'].forEach((d) => rmSync(path.join(outDir, d), { recursive: true, force: true })),
    command: () => [bin('tsc'), ['-p', 'tsconfig.test.json']],
  },
  // Packaged before the unit tests, which check the built .vsix (test/unit/manifest).
  { name: 'package', group: ['unit', 'e2e'], command: () => [node, ['scripts/package.mjs']] },
  {
    name: 'unit tests',
    group: ['unit'],
    // tsc emits even when it reports type errors, so the tests run whenever their output exists.
    ready: () => existsSync(path.join(outDir, 'test/unit')) || 'compile tests produced no out/test/unit',
    command: () => [node, ['--test', '--test-reporter=spec', path.join(outDir, 'test/unit')]],
    counts: nodeTestCounts,
  },
  {
    name: 'setup code-server',
    group: ['integration', 'e2e'],
    command: () => [node, ['scripts/codeServerSetup.mjs']],
  },
  {
    name: 'integration tests',
    group: ['integration'],
    needs: ['build', 'setup code-server'],
    ready: () => existsSync(path.join(outDir, 'test/integration/index.js')) || 'out/test/integration/index.js is missing',
    command: () => [node, ['scripts/codeServerIntegration.mjs']],
    counts: summaryLineCounts,
  },
  {
    name: 'e2e tests',
    group: ['e2e'],
    needs: ['package', 'setup code-server'],
    // Without file arguments `node --test` would search the whole repository, so no files is an error.
    ready: () => e2eFiles().length > 0 || 'no *.e2e.mjs in test/e2e nor *.e2e.js in out/test/e2e',
    // One at a time: each starts its own code-server or server and Chromium, too much for two CI cores at once.
    command: () => [node, ['--test', '--test-reporter=spec', '--test-concurrency=1', ...e2eFiles()]],
    counts: nodeTestCounts,
  },
];

function runStage(stage) {
  const [command, args] = stage.command();
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
      process.stderr.write(chunk);
    });
    child.on('error', (error) => {
      output += String(error);
      console.error(`${stage.name}: ${command} could not start: ${error.message}`);
    });
    child.on('close', (code) => resolve({ exitCode: code ?? 1, output }));
  });
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function main() {
  const { values } = parseArgs({ options: { only: { type: 'string' } } });
  if (values.only && !stages.some((s) => s.group.includes(values.only))) {
    console.error(`--only takes unit, integration or e2e, not "${values.only}"`);
    process.exit(2);
  }
  const selected = values.only ? stages.filter((s) => s.group.includes(values.only)) : stages;

  const results = new Map();
  let passed = 0;
  let failed = 0;
  const started = performance.now();
  for (const stage of selected) {
    // Its prerequisite's failure is already counted; the stage is shown as not run, never silently dropped.
    const failedNeed = (stage.needs ?? []).find((need) => results.has(need) && results.get(need).ok !== true);
    if (failedNeed) {
      results.set(stage.name, { ok: undefined, note: `not run: ${failedNeed} failed`, ms: 0 });
      console.log(`\n■ ${stage.name}: not run (${failedNeed} failed)`);
      continue;
    }
    const readiness = stage.ready?.() ?? true;
    if (readiness !== true) {
      failed += 1;
      results.set(stage.name, { ok: false, note: `not run: ${readiness}`, ms: 0 });
      console.log(`\n✖ ${stage.name}: not run (${readiness})`);
      continue;
    }
    console.log(`\n▶ ${stage.name}`);
    stage.before?.();
    const stageStarted = performance.now();
    const { exitCode, output } = await runStage(stage);
    const ms = performance.now() - stageStarted;
    const counts = stage.counts?.(stripVTControlCharacters(output));
    let note;
    if (stage.counts) {
      const stagePassed = counts?.passed ?? 0;
      // A runner that crashed or exited non-zero without counting a failure still failed once.
      const stageFailed = exitCode !== 0 ? Math.max(counts?.failed ?? 0, 1) : (counts?.failed ?? 0);
      passed += stagePassed;
      failed += stageFailed;
      note = counts ? `${stagePassed} passed, ${stageFailed} failed` : `no test counts found, exit code ${exitCode}`;
    } else {
      if (exitCode !== 0) failed += 1;
      note = exitCode === 0 ? 'ok' : `failed, exit code ${exitCode}`;
    }
    const ok = exitCode === 0 && (counts?.failed ?? 0) === 0;
    results.set(stage.name, { ok, note, ms });
    console.log(`${ok ? '✔' : '✖'} ${stage.name}: ${note} (${seconds(ms)})`);
  }

  console.log('\nstage                 result                              time');
  for (const [name, { ok, note, ms }] of results) {
    const mark = ok === undefined ? '■' : ok ? '✔' : '✖';
    console.log(`${mark} ${name.padEnd(20)}${note.padEnd(36)}${ms > 0 ? seconds(ms) : ''}`);
  }
  console.log(`total ${seconds(performance.now() - started)}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || [...results.values()].some((r) => r.ok !== true) ? 1 : 0;
}

await main();
