import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ImportSummary } from '../../src/importers/importMlflowData';
import type { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { CommandId } from '../../src/vscode/contributions';
import type { RunLensApi } from '../../src/vscode/runLensExtension';
import { fixtureRuns, type MlflowFixture } from '../fixtures/mlflow-data/fixtureSpec';
import { writeMlflowDb } from '../fixtures/mlflow-data/writeMlflowDb';
import { writeMlruns } from '../fixtures/mlflow-data/writeMlruns';
import { tableSnapshot } from '../fixtures/store/tableSnapshot';
import { acceptNotification, fixtureNamed, importCancelledWhileWriting, nextNotice } from './importSupport';
import { experimentNode, labelOf, resetRunsView, runNodes } from './runsTreeSupport';
import { children, runLensApi, waitFor, workspaceDir } from './support';

// Import MLflow Data in the real VS Code: the offer when the workspace holds an mlruns/ folder,
// accepted through the notification's own button; an mlflow.db through the command; importing
// again; and the progress notification's Cancel, pressed while the import writes. The fixtures
// come from the project's generator, the same as the importer's unit tests.

const clearNotifications = 'notifications.clearAll';

suite('Import MLflow data', () => {
  let api: RunLensApi;
  let store: WorkspaceStore;
  let work: string;
  const workspaceMlruns = (): string => path.join(workspaceDir(), 'mlruns');

  /** Every fixture run is in the store and, unless deleted, under its experiment in the Runs view. */
  async function assertImported(fixture: MlflowFixture): Promise<void> {
    for (const experiment of fixture.experiments.filter((e) => !e.deleted)) {
      const stored = store.tracking.getExperimentByName(experiment.name);
      assert.ok(stored, `experiment '${experiment.name}' is in the store`);
      for (const run of experiment.runs) {
        const info = store.tracking.getRun(run.runId).info;
        assert.equal(info.experiment_id, stored.experiment_id);
        assert.equal(info.run_name, run.name);
        assert.equal(info.status, run.status);
      }
      const shown = await waitFor(`the runs of '${experiment.name}' in the Runs view`, async () => {
        const labels = runNodes(await children(api, await experimentNode(api, stored.experiment_id))).map((n) => labelOf(api.runsTree.getTreeItem(n)));
        const expected = experiment.runs.filter((r) => !r.deleted).map((r) => r.name);
        return expected.every((name) => labels.includes(name)) ? labels : undefined;
      });
      assert.ok(shown.length >= experiment.runs.filter((r) => !r.deleted).length);
    }
  }

  suiteSetup(async () => {
    api = await runLensApi();
    const opened = await api.workspaceStore();
    assert.ok(opened, 'this window owns the workspace store');
    store = opened;
    work = mkdtempSync(path.join(os.tmpdir(), 'runlens-import-it-'));
    await resetRunsView();
    await vscode.commands.executeCommand(clearNotifications);
  });

  suiteTeardown(async () => {
    rmSync(work, { recursive: true, force: true });
    rmSync(workspaceMlruns(), { recursive: true, force: true });
    // The suites after this one find the workspace's experiments as they left them.
    for (const experiment of store.tracking.listExperiments()) {
      if (/ \[(offered|database|again|cancelled)\]$/.test(experiment.name)) store.tracking.deleteExperiment(experiment.experiment_id);
    }
    await vscode.commands.executeCommand(clearNotifications);
  });

  test('an mlruns/ folder appearing in the workspace is offered for import; Import brings its runs into the store and the Runs view, with a summary', async () => {
    const fixture = fixtureNamed('offered', { seed: 21 });
    // The offer follows the file watcher's event for the new folder, which a busy server may deliver late.
    const offered = nextNotice(api, 'offer', 45_000);
    writeMlruns(fixture, workspaceMlruns());
    const offer = await offered;
    assert.match(offer.message, /^This workspace holds MLflow data \(mlruns\)\. Import it into RunLens/);

    const summaryShown = nextNotice(api, 'summary', 60_000);
    await vscode.commands.executeCommand(acceptNotification);
    const summary = await summaryShown;
    const runs = fixtureRuns(fixture);
    const points = runs.reduce((n, r) => n + r.run.metrics.length, 0);
    assert.match(summary.message, new RegExp(`^RunLens: Imported ${runs.length} runs, ${points.toLocaleString('en-US')} metric points, 3 new experiments, `));
    assert.match(summary.message, new RegExp(`from ${workspaceMlruns().replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}; \\d+ items skipped\\.$`));
    await assertImported(fixture);
  });

  test('an mlflow.db comes in through the command; importing it again adds nothing', async () => {
    const fixture = fixtureNamed('database', { seed: 22 });
    const { file } = await writeMlflowDb(fixture, path.join(work, 'database'));
    const first = await vscode.commands.executeCommand<ImportSummary>(CommandId.ImportMlflowData, { path: file, artifacts: 'copy' });
    assert.ok(first, 'the import finished');
    assert.equal(first.format, 'mlflow.db');
    assert.equal(first.runs.imported, fixtureRuns(fixture).length);
    await assertImported(fixture);

    const rows = tableSnapshot(store.db);
    const summaryShown = nextNotice(api, 'summary');
    const again = await vscode.commands.executeCommand<ImportSummary>(CommandId.ImportMlflowData, { path: file, artifacts: 'copy' });
    assert.ok(again);
    assert.equal(again.runs.imported, 0);
    assert.equal(again.runs.alreadyPresent, fixtureRuns(fixture).length);
    assert.equal(again.metricPoints, 0);
    assert.deepEqual(tableSnapshot(store.db), rows, 'not a row was added');
    assert.match((await summaryShown).message, new RegExp(`^RunLens: Imported 0 runs, 0 metric points, 0 new experiments, 0 artifact files from .*; ${fixtureRuns(fixture).length} runs already in RunLens`));
  });

  test('Cancel on the progress notification while the import writes leaves the store and its artifacts as they were', async () => {
    // Enough points (~360k) that the write takes many slices of the event loop and outlasts the Cancel's round trip
    // through the workbench on a busy machine: with 4,000 per metric the write sometimes ended before it landed.
    const fixture = fixtureNamed('cancelled', { seed: 23, runsPerExperiment: 4, pointsPerMetric: 12_000 });
    const source = path.join(work, 'cancelled', 'mlruns');
    writeMlruns(fixture, source);
    await vscode.commands.executeCommand(clearNotifications);
    const rows = tableSnapshot(store.db);
    const artifactsBefore = readdirSync(path.dirname(store.artifacts.root)).sort();

    await importCancelledWhileWriting(api, source, 60_000);
    assert.deepEqual(tableSnapshot(store.db), rows, 'not a row was written');
    assert.equal(store.tracking.getExperimentByName(fixture.experiments[0].name), undefined);
    assert.deepEqual(readdirSync(path.dirname(store.artifacts.root)).sort(), artifactsBefore, 'no staged artifacts left behind');
  });
});
