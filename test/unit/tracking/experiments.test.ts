import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ErrorCode } from '../../../src/core/errors';
import { Database } from '../../../src/core/store/database';
import { TrackingStore } from '../../../src/core/store/trackingStore';
import { countRows, expectMlflowError, openTrackingStore } from './support/trackingFixture';

describe('experiments', () => {
  let store: TrackingStore;

  beforeEach(async () => {
    store = await openTrackingStore();
  });
  afterEach(() => store.db.close());

  test('experiment "0" named Default exists from the first open, once however often the store is built', async () => {
    const db = await Database.open();
    try {
      new TrackingStore(db);
      const again = new TrackingStore(db);
      const experiment = again.getExperiment('0');
      assert.equal(experiment.name, 'Default');
      assert.equal(experiment.artifact_location, 'mlflow-artifacts:/0');
      assert.equal(experiment.lifecycle_stage, 'active');
      assert.equal(again.listExperiments().length, 1);
    } finally {
      db.close();
    }
  });

  test('create numbers experiments from 1 and places artifacts under mlflow-artifacts:/<id>', () => {
    const before = Date.now();
    const first = store.createExperiment({ name: 'mlflow_demo' });
    const second = store.createExperiment({ name: 'other', tags: [{ key: 'team', value: 'ml' }] });
    assert.equal(first, '1');
    assert.equal(second, '2');
    const experiment = store.getExperiment(second);
    assert.equal(experiment.artifact_location, 'mlflow-artifacts:/2');
    assert.deepEqual(experiment.tags, [{ key: 'team', value: 'ml' }]);
    assert.ok(experiment.creation_time >= before && experiment.creation_time === experiment.last_update_time);
    assert.equal(store.getExperiment(first).tags, undefined, 'no tags: the field is left out');
  });

  test('a taken name is RESOURCE_ALREADY_EXISTS, a deleted experiment still holds its name', () => {
    const id = store.createExperiment({ name: 'taken' });
    expectMlflowError(() => store.createExperiment({ name: 'taken' }), ErrorCode.ResourceAlreadyExists, /taken/);
    store.deleteExperiment(id);
    expectMlflowError(() => store.createExperiment({ name: 'taken' }), ErrorCode.ResourceAlreadyExists);
    assert.equal(countRows(store, 'experiments'), 2);
  });

  test('bad names and artifact locations are refused', () => {
    expectMlflowError(() => store.createExperiment({ name: '' }), ErrorCode.InvalidParameterValue, /Invalid experiment name/);
    expectMlflowError(() => store.createExperiment({ name: 'x'.repeat(501) }), ErrorCode.InvalidParameterValue, /500/);
    expectMlflowError(
      () => store.createExperiment({ name: 'runs', artifactLocation: 'runs:/abc/model' }),
      ErrorCode.InvalidParameterValue,
      /runs:\//,
    );
  });

  test('get and get-by-name; unknown ids are RESOURCE_DOES_NOT_EXIST with MLflow\'s message', () => {
    const id = store.createExperiment({ name: 'found' });
    assert.equal(store.getExperimentByName('found')?.experiment_id, id);
    assert.equal(store.getExperimentByName('missing'), undefined);
    expectMlflowError(() => store.getExperiment('999'), ErrorCode.ResourceDoesNotExist, /^No Experiment with id=999 exists$/);
    expectMlflowError(() => store.getExperiment('not-a-number'), ErrorCode.ResourceDoesNotExist);
  });

  test('rename: a taken name or a deleted experiment is refused', () => {
    const a = store.createExperiment({ name: 'a' });
    store.createExperiment({ name: 'b' });
    store.renameExperiment(a, 'a2');
    assert.equal(store.getExperiment(a).name, 'a2');
    assert.equal(store.getExperimentByName('a'), undefined);
    expectMlflowError(() => store.renameExperiment(a, 'b'), ErrorCode.ResourceAlreadyExists);
    store.deleteExperiment(a);
    expectMlflowError(() => store.renameExperiment(a, 'c'), ErrorCode.InvalidState, /non-active/);
  });

  test('delete and restore are lifecycle only and carry the experiment\'s runs along', () => {
    const id = store.createExperiment({ name: 'life' });
    const run = store.createRun({ experimentId: id }).info.run_id;
    store.logParam(run, 'lr', '0.1');
    store.deleteExperiment(id);
    assert.equal(store.getExperiment(id).lifecycle_stage, 'deleted');
    assert.equal(store.getRun(run).info.lifecycle_stage, 'deleted');
    expectMlflowError(() => store.createRun({ experimentId: id }), ErrorCode.InvalidParameterValue, /must be in the 'active' state/);
    expectMlflowError(() => store.deleteExperiment(id), ErrorCode.ResourceDoesNotExist);
    store.restoreExperiment(id);
    assert.equal(store.getExperiment(id).lifecycle_stage, 'active');
    assert.equal(store.getRun(run).info.lifecycle_stage, 'active');
    assert.deepEqual(store.getRun(run).data.params, [{ key: 'lr', value: '0.1' }], 'nothing was destroyed');
    expectMlflowError(() => store.restoreExperiment(id), ErrorCode.ResourceDoesNotExist);
  });

  test('the Default experiment cannot be deleted', () => {
    expectMlflowError(() => store.deleteExperiment('0'), ErrorCode.InvalidParameterValue, /default experiment/);
    assert.equal(store.getExperiment('0').lifecycle_stage, 'active');
  });

  test('experiment tags: set replaces, delete of a missing tag is RESOURCE_DOES_NOT_EXIST', () => {
    const id = store.createExperiment({ name: 'tagged' });
    store.setExperimentTag(id, 'note', 'first');
    store.setExperimentTag(id, 'note', 'second');
    assert.deepEqual(store.getExperiment(id).tags, [{ key: 'note', value: 'second' }]);
    store.deleteExperimentTag(id, 'note');
    assert.equal(store.getExperiment(id).tags, undefined);
    expectMlflowError(() => store.deleteExperimentTag(id, 'note'), ErrorCode.ResourceDoesNotExist, /No tag with name: note/);
    expectMlflowError(() => store.setExperimentTag(id, '../escape', 'x'), ErrorCode.InvalidParameterValue, /resolve to/);
    expectMlflowError(() => store.setExperimentTag(id, 'long', 'x'.repeat(5001)), ErrorCode.InvalidParameterValue, /5000/);
  });

  test('search: view types, a filter, order and pages', () => {
    for (const name of ['alpha', 'beta', 'gamma', 'delta']) store.createExperiment({ name });
    store.deleteExperiment(store.getExperimentByName('delta')!.experiment_id);
    const names = (request: Parameters<TrackingStore['searchExperiments']>[0]) =>
      store.searchExperiments(request).experiments.map((experiment) => experiment.name);
    assert.deepEqual(names({ orderBy: ['name ASC'] }), ['Default', 'alpha', 'beta', 'gamma']);
    assert.deepEqual(names({ viewType: 'DELETED_ONLY' }), ['delta']);
    assert.equal(names({ viewType: 'ALL' }).length, 5);
    assert.deepEqual(names({ filter: "name LIKE '%a'", orderBy: ['name DESC'] }), ['gamma', 'beta', 'alpha']);

    const first = store.searchExperiments({ maxResults: 3, orderBy: ['name'] });
    assert.equal(first.experiments.length, 3);
    assert.ok(first.nextPageToken, 'a full page has a next page token');
    const second = store.searchExperiments({ maxResults: 3, orderBy: ['name'], pageToken: first.nextPageToken });
    assert.deepEqual(
      second.experiments.map((experiment) => experiment.name),
      ['gamma'],
    );
    assert.equal(second.nextPageToken, undefined);
  });

  test('listExperiments and countRuns serve the sidebar', () => {
    const id = store.createExperiment({ name: 'counted' });
    store.createRun({ experimentId: id });
    const deleted = store.createRun({ experimentId: id }).info.run_id;
    store.deleteRun(deleted);
    assert.deepEqual(
      store.listExperiments().map((experiment) => experiment.name),
      ['Default', 'counted'],
    );
    assert.equal(store.countRuns(id), 1);
    assert.equal(store.countRuns([id, '0'], 'ALL'), 2);
    assert.equal(store.countRuns(), 1);
  });

  test('countRuns with a filter counts the runs it matches, in the lifecycle asked for', () => {
    const id = store.createExperiment({ name: 'filtered' });
    const runs = ['0.1', '0.01', '0.01'].map((lr) => {
      const runId = store.createRun({ experimentId: id }).info.run_id;
      store.logParam(runId, 'lr', lr);
      return runId;
    });
    store.deleteRun(runs[2]);
    assert.equal(store.countRuns(id, 'ACTIVE_ONLY', "params.lr = '0.01'"), 1);
    assert.equal(store.countRuns(id, 'ALL', "params.lr = '0.01'"), 2);
    assert.equal(store.countRuns(id, 'ALL', "params.lr = '0.5' OR params.lr = '0.1'"), 1);
    assert.throws(() => store.countRuns(id, 'ALL', 'params.lr ='), /filter|Invalid/i);
  });
});
