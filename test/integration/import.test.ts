import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { Run } from '../../src/core/entities';
import type { ImportSummary } from '../../src/importers/importMlflowData';
import { CommandId } from '../../src/vscode/contributions';
import type { RunLensApi } from '../../src/vscode/runLensExtension';
import { fixtureRuns, type MlflowFixture } from '../fixtures/mlflow-data/fixtureSpec';
import { writeMlflowDb } from '../fixtures/mlflow-data/writeMlflowDb';
import { writeMlruns } from '../fixtures/mlflow-data/writeMlruns';
import { acceptNotification, fixtureNamed, importCancelledWhileWriting, nextNotice } from './importSupport';
import { experimentNode, labelOf, resetRunsView, runNodes, tracking, type Tracking } from './runsTreeSupport';
import { children, runLensApi, waitFor, workspaceDir } from './support';

// Import MLflow Data in the real VS Code: the offer when the workspace holds an mlruns/ folder,
// accepted through the notification's own button; an mlflow.db through the command; importing
// again; and the progress notification's Cancel, pressed while the import writes. The fixtures
// come from the project's generator, the same as the importer's unit tests. What was imported is read
// from the folder's tracking server (MLflow's REST API), whichever process serves the store.

const clearNotifications = 'notifications.clearAll';

suite('Import MLflow data', () => {
  let api: RunLensApi;
  let server: Tracking;
  let work: string;
  const workspaceMlruns = (): string => path.join(workspaceDir(), 'mlruns');

  /** The experiment of that name at the tracking server, or undefined when it has none. */
  async function experimentNamed(name: string): Promise<{ experiment_id: string } | undefined> {
    const endpoint = await api.trackingEndpoint();
    assert.ok(endpoint);
    const response = await fetch(`${endpoint.url}/api/2.0/mlflow/experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`, {
      headers: { authorization: `Bearer ${endpoint.token}` },
    });
    if (response.status === 404) return undefined;
    assert.equal(response.status, 200, await response.clone().text());
    return ((await response.json()) as { experiment: { experiment_id: string } }).experiment;
  }

  /** Every run of the fixture's experiments as the server answers it, deleted ones too: equal before and after, not a row was added. */
  async function storedRuns(fixture: MlflowFixture): Promise<Run[][]> {
    const runs: Run[][] = [];
    for (const experiment of fixture.experiments) {
      const stored = await experimentNamed(experiment.name);
      if (!stored) continue;
      const found = await server.post<{ runs?: Run[] }>('runs/search', { experiment_ids: [stored.experiment_id], run_view_type: 'ALL', max_results: 1000 });
      runs.push(found.runs ?? []);
    }
    return runs;
  }

  /** Every fixture run is in the store and, unless deleted, under its experiment in the Runs view. */
  async function assertImported(fixture: MlflowFixture): Promise<void> {
    for (const experiment of fixture.experiments.filter((e) => !e.deleted)) {
      const stored = await experimentNamed(experiment.name);
      assert.ok(stored, `experiment '${experiment.name}' is in the store`);
      for (const run of experiment.runs) {
        const { info } = (await server.get<{ run: Run }>('runs/get', { run_id: run.runId })).run;
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
    server = await tracking(api);
    work = mkdtempSync(path.join(os.tmpdir(), 'runlens-import-it-'));
    await resetRunsView();
    await vscode.commands.executeCommand(clearNotifications);
  });

  suiteTeardown(async () => {
    if (work) rmSync(work, { recursive: true, force: true });
    rmSync(workspaceMlruns(), { recursive: true, force: true });
    // The suites after this one find the workspace's experiments as they left them.
    const { experiments = [] } = await server.post<{ experiments?: { experiment_id: string; name: string }[] }>('experiments/search', { max_results: 1000 });
    for (const experiment of experiments) {
      if (/ \[(offered|database|again|cancelled)\]$/.test(experiment.name)) await server.post('experiments/delete', { experiment_id: experiment.experiment_id });
    }
    await vscode.commands.executeCommand(clearNotifications);
  });

  test('an mlruns/ folder appearing in the workspace is offered for import; Import brings its runs into the store and the Runs view, with a summary', async function () {
    // Its own waits (45 s for the offer, 60 s for the summary) are past the suite's 30 s: the test must outlast them.
    this.timeout(150_000);
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

    const runs = await storedRuns(fixture);
    const summaryShown = nextNotice(api, 'summary');
    const again = await vscode.commands.executeCommand<ImportSummary>(CommandId.ImportMlflowData, { path: file, artifacts: 'copy' });
    assert.ok(again);
    assert.equal(again.runs.imported, 0);
    assert.equal(again.runs.alreadyPresent, fixtureRuns(fixture).length);
    assert.equal(again.metricPoints, 0);
    assert.deepEqual(await storedRuns(fixture), runs, 'not a run was added or changed');
    assert.match((await summaryShown).message, new RegExp(`^RunLens: Imported 0 runs, 0 metric points, 0 new experiments, 0 artifact files from .*; ${fixtureRuns(fixture).length} runs already in RunLens`));
  });

  test('Cancel on the progress notification while the import writes leaves the store and its artifacts as they were', async () => {
    // Enough points (~1.2M) that the write takes many slices and outlasts the Cancel's round trip through the
    // workbench: with 4,000 per metric the write sometimes ended before it landed on a busy machine, and with 12,000
    // it always did on a quiet one once the server process (not the window) wrote the import.
    const fixture = fixtureNamed('cancelled', { seed: 23, runsPerExperiment: 4, pointsPerMetric: 40_000 });
    const source = path.join(work, 'cancelled', 'mlruns');
    writeMlruns(fixture, source);
    await vscode.commands.executeCommand(clearNotifications);
    // Where an import stages the artifacts it copies, beside the store's artifacts.
    const storeDir = path.join(workspaceDir(), '.runlens');
    const artifactsBefore = readdirSync(storeDir).sort();
    const historyFolders = () => (existsSync(path.join(storeDir, 'metrics')) ? readdirSync(path.join(storeDir, 'metrics')).sort() : []);
    const historiesBefore = historyFolders();

    await importCancelledWhileWriting(api, source, 60_000);
    for (const experiment of fixture.experiments) {
      assert.equal(await experimentNamed(experiment.name), undefined, `no experiment '${experiment.name}'`);
    }
    const { status } = await fetch(`${(await api.trackingEndpoint())!.url}/api/2.0/mlflow/runs/get?run_id=${fixture.experiments[0].runs[0].runId}`, {
      headers: { authorization: `Bearer ${(await api.trackingEndpoint())!.token}` },
    });
    assert.equal(status, 404, 'no run of the cancelled import was written');
    // Nothing left behind: no staged artifacts, and of the history files the write made, at most their folder, empty
    // (when this store had no history yet), since the rolled-back runs' files are removed with them.
    const added = readdirSync(storeDir).filter((entry) => !artifactsBefore.includes(entry));
    assert.deepEqual(added.filter((entry) => entry !== 'metrics'), [], 'no staged artifacts left behind');
    assert.deepEqual(historyFolders(), historiesBefore, 'no history files of the cancelled runs');
  });
});
