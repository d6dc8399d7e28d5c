import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openDashboardFixture, seedRun, type DashboardFixture } from './support/dashboardFixture';

describe('run change tracking', () => {
  let fixture: DashboardFixture;
  let experimentId: string;
  let a: string;
  let b: string;

  before(async () => {
    fixture = await openDashboardFixture();
    experimentId = fixture.tracking.createExperiment({ name: 'live' });
    a = seedRun(fixture.tracking, { experimentId, name: 'a', metrics: { loss: [1] } });
    b = seedRun(fixture.tracking, { experimentId, name: 'b' });
  });
  after(() => fixture.close());

  test('reports exactly the watched runs that changed, and each change once', () => {
    const tracker = fixture.service.changeTracker();
    assert.equal(tracker.poll({ runIds: [a, b] }), undefined, 'the first poll records');
    fixture.tracking.logMetric(a, { key: 'loss', value: 0.5, timestamp: 2, step: 1 });
    assert.deepEqual(tracker.poll({ runIds: [a, b] }), { all: false, runIds: [a] });
    assert.equal(tracker.poll({ runIds: [a, b] }), undefined);
    fixture.tracking.setTag(b, 'mlflow.note.content', 'x');
    fixture.tracking.setTag(b, 'mlflow.note.content', 'y');
    assert.deepEqual(tracker.poll({ runIds: [a, b] }), { all: false, runIds: [b] });
    fixture.tracking.updateRun(a, { status: 'FAILED', endTime: 5 });
    fixture.tracking.logParam(b, 'lr', '0.1');
    assert.deepEqual(tracker.poll({ runIds: [a, b] }), { all: false, runIds: [a, b] });
  });

  test('a watched experiment that gains a run or a metric point reloads everything', () => {
    const tracker = fixture.service.changeTracker();
    assert.equal(tracker.poll({ experimentIds: [experimentId] }), undefined);
    seedRun(fixture.tracking, { experimentId, name: 'c' });
    assert.deepEqual(tracker.poll({ experimentIds: [experimentId] }), { all: true });
    fixture.tracking.logMetric(b, { key: 'acc', value: 0.5, timestamp: 2, step: 1 });
    assert.deepEqual(tracker.poll({ experimentIds: [experimentId] }), { all: true });
    assert.equal(tracker.poll({ experimentIds: [experimentId] }), undefined);
    // A write elsewhere is not this experiment's change.
    seedRun(fixture.tracking, { name: 'in Default' });
    assert.equal(tracker.poll({ experimentIds: [experimentId] }), undefined);
  });
});
