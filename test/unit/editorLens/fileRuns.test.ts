import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { readFileRuns, sourceFilter } from '../../../src/core/editorLens/fileRuns';
import type { TrackingStore } from '../../../src/core/store/trackingStore';
import { openTrackingStore } from '../tracking/support/trackingFixture';

describe("a file's runs, read for the editor", () => {
  let store: TrackingStore;
  let experimentId: string;

  beforeEach(async () => {
    store = await openTrackingStore();
    experimentId = store.createExperiment({ name: 'editor' });
  });
  afterEach(() => store.db.close());

  function run(source: string, startTime: number, metrics: Record<string, number>, params: Record<string, string> = {}) {
    const created = store.createRun({ experimentId, startTime, tags: [{ key: 'mlflow.source.name', value: source }] });
    store.logBatch(created.info.run_id, {
      metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: startTime, step: 0 })),
      params: Object.entries(params).map(([key, value]) => ({ key, value })),
    });
    store.updateRun(created.info.run_id, { status: 'FINISHED', endTime: startTime + 1000 });
    return created.info.run_id;
  }

  const query = (names: string[], primary: string | undefined = 'mse') => ({ sourceNames: names, recent: 2, primaryMetricOf: () => primary });

  test("only the file's runs, under any of its names; the newest first; the best by the primary metric's direction over all of them", () => {
    const oldBest = run('train.py', 1000, { mse: 0.01, acc: 0.5 }, { lr: '0.01' });
    run('/work/train.py', 2000, { mse: 0.5, acc: 0.9 });
    const newest = run('train.py', 3000, { mse: 0.2, acc: 0.7 });
    run('other.py', 4000, { mse: 0.0001 });
    const runs = readFileRuns(store, query(['train.py', '/work/train.py']))!;
    assert.equal(runs.total, 3);
    assert.equal(runs.experimentId, experimentId);
    assert.deepEqual(runs.recent.map((r) => r.info.run_id)[0], newest);
    assert.equal(runs.recent.length, 2, 'as many of the newest as asked for');
    assert.deepEqual(runs.primary, { key: 'mse', direction: 'lower' });
    assert.equal(runs.best?.info.run_id, oldBest, 'the best is found beyond the newest page');
    const byAccuracy = readFileRuns(store, query(['train.py', '/work/train.py'], 'acc'))!;
    assert.deepEqual(byAccuracy.primary, { key: 'acc', direction: 'higher' });
    assert.equal(byAccuracy.best?.info.run_id, byAccuracy.recent[1].info.run_id, 'acc 0.9, higher is better');
  });

  test('no runs of the file: nothing; no primary metric, or none logged it: no best', () => {
    assert.equal(readFileRuns(store, query(['train.py'])), undefined);
    run('train.py', 1000, { acc: 0.5 });
    assert.equal(readFileRuns(store, query(['train.py'], undefined))?.best, undefined);
    const runs = readFileRuns(store, query(['train.py'], 'mse'))!;
    assert.equal(runs.total, 1);
    assert.equal(runs.best, undefined);
  });

  test("deleted runs do not count; a NaN is not best", () => {
    const deleted = run('train.py', 1000, { mse: 0.001 });
    store.deleteRun(deleted);
    const kept = run('train.py', 2000, { mse: 0.3 });
    run('train.py', 3000, { mse: NaN });
    const runs = readFileRuns(store, query(['train.py']))!;
    assert.equal(runs.total, 2);
    assert.equal(runs.best?.info.run_id, kept);
  });

  test('names with quotes and backslashes are string literals of the filter, matched exactly', () => {
    const odd = "it's a\\b.py";
    const id = run(odd, 1000, { mse: 1 });
    run("it's a.py", 2000, { mse: 1 });
    assert.deepEqual(readFileRuns(store, query([odd]))?.recent.map((r) => r.info.run_id), [id]);
    assert.equal(sourceFilter(["a'b", 'a\\b', "a'b"]), "tags.`mlflow.source.name` IN ('a''b', 'a\\\\b')");
  });
  test("agrees with MLflow's search by the lens's filter; a deleted experiment's runs do not count; the newest of equal bests wins", () => {
    const other = store.createExperiment({ name: 'other' });
    const gone = store.createExperiment({ name: 'gone' });
    const first = run('train.py', 1000, { mse: 0.2 });
    const tie = run('train.py', 2000, { mse: 0.2 });
    store.createRun({ experimentId: other, startTime: 3000, tags: [{ key: 'mlflow.source.name', value: 'train.py' }] });
    store.createRun({ experimentId: gone, startTime: 4000, tags: [{ key: 'mlflow.source.name', value: 'train.py' }] });
    store.deleteExperiment(gone);
    const runs = readFileRuns(store, { ...query(['train.py']), recent: 10 })!;
    const active = store.listExperiments().map((e) => e.experiment_id);
    const searched = store.searchRuns({ experimentIds: active, filter: runs.filter, orderBy: ['attributes.start_time DESC'] }).runs;
    assert.deepEqual(runs.recent.map((r) => r.info.run_id), searched.map((r) => r.info.run_id));
    assert.equal(runs.total, store.countRuns(active, 'ACTIVE_ONLY', runs.filter));
    assert.equal(runs.total, 3, "the deleted experiment's run is left out");
    assert.equal(runs.experimentId, other, "the newest run's experiment");
    assert.equal(runs.best, undefined, 'the newest experiment has no run with the metric');
    store.createRun({ experimentId, startTime: 5000, tags: [{ key: 'mlflow.source.name', value: 'train.py' }] });
    const back = readFileRuns(store, query(['train.py']))!;
    assert.equal(back.best?.info.run_id, tie, 'equal values: the newer run');
    assert.notEqual(back.best?.info.run_id, first);
  });
});
