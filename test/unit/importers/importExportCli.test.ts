// `runlens import` and `runlens export` as real child processes on a real workspace folder.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildFixture, fixtureRuns } from '../../fixtures/mlflow-data/fixtureSpec';
import { writeMlruns } from '../../fixtures/mlflow-data/writeMlruns';
import { runlens, serveInChild } from '../sync/support/runlensProcess';
import { tempFolder } from './support/importKit';

describe('runlens import and export', () => {
  let work: string;
  let workspace: string;
  let source: string;
  const fixture = buildFixture({ seed: 3 });

  before(() => {
    work = tempFolder('runlens-import-cli-');
    workspace = path.join(work, 'workspace');
    source = path.join(work, 'project');
    mkdirSync(workspace);
    writeMlruns(fixture, path.join(source, 'mlruns'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('imports a project folder, then again adds nothing; prints the summary', async () => {
    const first = await runlens(['import', source, '--dir', workspace, '--json']);
    assert.equal(first.code, 0, first.stderr);
    const summary = JSON.parse(first.stdout) as { runs: { imported: number }; skipped: { path: string }[]; format: string };
    assert.equal(summary.format, 'mlruns');
    assert.equal(summary.runs.imported, fixtureRuns(fixture).length);
    assert.ok(summary.skipped.length >= 3);
    assert.ok(existsSync(path.join(workspace, '.runlens', 'runlens.db')));

    const second = await runlens(['import', path.join(source, 'mlruns'), '--dir', workspace]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /runs: +0 imported, \d+ already present/);
    assert.match(second.stdout, /Skipped \(\d+\):/);
  });

  test('explains bad arguments and paths; a store another process owns is imported into by that process', async () => {
    const usage = await runlens(['import', '--dir', workspace]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /Usage: runlens import PATH/);
    const missing = await runlens(['import', path.join(work, 'nowhere'), '--dir', workspace]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nowhere does not exist/);
    const empty = path.join(work, 'empty');
    mkdirSync(empty);
    const nothing = await runlens(['import', empty, '--dir', workspace]);
    assert.match(nothing.stderr, /holds no MLflow data/);

    // A workspace of its own, so that the export below sees only the first test's runs.
    const servedWorkspace = path.join(work, 'served-workspace');
    mkdirSync(servedWorkspace);
    const served = await serveInChild(servedWorkspace);
    try {
      // Relative to this command's folder: the owner gets the absolute path.
      const other = buildFixture({ seed: 31 });
      const otherRuns = fixtureRuns(other).map(({ run }) => run);
      writeMlruns({ ...other, experiments: other.experiments.map((e) => ({ ...e, name: `${e.name} (owned)` })) }, path.join(work, 'owned', 'mlruns'));
      const owned = await runlens(['import', path.relative(process.cwd(), path.join(work, 'owned')), '--dir', servedWorkspace, '--json']);
      assert.equal(owned.code, 0, owned.stderr);
      assert.match(owned.stderr, /in use by process \d+.* Importing through it/);
      assert.equal((JSON.parse(owned.stdout) as { runs: { imported: number } }).runs.imported, otherRuns.length);
      const reply = await fetch(`${served.url}/api/2.0/mlflow/runs/get?run_id=${otherRuns[0].runId}`, { headers: { authorization: `Bearer ${served.token}` } });
      assert.equal(reply.status, 200, 'the run is in the owner’s store');
      assert.equal(((await reply.json()) as { run: { info: { run_name: string } } }).run.info.run_name, otherRuns[0].name);
      const missingThere = await runlens(['import', path.join(work, 'nowhere'), '--dir', servedWorkspace]);
      assert.equal(missingThere.code, 1);
      assert.match(missingThere.stderr, /process \d+: Cannot import .*nowhere does not exist/);
    } finally {
      await served.stop();
    }
  });

  test('exports an mlruns/ folder, refuses a non-empty one and a workspace without a store', async () => {
    const out = path.join(work, 'exported');
    const exported = await runlens(['export', '--dir', workspace, '--out', out, '--json']);
    assert.equal(exported.code, 0, exported.stderr);
    const summary = JSON.parse(exported.stdout) as { runs: number; experiments: number };
    assert.equal(summary.runs, fixtureRuns(fixture).length);
    assert.ok(readdirSync(out).includes('.trash'));

    const again = await runlens(['export', '--dir', workspace, '--out', out]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /is not empty/);
    const chosen = await runlens(['export', '--dir', workspace, '--out', path.join(work, 'one'), '--experiment', 'Default']);
    assert.equal(chosen.code, 0, chosen.stderr);
    assert.match(chosen.stdout, /Exported 1 experiments, 3 runs/);
    const noStore = await runlens(['export', '--dir', path.join(work, 'empty'), '--out', path.join(work, 'x')]);
    assert.equal(noStore.code, 1);
    assert.match(noStore.stderr, /no RunLens store/);

    const help = await runlens(['help']);
    for (const name of ['import', 'export', 'push']) assert.match(help.stdout, new RegExp(`^  ${name} `, 'm'));
  });
});
