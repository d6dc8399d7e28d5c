// Importing an mlflow.db written by the fixture generator with MLflow's SQLAlchemy schema (plus a
// newer MLflow's extra tables and columns): everything arrives, the file is never written, and a
// database that is not MLflow's is refused with a message that says so.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadSqlJs } from '../../../src/core/store/sqlJs';
import { importMlflowData } from '../../../src/importers/importMlflowData';
import { buildFixture, fixtureRuns, type MlflowFixture } from '../../fixtures/mlflow-data/fixtureSpec';
import { writeMlflowDb, type MlflowDbQuirks } from '../../fixtures/mlflow-data/writeMlflowDb';
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

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

describe('import of an mlflow.db', () => {
  let fixture: MlflowFixture;
  let quirks: MlflowDbQuirks;
  let work: string;

  before(async () => {
    work = tempFolder('runlens-mlflowdb-');
    fixture = buildFixture({ seed: 11 });
    quirks = await writeMlflowDb(fixture, work);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('brings in every table RunLens knows, reads the file without writing it, and skips the run it cannot use', async () => {
    const before = sha256(quirks.file);
    const store = await openTestStore();
    try {
      const summary = await importMlflowData(store, quirks.file);
      assert.equal(sha256(quirks.file), before, 'mlflow.db is not modified');
      assert.equal(summary.format, 'mlflow.db');
      const runs = fixtureRuns(fixture);
      assert.equal(summary.runs.imported, runs.length);
      assert.deepEqual(
        summary.skipped.map((s) => [s.path, s.reason]),
        [[`${quirks.file}: runs: ${quirks.badStatusRun}`, "unknown status 'EXPLODED'"]],
      );
      assert.deepEqual(summary.experiments.mapping, [], 'SQL ids are small and free: all kept');

      for (const { experiment, run } of runs) {
        const id = String(quirks.experimentIds.get(experiment.id));
        const stored = store.tracking.getRun(run.runId);
        assert.equal(stored.info.experiment_id, id);
        assert.equal(stored.info.status, run.status);
        assert.equal(stored.info.start_time, run.startTime);
        assert.equal(stored.info.end_time, run.endTime ?? undefined);
        assert.equal(stored.info.lifecycle_stage, run.deleted || experiment.deleted ? 'deleted' : 'active');
        assert.deepEqual(sortedByKey(stored.data.params), sortedByKey(run.params));
        assert.deepEqual(sortedByKey(stored.data.tags), sortedByKey(run.tags));
        // ±DBL_MAX come back as ±Infinity and is_nan as NaN; a latest value without history is a point.
        assertHistories(store.tracking, run, run.runId === quirks.latestOnly.runId ? [quirks.latestOnly.point] : []);
        assert.equal(stored.info.artifact_uri, `mlflow-artifacts:/${id}/${run.runId}/artifacts`);
        for (const [relative, bytes] of run.artifacts) {
          assert.deepEqual(await readArtifact(store.artifacts, `${id}/${run.runId}/artifacts/${relative}`), bytes, `${run.runId} ${relative}`);
        }
      }
      assert.equal(store.tracking.getExperiment('2').lifecycle_stage, 'deleted');
      assert.deepEqual(sortedByKey(store.tracking.getExperiment('1').tags), sortedByKey(fixture.experiments[1].tags));

      const source = fixture.experiments[1].runs[0];
      const run = store.tracking.getRun(source.runId);
      assert.equal(run.inputs.dataset_inputs?.[0].dataset.schema, source.datasetInputs[0].dataset.schema);
      assert.deepEqual(run.inputs.dataset_inputs?.[0].tags, [{ key: 'mlflow.data.context', value: 'train' }]);
      const [model] = fixture.loggedModels;
      assert.deepEqual(run.outputs.model_outputs, [{ model_id: model.modelId, step: 3 }]);
      const loggedModel = store.tracking.getLoggedModel(model.modelId);
      assert.equal(loggedModel.info.status, 'LOGGED_MODEL_READY', 'status 2 of the SQL store');
      assert.deepEqual(loggedModel.info.tags, model.tags);
      assert.deepEqual(
        loggedModel.data.metrics?.map((m) => [m.key, m.step, m.value, m.run_id]),
        model.metrics.map((m) => [m.key, m.step, m.value, source.runId]),
      );
      for (const [relative, bytes] of model.artifacts) {
        assert.deepEqual(await readArtifact(store.artifacts, `1/models/${model.modelId}/artifacts/${relative}`), bytes);
      }
      const champion = store.registry.getModelVersionByAlias('fraud-detector', 'champion');
      assert.equal(champion.version, 2);
      assert.equal(champion.modelId, model.modelId);
      assert.equal(champion.storageLocation, `mlflow-artifacts:/1/models/${model.modelId}/artifacts`);
      assert.throws(() => store.registry.getModelVersion('fraud-detector', 3), /not found/i);
    } finally {
      store.close();
    }
  });

  test('importing twice adds nothing', async () => {
    const store = await openTestStore();
    try {
      await importMlflowData(store, quirks.file);
      const rows = tableSnapshot(store.db);
      const files = filesUnder(store.artifacts.root);
      const again = await importMlflowData(store, quirks.file);
      assert.equal(again.runs.imported, 0);
      assert.equal(again.runs.alreadyPresent, fixtureRuns(fixture).length);
      assert.equal(again.artifacts.filesCopied, 0);
      assert.deepEqual(tableSnapshot(store.db), rows);
      assert.deepEqual(filesUnder(store.artifacts.root), files);
    } finally {
      store.close();
    }
  });

  test('an id taken by another experiment is mapped; an experiment of the same name is joined', async () => {
    const store = await openTestStore();
    try {
      store.tracking.createExperiment({ name: 'already here' }); // takes id 1
      store.tracking.createExperiment({ name: 'abandoned' }); // id 2, the name of the database's experiment 2
      const summary = await importMlflowData(store, quirks.file);
      const mapping = new Map(summary.experiments.mapping.map((m) => [m.sourceId, m]));
      assert.deepEqual(
        { outcome: mapping.get('1')?.outcome, targetId: mapping.get('1')?.targetId },
        { outcome: 'mapped', targetId: 3 },
      );
      assert.match(mapping.get('1')?.reason ?? '', /taken by experiment 'already here'/);
      assert.equal(summary.experiments.matchedByName, 2, 'Default and abandoned');
      assert.equal(mapping.get('2'), undefined, 'joined with the same id, nothing to report');
      const moved = fixture.experiments[1].runs[0];
      assert.equal(store.tracking.getRun(moved.runId).info.experiment_id, '3');
      assert.equal(store.tracking.getRun(moved.runId).info.artifact_uri, `mlflow-artifacts:/3/${moved.runId}/artifacts`);
    } finally {
      store.close();
    }
  });

  test('cancelling while reading leaves the store as it was', async () => {
    const store = await openTestStore();
    try {
      const rows = tableSnapshot(store.db);
      const controller = new AbortController();
      await assert.rejects(
        importMlflowData(store, quirks.file, {
          signal: controller.signal,
          onProgress: ({ phase, done }) => phase === 'reading' && done === 3 && controller.abort(),
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

  test('a SQLite database that is not MLflow’s, and a file that is not SQLite, are refused with a clear message', async () => {
    const store = await openTestStore();
    try {
      const SQL = await loadSqlJs();
      const other = new SQL.Database();
      other.run('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)');
      const otherFile = path.join(work, 'notes.db');
      writeFileSync(otherFile, other.export());
      other.close();
      await assert.rejects(importMlflowData(store, otherFile), /is a SQLite database but not MLflow's: it has no alembic_version, experiments, runs, metrics, params, tags tables/);
      const textFile = path.join(work, 'mlflow.txt');
      writeFileSync(textFile, 'not a database');
      await assert.rejects(importMlflowData(store, textFile), /is not a SQLite database/);
      await assert.rejects(importMlflowData(store, path.join(work, 'missing.db')), /does not exist/);
      assert.equal(store.tracking.countRuns(), 0);
    } finally {
      store.close();
    }
  });
});
