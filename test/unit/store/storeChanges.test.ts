// Issue 14: every committed write tells its listeners what it changed (the runs it names, the
// experiments whose run list changed, the areas its tables belong to), over a real sql.js store.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { Database } from '../../../src/core/store/database';
import { ModelRegistry } from '../../../src/core/store/modelRegistry';
import { StoreChanges, maxListedChanges } from '../../../src/core/store/storeChange';
import { TrackingStore } from '../../../src/core/store/trackingStore';

describe('what a write changed', () => {
  let db: Database;
  let tracking: TrackingStore;
  let heard: StoreChanges[];

  beforeEach(async () => {
    db = await Database.open();
    tracking = new TrackingStore(db);
    heard = [];
    db.onDidWrite((changes) => heard.push(changes));
  });

  const last = () => heard.at(-1)!.toJson();

  test('a run created changes it and its experiment’s run list; logging changes the run only', () => {
    const experimentId = tracking.createExperiment({ name: 'e' });
    assert.deepEqual(last(), { areas: ['experiments'] });
    const runId = tracking.createRun({ experimentId }).info.run_id;
    assert.deepEqual(last(), { runs: [runId], runLists: [experimentId] });
    tracking.logMetric(runId, { key: 'loss', value: 1, timestamp: 1, step: 0 });
    assert.deepEqual(last(), { runs: [runId] });
    tracking.logBatch(runId, { metrics: [{ key: 'acc', value: 0.5, timestamp: 2, step: 1 }], params: [{ key: 'lr', value: '0.1' }], tags: [{ key: 't', value: 'v' }] });
    assert.deepEqual(last(), { runs: [runId] });
    tracking.setTag(runId, 'mlflow.runName', 'renamed');
    assert.deepEqual(last(), { runs: [runId] });
    tracking.updateRun(runId, { status: 'FINISHED', endTime: 3 });
    assert.deepEqual(last(), { runs: [runId] });
    tracking.deleteRun(runId);
    assert.deepEqual(last(), { runs: [runId], runLists: [experimentId] });
    tracking.restoreRun(runId);
    assert.deepEqual(last(), { runs: [runId], runLists: [experimentId] });
  });

  test('other areas come from the tables written: registry, experiments', () => {
    const registry = new ModelRegistry(db);
    registry.createRegisteredModel('m');
    assert.deepEqual(last(), { areas: ['registry'] });
    const experimentId = tracking.createExperiment({ name: 'tagged' });
    tracking.setExperimentTag(experimentId, 'k', 'v');
    assert.deepEqual(last(), { areas: ['experiments'] });
  });

  test('a write that changes runs without naming them changes every run; an unknown table, everything', () => {
    const experimentId = tracking.createExperiment({ name: 'raw' });
    const runId = tracking.createRun({ experimentId }).info.run_id;
    db.write((tx) => tx.run('UPDATE runs SET status = ? WHERE run_id = ?', ['FAILED', runId]));
    assert.deepEqual(last(), { allRuns: true });
    db.write((tx) => tx.run('CREATE TABLE scratch (x INTEGER)'));
    assert.deepEqual(last(), { all: true });
    db.write((tx) => tx.run('INSERT INTO scratch (x) VALUES (1)'));
    assert.deepEqual(last(), { all: true });
    const before = heard.length;
    assert.throws(() => tracking.logMetric('f'.repeat(32), { key: 'x', value: 1, timestamp: 1, step: 0 }));
    assert.equal(heard.length, before, 'a refused write tells nothing');
  });

  test('a set of changes merges, says "every run" past its limit, and reads back from JSON', () => {
    const changes = new StoreChanges();
    for (let i = 0; i <= maxListedChanges; i++) changes.addRun(`run${i}`);
    assert.deepEqual(changes.toJson(), { allRuns: true });
    const other = StoreChanges.fromJson({ runs: ['a'], runLists: ['1'], areas: ['traces'] });
    assert.deepEqual(other.toJson(), { runs: ['a'], runLists: ['1'], areas: ['traces'] });
    assert.equal(other.touches('traces'), true);
    assert.equal(other.touches('registry'), false);
    assert.equal(StoreChanges.fromJson(undefined).all, true, 'an owner that does not say (an older one): everything');
    assert.equal(StoreChanges.fromJson({ areas: ['something-new'] }).all, true, 'an area this window does not know: everything');
    const merged = new StoreChanges();
    merged.merge(other);
    merged.merge(StoreChanges.fromJson({ runs: ['b'] }));
    assert.deepEqual(merged.toJson(), { runs: ['a', 'b'], runLists: ['1'], areas: ['traces'] });
    merged.merge(StoreChanges.everything());
    assert.deepEqual(merged.toJson(), { all: true });
  });
});
