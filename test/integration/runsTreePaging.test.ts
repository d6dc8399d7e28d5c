import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ImportSummary } from '../../src/importers/importMlflowData';
import { CommandId } from '../../src/vscode/contributions';
import type { RunLensApi } from '../../src/vscode/runLensExtension';
import type { ExperimentNode, RunsTreeNode } from '../../src/vscode/runs/runsTreeNodes';
import type { FixtureRun, MlflowFixture } from '../fixtures/mlflow-data/fixtureSpec';
import { writeMlflowDb } from '../fixtures/mlflow-data/writeMlflowDb';
import { experimentNode, resetRunsView, runNodes, tracking } from './runsTreeSupport';
import { children, runLensApi } from './support';

// An experiment of 10,000 runs: the view loads it a page at a time, and expanding it stays fast.

const runCount = 10_000;
const pageSize = 200;
const expandBudgetMs = 200;

/**
 * An MLflow database of one experiment of `count` finished runs, `run-00000` the oldest: how a person brings
 * that many runs in (Import MLflow Data…), one import job at whichever process serves the store, where a
 * request per run would take a minute of fsyncs here.
 */
function manyRuns(name: string, count: number, t0: number): MlflowFixture {
  const runs = Array.from(
    { length: count },
    (_, i): FixtureRun => ({
      runId: i.toString(16).padStart(32, '0'),
      name: `run-${String(i).padStart(5, '0')}`,
      userId: 'runlens-test',
      status: 'FINISHED',
      startTime: t0 + i * 10,
      endTime: t0 + i * 10 + 5,
      deleted: false,
      params: [],
      tags: [],
      metrics: [],
      artifacts: new Map(),
      datasetInputs: [],
      outputs: [],
    }),
  );
  return { experiments: [{ id: '0', name, deleted: false, creationTime: t0, tags: [], runs }], loggedModels: [], registeredModels: [] };
}

/** Expands the node as VS Code does: its children, then an item for each. */
async function expand(api: RunLensApi, node: RunsTreeNode): Promise<{ nodes: RunsTreeNode[]; ms: number }> {
  const started = performance.now();
  const nodes = await children(api, node);
  for (const child of nodes) api.runsTree.getTreeItem(child);
  return { nodes, ms: performance.now() - started };
}

suite('Runs view: paging over 10,000 runs', () => {
  let api: RunLensApi;
  let experiment: ExperimentNode;
  let experimentId: string;
  const t0 = Date.now() - 3_600_000;

  suiteSetup(async function () {
    this.timeout(180_000);
    api = await runLensApi();
    await resetRunsView();
    const name = `paging-${Date.now().toString(36)}`;
    const started = performance.now();
    const work = mkdtempSync(path.join(os.tmpdir(), 'runlens-paging-'));
    try {
      const { file } = await writeMlflowDb(manyRuns(name, runCount, t0), work);
      const summary = await vscode.commands.executeCommand<ImportSummary | undefined>(CommandId.ImportMlflowData, { path: file, artifacts: 'reference' });
      assert.equal(summary?.runs.imported, runCount, 'every run was imported');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    const server = await tracking(api);
    experimentId = (await server.get<{ experiment: { experiment_id: string } }>('experiments/get-by-name', { experiment_name: name })).experiment.experiment_id;
    console.log(`runs view: imported ${runCount} runs in ${(performance.now() - started).toFixed(0)} ms`);
    const node = await experimentNode(api, experimentId);
    assert.equal(node.kind, 'experiment');
    experiment = node as ExperimentNode;
  });

  suiteTeardown(async () => {
    await resetRunsView();
    // The other suites list experiments; this one would only weigh on them.
    if (experimentId) await (await tracking(api)).post('experiments/delete', { experiment_id: experimentId });
  });

  test(`expanding the experiment loads the newest ${pageSize} runs and a "Load more" item, in under ${expandBudgetMs} ms`, async () => {
    assert.equal(api.runsTree.getTreeItem(experiment).description, `${runCount} runs`);
    const { nodes, ms } = await expand(api, experiment);
    console.log(`runs view: expanding an experiment of ${runCount} runs took ${ms.toFixed(1)} ms`);
    const runs = runNodes(nodes);
    assert.equal(runs.length, pageSize);
    assert.equal(runs[0].name, `run-${String(runCount - 1).padStart(5, '0')}`);
    assert.equal(runs[pageSize - 1].name, `run-${String(runCount - pageSize).padStart(5, '0')}`);
    const more = nodes[nodes.length - 1];
    assert.equal(more.kind, 'loadMore');
    const item = api.runsTree.getTreeItem(more);
    assert.equal(item.command?.command, CommandId.LoadMoreRuns);
    assert.ok(ms < expandBudgetMs, `expanding took ${ms.toFixed(1)} ms`);
  });

  test('"Load more" adds the next page, and the runs already shown keep their elements', async () => {
    const first = runNodes(await children(api, experiment));
    const changed = new Promise<unknown>((resolve) => {
      const listener = api.runsTree.onDidChangeTreeData?.((nodes) => {
        listener?.dispose();
        resolve(nodes);
      });
    });
    const more = (await children(api, experiment)).find((n) => n.kind === 'loadMore');
    assert.ok(more);
    const command = api.runsTree.getTreeItem(more).command;
    assert.ok(command);
    await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
    assert.deepEqual(await changed, [experiment], 'only the experiment is refreshed');
    const { nodes, ms } = await expand(api, experiment);
    const runs = runNodes(nodes);
    assert.equal(runs.length, 2 * pageSize);
    assert.deepEqual(runs.slice(0, pageSize), first, 'the same element objects, so VS Code keeps their state');
    assert.equal(nodes[nodes.length - 1].kind, 'loadMore');
    console.log(`runs view: the second page made ${runs.length} runs in ${ms.toFixed(1)} ms`);
  });

  test('sorting 10,000 runs by name and filtering them stays within the budget', async () => {
    await vscode.commands.executeCommand(CommandId.SortRuns, 'attributes.run_name', true);
    let { nodes, ms } = await expand(api, experiment);
    assert.equal(runNodes(nodes)[0].name, 'run-00000');
    assert.ok(ms < expandBudgetMs, `sorted by name in ${ms.toFixed(1)} ms`);
    console.log(`runs view: sorted by name in ${ms.toFixed(1)} ms`);

    await vscode.commands.executeCommand(CommandId.FilterRuns, "attributes.run_name LIKE 'run-099%'");
    ({ nodes, ms } = await expand(api, experiment));
    assert.deepEqual(
      runNodes(nodes).map((n) => n.name),
      Array.from({ length: 100 }, (_, i) => `run-099${String(i).padStart(2, '0')}`),
    );
    assert.ok(!nodes.some((n) => n.kind === 'loadMore'));
    assert.ok(ms < expandBudgetMs, `filtered in ${ms.toFixed(1)} ms`);
  });
});
