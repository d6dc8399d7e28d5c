// Issue 14: what the Runs view reads after a burst of writes follows what the burst changed, not
// what is loaded (planRunsRefresh has no `vscode` import: it is tested here, in plain Node).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StoreChanges } from '../../../src/core/store/storeChange';
import { planRunsRefresh } from '../../../src/vscode/runs/runsRefreshPlan';

const byStart = { filter: '', sort: { field: 'attributes.start_time', ascending: false }, showDeleted: false };
const loaded = { experimentIds: ['1', '2'], isLoaded: (runId: string) => runId === 'shown' };

describe('runs refresh plan', () => {
  test('logging to runs reads only the loaded ones among them, by id, and no page', () => {
    const plan = planRunsRefresh(StoreChanges.fromJson({ runs: ['shown', 'elsewhere'] }), byStart, loaded);
    assert.deepEqual([plan.everything, plan.summaries, plan.traces, [...plan.pages], plan.runIds, plan.runsMove], [false, false, false, [], ['shown'], false]);
  });

  test('a run created reads its experiment’s page (if loaded) and the experiments’ counts', () => {
    const plan = planRunsRefresh(StoreChanges.fromJson({ runs: ['new'], runLists: ['2', '9'] }), byStart, loaded);
    assert.deepEqual([plan.summaries, [...plan.pages], plan.runIds], [true, ['2'], []]);
  });

  test('with a filter or an order by data, every changed run is read: it may come into a page or move', () => {
    const filtered = planRunsRefresh(StoreChanges.fromJson({ runs: ['elsewhere'] }), { ...byStart, filter: 'metrics.loss < 1' }, loaded);
    assert.deepEqual([filtered.runIds, filtered.runsMove, filtered.summaries], [['elsewhere'], true, true]);
    const byLoss = planRunsRefresh(StoreChanges.fromJson({ runs: ['elsewhere'] }), { ...byStart, sort: { field: 'metrics.`loss`', ascending: true } }, loaded);
    assert.deepEqual([byLoss.runIds, byLoss.runsMove, byLoss.summaries], [['elsewhere'], true, false]);
  });

  test('a registry write reads nothing; traces, only the trace groups; "every run", everything', () => {
    const registry = planRunsRefresh(StoreChanges.fromJson({ areas: ['registry'] }), byStart, loaded);
    assert.deepEqual([registry.everything, registry.summaries, registry.traces, registry.runIds.length, registry.pages.size], [false, false, false, 0, 0]);
    assert.equal(planRunsRefresh(StoreChanges.fromJson({ areas: ['traces'] }), byStart, loaded).traces, true);
    assert.equal(planRunsRefresh(StoreChanges.fromJson({ allRuns: true }), byStart, loaded).everything, true);
    assert.equal(planRunsRefresh(StoreChanges.everything(), byStart, loaded).everything, true);
  });
});
