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

  test('explains bad arguments and paths, and a store another process owns', async () => {
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

    const served = await serveInChild(workspace);
    try {
      const owned = await runlens(['import', source, '--dir', workspace]);
      assert.equal(owned.code, 1);
      assert.match(owned.stderr, /in use by process \d+/);
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
