import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { Run } from '../../../src/core/entities';
import type { ImportSummary, ImportUpdate } from '../../../src/importers/importMlflowData';
import { CommandId } from '../../../src/vscode/contributions';
import type { RunLensApi } from '../../../src/vscode/runLensExtension';
import type { RunsTreeNode } from '../../../src/vscode/runs/runsTreeNodes';
import type { TrackingEndpoint } from '../../../src/vscode/trackingSession';
import { writeMlruns } from '../../fixtures/mlflow-data/writeMlruns';
import { fixtureNamed, importCancelledWhileWriting } from '../importSupport';
import { untilShown, ViewMirror } from '../viewMirror';
import { guestWindow } from './guestSupport';

// Issue 14: "Import MLflow Data…" in a window whose store another process owns (here `runlens serve`): the owner
// imports, the window's progress notification follows it, the runs are at the owner (its REST API) and in the
// window's Runs view; Cancel on the notification cancels at the owner, which keeps nothing of the import.


suite('Import MLflow data in a guest window', () => {
  let api: RunLensApi;
  let endpoint: TrackingEndpoint;
  let get: (route: string) => Promise<unknown>;
  let runs: ViewMirror<RunsTreeNode>;
  let work: string;

  /** The experiment as the owner's REST API answers it, or undefined when it has none of that name. */
  async function ownerExperiment(name: string): Promise<{ experiment_id: string } | undefined> {
    const response = await fetch(`${endpoint.url}/api/2.0/mlflow/experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`, {
      headers: { authorization: `Bearer ${endpoint.token}` },
    });
    if (response.status === 404) return undefined;
    assert.equal(response.status, 200, await response.clone().text());
    return ((await response.json()) as { experiment: { experiment_id: string } }).experiment;
  }

  suiteSetup(async () => {
    ({ api, endpoint, get } = await guestWindow());
    runs = new ViewMirror(api.runsTree, (node) => node.kind === 'experiment');
    await runs.start();
    work = mkdtempSync(path.join(os.tmpdir(), 'runlens-guest-import-it-'));
  });

  suiteTeardown(() => {
    runs?.dispose();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test("an mlruns/ folder imported from the guest is in the owner's store and in the Runs view, with the owner's progress shown", async function () {
    this.timeout(120_000);
    const fixture = fixtureNamed('guest', { seed: 41, runsPerExperiment: 3, pointsPerMetric: 50 });
    const source = path.join(work, 'guest', 'mlruns');
    writeMlruns(fixture, source);
    const phases: ImportUpdate['phase'][] = [];
    const progress = api.imports.onDidProgress((update) => phases.at(-1) !== update.phase && phases.push(update.phase));
    let summary: ImportSummary | undefined;
    try {
      summary = await vscode.commands.executeCommand<ImportSummary | undefined>(CommandId.ImportMlflowData, { path: source, artifacts: 'copy' });
    } finally {
      progress.dispose();
    }
    assert.ok(summary, 'the import ended with its summary');
    assert.ok(phases.includes('writing'), `the notification followed the owner's phases: ${phases.join(', ')}`);
    const expected = fixture.experiments.filter((e) => !e.deleted);
    assert.equal(summary.runs.imported, fixture.experiments.reduce((n, e) => n + e.runs.length, 0));

    for (const experiment of expected) {
      const stored = await ownerExperiment(experiment.name);
      assert.ok(stored, `the owner's REST API has experiment '${experiment.name}'`);
      for (const run of experiment.runs) {
        const { run: served } = (await get(`runs/get?run_id=${run.runId}`)) as { run: Run };
        assert.equal(served.info.run_name, run.name);
        assert.equal(served.info.experiment_id, stored.experiment_id);
      }
    }
    await untilShown(runs, 'the imported runs', (paths) =>
      expected.every((experiment) => experiment.runs.filter((r) => !r.deleted).every((run) => paths.includes(`${experiment.name}/${run.name}`))),
    );
  });

  test('Cancel on the progress notification cancels the import at the owner, which keeps nothing of it', async function () {
    this.timeout(180_000);
    // Enough points that the owner's write outlasts the Cancel's way from the notification to the owner.
    const fixture = fixtureNamed('guest-cancelled', { seed: 23, runsPerExperiment: 4, pointsPerMetric: 40_000 });
    const source = path.join(work, 'cancelled', 'mlruns');
    writeMlruns(fixture, source);
    await vscode.commands.executeCommand('notifications.clearAll');
    await importCancelledWhileWriting(api, source, 120_000);
    for (const experiment of fixture.experiments) {
      assert.equal(await ownerExperiment(experiment.name), undefined, `the owner has no '${experiment.name}'`);
    }
    const runId = fixture.experiments[0].runs[0].runId;
    const response = await fetch(`${endpoint.url}/api/2.0/mlflow/runs/get?run_id=${runId}`, { headers: { authorization: `Bearer ${endpoint.token}` } });
    assert.equal(response.status, 404, `no run of the cancelled import is at the owner: ${await response.text()}`);
  });
});
