import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { maxSeriesPoints } from '../../../src/protocol/dashboards/shapes';
import { logHistory, openDashboardFixture, type DashboardFixture } from './support/dashboardFixture';

const runCount = 100;
const steps = 10_000;

describe('a compare of 100 runs x 10,000 steps', () => {
  let fixture: DashboardFixture;
  const runIds: string[] = [];

  before(async () => {
    fixture = await openDashboardFixture();
    const experimentId = fixture.tracking.createExperiment({ name: 'scale' });
    for (let r = 0; r < runCount; r += 1) {
      const runId = fixture.tracking.createRun({ experimentId, runName: `run ${r}`, startTime: 1_700_000_000_000 }).info.run_id;
      fixture.tracking.logBatch(runId, { params: [{ key: 'lr', value: String(0.001 * (r + 1)) }] });
      // A decaying loss with noise, and one spike per run that downsampling must keep.
      const values = Array.from({ length: steps }, (_, i) => 1 / (1 + i / 100) + 0.01 * Math.sin(i * (r + 1)));
      values[(r * 97) % steps] = 5 + r;
      logHistory(fixture.tracking, runId, 'val_loss', values, 1_700_000_000_000);
      runIds.push(runId);
    }
  });
  after(() => fixture.close());

  // How fast is `npm run bench`'s (the compare's first paint, budget 1 s); the times here are only printed.
  test('builds the diff and the overlaid, downsampled chart, keeping every run\'s spike', async () => {
    const started = performance.now();
    const model = await fixture.service.handle('compare/get', { runIds, onlyDifferences: true });
    const compared = performance.now();
    const series = await fixture.service.handle('run/metricSeries', { runIds, keys: ['val_loss'], chart: { xAxis: 'step', smoothing: 0.6, logScale: false } });
    const charted = performance.now();

    const [chart] = series.charts;
    const values = JSON.parse(JSON.stringify(chart.spec)).data.values as { run: string; x: number; value: number }[];
    const shown = chart.series.reduce((sum, s) => sum + s.shownPoints, 0);
    console.log(
      `compare of ${runCount} runs x ${steps} steps: diff ${(compared - started).toFixed(0)} ms, ` +
        `overlaid chart ${(charted - compared).toFixed(0)} ms (${shown} of ${runCount * steps} points), total ${(charted - started).toFixed(0)} ms`,
    );

    assert.equal(model.runs.length, runCount);
    assert.equal(model.params.length, 1);
    assert.equal(model.metrics[0].key, 'val_loss');
    assert.ok(chart.series.every((s) => s.totalPoints === steps && s.shownPoints <= maxSeriesPoints));
    assert.equal(values.length, shown);
    // Every run's spike survived the downsampling.
    for (let r = 0; r < runCount; r += 1) {
      assert.ok(values.some((row) => row.run === `run ${r}` && row.value === 5 + r && row.x === (r * 97) % steps), `run ${r}'s maximum`);
    }
  });
});
