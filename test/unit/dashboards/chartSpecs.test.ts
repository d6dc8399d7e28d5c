import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildParallelChart, buildScatterChart, type ChartRun } from '../../../src/dashboards/experimentCharts';
import { buildMetricChart, runLabels, type RunHistory } from '../../../src/dashboards/metricCharts';
import type { Run } from '../../../src/core/entities';
import { chartConfig } from '../../../webview/src/charts/chartTheme';
import type { MetricSummary } from '../../../src/protocol/dashboards/shapes';
import { compileSpec, countMarks, renderSpecToSvg } from './support/renderSpec';

/** The spec as JSON (what travels); layers and encodings read from it without vega-lite's types. */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const asJson = (spec: unknown): Json => JSON.parse(JSON.stringify(spec)) as Json;

const history = (runId: string, label: string, values: readonly number[], t0 = 1_700_000_000_000): RunHistory => ({
  runId,
  label,
  steps: values.map((_, step) => step),
  values: [...values],
  timestamps: values.map((_, step) => t0 + step * 500),
});

const run = (id: string, name: string, params: Record<string, string>): Run => ({
  info: {
    run_uuid: id,
    run_id: id,
    experiment_id: '0',
    run_name: name,
    user_id: 'ada',
    status: 'FINISHED',
    start_time: 1,
    end_time: 2,
    artifact_uri: '',
    lifecycle_stage: 'active',
  },
  data: { params: Object.entries(params).map(([key, value]) => ({ key, value })) },
  inputs: {},
  outputs: {},
});
const metrics = (entries: Record<string, number>): Map<string, MetricSummary> =>
  new Map(Object.entries(entries).map(([key, last]) => [key, { key, last, lastStep: 0, lastTimestamp: 0, min: last, max: last, points: 1 }]));

describe('chart specs', () => {
  test('metric history: one line per run, coloured by run, x by step, themed and transparent', async () => {
    const chart = buildMetricChart('val_loss', [history('a', 'run a', [3, 2, 1]), history('b', 'run b', [4, 3, 2.5, 2])], {
      xAxis: 'step',
      smoothing: 0,
      logScale: false,
    });
    const spec = asJson(chart.spec);
    assert.equal(spec.layer.length, 2, 'the line and its invisible tooltip points');
    assert.equal(spec.layer[0].mark.type, 'line');
    assert.equal(spec.layer[0].mark.opacity, 1);
    assert.equal(spec.encoding.x.field, 'x');
    assert.equal(spec.encoding.x.type, 'quantitative');
    assert.equal(spec.encoding.color.field, 'run');
    assert.deepEqual(spec.encoding.color.scale.domain, ['run a', 'run b']);
    assert.equal(spec.data.values.length, 7);
    assert.equal(spec.background, 'transparent');
    assert.equal(spec.config, undefined, 'the webview\'s theme gives the colours');
    assert.deepEqual(
      chart.series.map((s) => [s.runId, s.totalPoints, s.shownPoints]),
      [
        ['a', 3, 3],
        ['b', 4, 4],
      ],
    );

    const svg = await renderSpecToSvg(chart.spec);
    assert.equal(countMarks(svg, 'line mark'), 2, 'two runs, two lines');
    assert.equal(countMarks(svg, 'point'), 7, 'an invisible hover point per value');
    assert.match(svg, /var\(--vscode-editor-foreground\)/);
  });

  test('smoothing: the raw curve faint behind the smoothed one, which is the layer above it', async () => {
    const values = Array.from({ length: 50 }, (_, i) => 1 / (i + 1) + (i % 2) * 0.1);
    const chart = buildMetricChart('val_loss', [history('a', 'a', values)], { xAxis: 'step', smoothing: 0.8, logScale: false });
    const spec = asJson(chart.spec);
    const lines = spec.layer.filter((layer: Json) => layer.mark.type === 'line');
    assert.equal(lines.length, 2);
    assert.equal(lines[0].encoding.y.field, 'value');
    assert.ok(lines[0].mark.opacity < 0.5, 'raw is faint');
    assert.equal(lines[1].encoding.y.field, 'smoothed');
    assert.equal(lines[1].mark.opacity, undefined, 'smoothed is drawn in full');
    assert.ok(spec.data.values.every((row: Json) => typeof row.smoothed === 'number'));
    const svg = await renderSpecToSvg(chart.spec);
    assert.equal(countMarks(svg, 'line mark'), 2);
  });

  test('x by wall time is temporal; relative is seconds since the first point; log scale drops values <= 0', async () => {
    const timedChart = buildMetricChart('m', [history('a', 'a', [1, 2])], { xAxis: 'time', smoothing: 0, logScale: false });
    const timed = asJson(timedChart.spec);
    assert.equal(timed.encoding.x.type, 'temporal');
    assert.deepEqual(
      timed.data.values.map((row: Json) => row.x),
      [1_700_000_000_000, 1_700_000_000_500],
    );
    // Epoch milliseconds go to the chart unparsed: the time scale takes them as they are.
    const timedSvg = await renderSpecToSvg(timedChart.spec);
    assert.equal(countMarks(timedSvg, 'line mark'), 1);
    assert.doesNotMatch(timedSvg, /1,700,000,000|1\.7e/, 'the axis shows times, not numbers');
    const relative = asJson(buildMetricChart('m', [history('a', 'a', [1, 2, 3])], { xAxis: 'relative', smoothing: 0, logScale: false }).spec);
    assert.deepEqual(
      relative.data.values.map((row: Json) => row.x),
      [0, 0.5, 1],
    );
    const log = buildMetricChart('m', [history('a', 'a', [0, -1, 10, 100, NaN])], { xAxis: 'step', smoothing: 0, logScale: true });
    const logSpec = asJson(log.spec);
    assert.equal(logSpec.layer[0].encoding.y.scale.type, 'log');
    assert.deepEqual(
      logSpec.data.values.map((row: Json) => row.value),
      [10, 100],
    );
    assert.equal(log.series[0].shownPoints, 2);
    assert.equal(log.notes.length, 1);
  });

  test('a long series is downsampled to 2,000 points with its extremes; the lines name their runs instead of the points', async () => {
    const values = Array.from({ length: 30_000 }, (_, i) => Math.cos(i / 1000));
    values[17_777] = -5;
    const chart = buildMetricChart('m', ['a', 'b', 'c'].map((id) => history(id, id, values)), { xAxis: 'step', smoothing: 0, logScale: false });
    const spec = asJson(chart.spec);
    assert.ok(chart.series.every((s) => s.shownPoints <= 2000 && s.totalPoints === 30_000));
    assert.ok(spec.data.values.some((row: Json) => row.value === -5 && row.x === 17_777));
    assert.ok(!spec.layer.some((layer: Json) => layer.mark.type === 'point'), 'no invisible point per value past the budget');
    assert.equal(spec.layer[0].encoding.tooltip.field, 'run', 'hovering a line names its run');

    // Nothing per point but position and colour: each line is described by its run, not point by point.
    const svg = await renderSpecToSvg(chart.spec);
    assert.equal(countMarks(svg, 'line mark'), 3);
    assert.deepEqual(svg.match(/aria-label="[^"]*"/g)?.filter((label) => /"(a|b|c)"/.test(label)).length, 3);
    assert.doesNotMatch(svg, /aria-label="[^"]*step: /, 'no per-point description');
  });

  test('runs sharing a name get distinct labels, so their lines are not merged', () => {
    assert.deepEqual(
      runLabels([
        { runId: 'aaaaaaaa1', name: 'train' },
        { runId: 'bbbbbbbb2', name: 'train' },
        { runId: 'cccccccc3', name: 'other' },
      ]),
      ['train (aaaaaaa)', 'train (bbbbbbb)', 'other'],
    );
  });

  test('scatter: numeric axes are quantitative, text axes nominal; runs lacking a value are left out', async () => {
    const runs: ChartRun[] = [
      { run: run('r1', 'one', { lr: '0.1', opt: 'adam' }), label: 'one', metrics: metrics({ rmse: 0.5 }) },
      { run: run('r2', 'two', { lr: '0.01', opt: 'sgd' }), label: 'two', metrics: metrics({ rmse: 0.4 }) },
      { run: run('r3', 'three', { lr: '0.001' }), label: 'three', metrics: metrics({}) },
    ];
    const numeric = buildScatterChart(runs, { kind: 'param', key: 'lr' }, { kind: 'metric', key: 'rmse' }, 0);
    const spec = asJson(numeric.spec);
    assert.equal(spec.mark.type, 'point');
    assert.equal(spec.encoding.x.type, 'quantitative');
    assert.equal(spec.encoding.y.type, 'quantitative');
    assert.deepEqual(
      spec.data.values.map((row: Json) => [row.x, row.y]),
      [
        [0.1, 0.5],
        [0.01, 0.4],
      ],
    );
    assert.equal(numeric.notes.length, 1);
    assert.equal(countMarks(await renderSpecToSvg(numeric.spec), 'point'), 2);

    const nominal = asJson(buildScatterChart(runs, { kind: 'param', key: 'opt' }, { kind: 'param', key: 'lr' }, 0).spec);
    assert.equal(nominal.encoding.x.type, 'nominal');
    assert.equal(nominal.encoding.y.type, 'quantitative');
  });

  test('parallel coordinates: normalised per axis in the spec, one line per run, keys with dots kept whole', async () => {
    const runs: ChartRun[] = [1, 2, 3, 4].map((i) => ({
      run: run(`r${i}`, `run ${i}`, { 'model.depth': String(i * 2), optimizer: i % 2 ? 'adam' : 'sgd' }),
      label: `run ${i}`,
      metrics: metrics({ 'val.rmse': 1 / i }),
    }));
    const chart = buildParallelChart(
      runs,
      [{ kind: 'param', key: 'model.depth' }, { kind: 'param', key: 'optimizer' }, { kind: 'metric', key: 'val.rmse' }],
      { kind: 'metric', key: 'val.rmse' },
      0,
    );
    const spec = asJson(chart.spec);
    assert.deepEqual(
      spec.transform.map((t: Json) => Object.keys(t)[0]),
      ['joinaggregate', 'calculate', 'calculate'],
    );
    assert.deepEqual(spec.layer[1].encoding.x.sort, ['params.model.depth', 'params.optimizer', 'metrics.val.rmse']);
    assert.equal(spec.data.values.length, 12);
    assert.ok(chart.notes.some((note) => note.includes('0 = adam') && note.includes('1 = sgd')));
    const svg = await renderSpecToSvg(chart.spec);
    assert.equal(countMarks(svg, 'line mark'), 4, 'one polyline per run');
    assert.equal(countMarks(svg, 'rule mark'), 3, 'one rule per axis');
  });

  test('parallel coordinates of a 3x2 sweep: six lines, the best run on the colour metric drawn bold and named', async () => {
    const grid = [0.1, 0.01, 0.001].flatMap((lr) => [16, 32].map((batch) => ({ lr, batch })));
    const runs: ChartRun[] = grid.map(({ lr, batch }, i) => ({
      run: run(`r${i}`, `point ${i}`, { lr: String(lr), batch: String(batch) }),
      label: `point ${i}`,
      // Point 4 (lr 0.001, batch 16) has the lowest loss.
      metrics: metrics({ val_loss: i === 4 ? 0.05 : 1 + i / 10, accuracy: i / 10 }),
    }));
    const axes = [{ kind: 'param', key: 'lr' }, { kind: 'param', key: 'batch' }, { kind: 'metric', key: 'val_loss' }] as const;
    const chart = buildParallelChart(runs, axes, { kind: 'metric', key: 'val_loss' }, 0);
    const spec = asJson(chart.spec);
    const boldRuns = new Set(spec.data.values.filter((row: Json) => row.best).map((row: Json) => row.runId));
    assert.deepEqual([...boldRuns], ['r4'], 'the lowest loss is best by the name alone');
    assert.ok(chart.notes.includes('Best run (lowest metrics.val_loss): point 4, 0.05'), chart.notes.join(' | '));
    const svg = await renderSpecToSvg(chart.spec);
    assert.equal(countMarks(svg, 'line mark'), 6, 'one line per point of the grid');
    assert.equal((svg.match(/stroke-width="4"/g) ?? []).length, 1, 'one line drawn bold');

    const byAccuracy = buildParallelChart(runs, axes, { kind: 'metric', key: 'accuracy' }, 0);
    assert.ok(byAccuracy.notes.some((note) => note.startsWith('Best run (highest metrics.accuracy): point 5')));
    const forcedLower = asJson(buildParallelChart(runs, axes, { kind: 'metric', key: 'accuracy' }, 0, 'lower').spec);
    assert.deepEqual(forcedLower.data.values.filter((row: Json) => row.best).map((row: Json) => row.runId)[0], 'r0', 'a direction given wins over the name');
  });

  test('every chart is drawn in the webview\'s theme colours: no spec overrides them', async () => {
    const runs: ChartRun[] = [1, 2, 3].map((i) => ({
      run: run(`r${i}`, `run ${i}`, { depth: String(i) }),
      label: `run ${i}`,
      metrics: metrics({ loss: 1 / i }),
    }));
    const specs = {
      metric: buildMetricChart('loss', [history('a', 'run a', [3, 2, 1]), history('b', 'run b', [2, 1, 0.5])], { xAxis: 'step', smoothing: 0.5, logScale: false }).spec,
      scatter: buildScatterChart(runs, { kind: 'param', key: 'depth' }, { kind: 'metric', key: 'loss' }, 0).spec,
      parallel: buildParallelChart(runs, [{ kind: 'param', key: 'depth' }, { kind: 'metric', key: 'loss' }], undefined, 0).spec,
    };
    const theme = chartConfig();
    const themeColours = new Set([theme.axis?.gridColor, theme.axis?.labelColor, theme.axis?.domainColor, theme.mark?.color, theme.rule?.color, theme.text?.color]);
    for (const [name, spec] of Object.entries(specs)) {
      const sent = JSON.stringify(spec);
      assert.doesNotMatch(sent, /var\(--vscode-|#[0-9a-f]{3,6}\b|rgb\(/i, `${name}: the spec the host sends names no colour`);
      const compiled = JSON.stringify(await compileSpec(spec));
      const colours = new Set([...compiled.matchAll(/"(?:stroke|fill|color|gridColor|labelColor|tickColor|titleColor|domainColor)":\s*(?:\{"value":)?"([^"]+)"/g)].map((m) => m[1]));
      colours.delete('transparent');
      colours.delete('color'); // a legend's reference to the colour scale, whose range is the theme's palette
      assert.ok(colours.size > 0, `${name}: the compiled chart has colours`);
      for (const colour of colours) {
        const fromTheme = themeColours.has(colour) || theme.range?.category instanceof Array && (theme.range.category as string[]).includes(colour);
        assert.ok(fromTheme, `${name}: ${colour} is not one of the webview's theme colours`);
      }
    }
    // The grid is the theme's soft foreground, not any other border colour.
    assert.match(JSON.stringify(await compileSpec(specs.metric)), /"gridColor":"color-mix\(in srgb, var\(--vscode-editor-foreground\) 12%, transparent\)"/);
  });
});
