// Importing an mlruns/ folder written by the fixture generator the way MLflow's FileStore writes
// one, quirks included: everything that is there arrives, what is broken is reported and skipped.
import assert from 'node:assert/strict';
import { rmSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runHistory } from '../../../src/core/export/storeReads';
import { importMlflowData } from '../../../src/importers/importMlflowData';
import { buildFixture, fixtureRuns, largeExperimentId, longExperimentName, type MlflowFixture } from '../../fixtures/mlflow-data/fixtureSpec';
import { writeMlruns, type MlrunsQuirks } from '../../fixtures/mlflow-data/writeMlruns';
import { tableSnapshot } from '../../fixtures/store/tableSnapshot';
import {
  assertHistories,
  filesUnder,
  openTestStore,
  readArtifact,
  sortedByKey,
  stagingLeftovers,
  tempFolder,
} from './support/importKit';

describe('import of an mlruns/ folder', () => {
  let fixture: MlflowFixture;
  let quirks: MlrunsQuirks;
  let work: string;

  before(() => {
    work = tempFolder('runlens-mlruns-');
    fixture = buildFixture();
    quirks = writeMlruns(fixture, path.join(work, 'mlruns'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('brings in experiments, runs, full histories, artifacts, logged models and the registry, and reports what it skipped', async () => {
    const store = await openTestStore();
    try {
      const phases = new Set<string>();
      const summary = await importMlflowData(store, work, { onProgress: ({ phase }) => phases.add(phase) });
      assert.deepEqual([...phases], ['reading', 'copying', 'writing']);
      assert.equal(summary.format, 'mlruns');
      const runs = fixtureRuns(fixture);
      assert.equal(summary.runs.imported, runs.length);
      assert.equal(summary.metricPoints, runs.reduce((n, r) => n + r.run.metrics.length, 0));

      // Reported, with paths: the malformed meta.yaml, the garbage metric line, the lost artifacts.
      const skipped = summary.skipped.map((s) => `${s.path} | ${s.reason}`);
      assert.ok(skipped.some((s) => s.startsWith(`${quirks.malformedMetaFile} | malformed YAML`)), skipped.join('\n'));
      assert.ok(skipped.some((s) => s.startsWith(`${quirks.malformedMetricLine.file}:${quirks.malformedMetricLine.line} | malformed metric line`)), skipped.join('\n'));
      assert.ok(skipped.some((s) => s.includes(quirks.missingArtifactsRun) && s.includes('artifact folder not found')), skipped.join('\n'));
      assert.equal(summary.skipped.length, 3, skipped.join('\n'));

      // Experiments: Default joins RunLens's own, the 18-digit id is mapped, the .trash one is deleted.
      const large = summary.experiments.mapping.find((m) => m.sourceId === largeExperimentId);
      assert.ok(large && large.outcome === 'mapped' && /larger than RunLens keeps/.test(large.reason ?? ''), JSON.stringify(summary.experiments));
      const experimentIds = new Map(fixture.experiments.map((e) => [e.id, e.id === largeExperimentId ? String(large.targetId) : e.id]));
      const imported = store.tracking.getExperiment(String(large.targetId));
      assert.equal(imported.name, longExperimentName, 'a name PyYAML folded over two lines reads back whole');
      assert.deepEqual(sortedByKey(imported.tags), sortedByKey(fixture.experiments[1].tags));
      assert.equal(store.tracking.getExperiment('7').lifecycle_stage, 'deleted');
      assert.equal(store.tracking.getExperiment('7').name, 'abandoned');

      for (const { experiment, run } of runs) {
        const stored = store.tracking.getRun(run.runId);
        const expectedExperiment = experimentIds.get(experiment.id) ?? '';
        assert.equal(stored.info.experiment_id, expectedExperiment);
        assert.equal(stored.info.status, run.status);
        assert.equal(stored.info.start_time, run.startTime);
        assert.equal(stored.info.end_time, run.endTime ?? undefined);
        assert.equal(stored.info.lifecycle_stage, run.deleted || experiment.deleted ? 'deleted' : 'active');
        assert.equal(stored.info.run_name, run.name);
        assert.equal(stored.info.user_id, run.userId);
        assert.deepEqual(sortedByKey(stored.data.params), sortedByKey(run.params), 'params, nested keys included');
        assert.deepEqual(sortedByKey(stored.data.tags), sortedByKey(run.tags), 'tags, multi-line and nested ones included');
        assertHistories(store.tracking, run);
        if (run.runId === quirks.missingArtifactsRun) {
          assert.match(stored.info.artifact_uri, /^file:\/\/\/nonexistent\//, 'a run whose artifacts are lost keeps its URI');
          continue;
        }
        assert.equal(stored.info.artifact_uri, `mlflow-artifacts:/${expectedExperiment}/${run.runId}/artifacts`);
        for (const [relative, bytes] of run.artifacts) {
          assert.deepEqual(await readArtifact(store.artifacts, `${expectedExperiment}/${run.runId}/artifacts/${relative}`), bytes);
        }
      }

      // The points logged on a dataset keep its name and digest; two-field lines are step 0.
      const first = fixture.experiments[1].runs[0];
      const onDataset = runHistory(store.db, first.runId).find((p) => p.key === 'eval_score');
      assert.equal(onDataset?.datasetName, 'transactions');
      assert.equal(onDataset?.datasetDigest, 'd41d8cd9');
      const inputs = store.tracking.getRun(first.runId).inputs;
      assert.deepEqual(inputs.dataset_inputs?.[0].dataset, {
        name: 'transactions',
        digest: 'd41d8cd9',
        source_type: 'local',
        source: '{"uri": "data/transactions.csv"}',
        schema: fixture.experiments[1].runs[0].datasetInputs[0].dataset.schema,
        profile: '{"num_rows": 1000}',
      });
      assert.deepEqual(inputs.dataset_inputs?.[0].tags, [{ key: 'mlflow.data.context', value: 'train' }]);

      // The logged model, its metrics (linked run points), its files; the run's output.
      const [model] = fixture.loggedModels;
      const loggedModel = store.tracking.getLoggedModel(model.modelId);
      assert.equal(loggedModel.info.status, 'LOGGED_MODEL_READY');
      assert.equal(loggedModel.info.source_run_id, model.sourceRunId);
      assert.equal(loggedModel.info.model_type, 'sklearn');
      assert.deepEqual(loggedModel.data.params, model.params);
      assert.deepEqual(
        loggedModel.data.metrics?.map((m) => [m.key, m.step, m.value]),
        model.metrics.map((m) => [m.key, m.step, m.value]),
      );
      assert.equal(loggedModel.info.artifact_uri, `mlflow-artifacts:/${large.targetId}/models/${model.modelId}/artifacts`);
      for (const [relative, bytes] of model.artifacts) {
        assert.deepEqual(await readArtifact(store.artifacts, `${large.targetId}/models/${model.modelId}/artifacts/${relative}`), bytes);
      }
      assert.deepEqual(store.tracking.getRun(first.runId).outputs.model_outputs, [{ model_id: model.modelId, step: 3 }]);

      // The registry: versions with stages, tags and the alias; the deleted version stays a tombstone.
      const registered = store.registry.getRegisteredModel('fraud-detector');
      assert.equal(registered.description, 'Scores card transactions');
      assert.deepEqual(registered.tags, [{ key: 'owner', value: 'risk-team' }]);
      assert.equal(store.registry.getModelVersion('fraud-detector', 1).currentStage, 'Archived');
      const champion = store.registry.getModelVersionByAlias('fraud-detector', 'champion');
      assert.equal(champion.version, 2);
      assert.equal(champion.currentStage, 'Production');
      assert.equal(champion.storageLocation, `mlflow-artifacts:/${large.targetId}/models/${model.modelId}/artifacts`, 'storage location follows the copied files');
      assert.deepEqual(champion.tags, [{ key: 'validated', value: 'true' }]);
      assert.throws(() => store.registry.getModelVersion('fraud-detector', 3), /not found/i);
      assert.equal(store.registry.createModelVersion({ name: 'fraud-detector', source: `runs:/${first.runId}/model` }).version, 4);
      assert.deepEqual(stagingLeftovers(store), []);
    } finally {
      store.close();
    }
  });

  test('importing the same folder twice adds nothing; a lost artifact file is copied again', async () => {
    const store = await openTestStore();
    try {
      await importMlflowData(store, path.join(work, 'mlruns'));
      const rows = tableSnapshot(store.db);
      const files = filesUnder(store.artifacts.root);
      const again = await importMlflowData(store, path.join(work, 'mlruns'));
      assert.equal(again.runs.imported, 0);
      assert.equal(again.runs.alreadyPresent, fixtureRuns(fixture).length);
      assert.equal(again.experiments.created, 0);
      assert.equal(again.metricPoints, 0);
      assert.equal(again.loggedModels.imported, 0);
      assert.equal(again.registeredModels.versionsImported, 0);
      assert.equal(again.artifacts.filesCopied, 0);
      assert.deepEqual(tableSnapshot(store.db), rows);
      assert.deepEqual(filesUnder(store.artifacts.root), files);

      unlinkSync(path.join(store.artifacts.root, files[0]));
      const healed = await importMlflowData(store, path.join(work, 'mlruns'));
      assert.equal(healed.artifacts.filesCopied, 1);
      assert.deepEqual(filesUnder(store.artifacts.root), files);
      assert.deepEqual(tableSnapshot(store.db), rows);
    } finally {
      store.close();
    }
  });

  test('experiment ids taken in the store are mapped to free ones, and the mapping is reported', async () => {
    const store = await openTestStore();
    try {
      for (let i = 1; i <= 7; i += 1) store.tracking.createExperiment({ name: `local-${i}` });
      const summary = await importMlflowData(store, path.join(work, 'mlruns'));
      const mapping = new Map(summary.experiments.mapping.map((m) => [m.sourceId, m]));
      assert.equal(mapping.get('7')?.outcome, 'mapped');
      assert.match(mapping.get('7')?.reason ?? '', /id 7 is taken by experiment 'local-7'/);
      assert.equal(mapping.get(largeExperimentId)?.targetId, 8);
      assert.equal(mapping.get('7')?.targetId, 9);
      assert.equal(store.tracking.getExperiment('9').name, 'abandoned');
      assert.equal(store.tracking.getExperiment('7').name, 'local-7');
      assert.equal(store.tracking.getRun(fixture.experiments[2].runs[0].runId).info.experiment_id, '9');
    } finally {
      store.close();
    }
  });

  test('reference mode keeps artifacts where they are, pointing at the folder found', async () => {
    const store = await openTestStore();
    try {
      const summary = await importMlflowData(store, path.join(work, 'mlruns'), { artifacts: 'reference' });
      assert.equal(summary.artifacts.mode, 'reference');
      assert.equal(summary.artifacts.filesCopied, 0);
      assert.deepEqual(filesUnder(store.artifacts.root), []);
      const stale = store.tracking.getRun(quirks.staleArtifactUriRun);
      assert.equal(stale.info.artifact_uri, new URL(`file://${path.join(work, 'mlruns', '0', quirks.staleArtifactUriRun, 'artifacts')}`).href);
    } finally {
      store.close();
    }
  });

  for (const phase of ['reading', 'copying', 'writing'] as const) {
    test(`cancelling while ${phase} leaves the store and its artifacts as they were`, async () => {
      const store = await openTestStore();
      try {
        const rows = tableSnapshot(store.db);
        const controller = new AbortController();
        await assert.rejects(
          importMlflowData(store, path.join(work, 'mlruns'), {
            signal: controller.signal,
            onProgress: (update) => {
              if (update.phase === phase && update.done === 2) controller.abort();
            },
          }),
          (error: Error) => error.name === 'AbortError',
        );
        assert.deepEqual(tableSnapshot(store.db), rows);
        assert.deepEqual(filesUnder(store.artifacts.root), []);
        assert.deepEqual(stagingLeftovers(store), []);
      } finally {
        store.close();
      }
    });
  }
});
