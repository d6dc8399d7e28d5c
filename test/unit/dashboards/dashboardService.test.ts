import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listArtifactsDeep } from '../../../src/dashboards/artifactListing';
import { DashboardError } from '../../../src/dashboards/dashboardError';
import { storeRootOf } from '../../../src/core/store/runArtifactRoot';
import { maxImagePreviewBytes, type ArtifactPreview } from '../../../src/protocol/dashboards/artifactPreview';
import { serviceRequests } from '../../../src/protocol/dashboards/methods';
import { openDashboardFixture, rejectsWith, seedRun, writeArtifact, type DashboardFixture } from './support/dashboardFixture';

describe('DashboardService', () => {
  let fixture: DashboardFixture;
  let experimentId: string;
  let runId: string;
  let otherId: string;

  before(async () => {
    fixture = await openDashboardFixture();
    experimentId = fixture.tracking.createExperiment({ name: 'mnist' });
    runId = seedRun(fixture.tracking, {
      experimentId,
      name: 'baseline',
      params: { lr: '0.01', epochs: '3' },
      tags: {
        'mlflow.source.git.commit': '3f2a1c0ffee',
        'mlflow.source.git.branch': 'main',
        'runlens.git.dirty': 'true',
        'mlflow.source.name': 'train.py',
        'runlens.command': 'python train.py --lr 0.01',
        'mlflow.note.content': '# Notes\n<img src=x onerror=alert(1)>',
        team: 'vision',
      },
      metrics: { val_loss: [0.9, 0.4, 0.6, NaN], accuracy: [0.5, 0.8, 0.7] },
      end: { status: 'FINISHED', endTime: 1_700_000_090_000 },
    });
    otherId = seedRun(fixture.tracking, {
      experimentId,
      name: 'wider',
      params: { lr: '0.1', epochs: '3', width: '512' },
      tags: { 'mlflow.source.git.commit': 'abc1234', 'mlflow.source.name': 'train.py', team: 'vision' },
      metrics: { val_loss: [0.8, 0.3], accuracy: [0.6, 0.9] },
    });
    await writeArtifact(fixture, runId, 'runlens/output.log', 'epoch 1\nepoch 2\n');
    await writeArtifact(fixture, runId, 'runlens/uncommitted.patch', 'diff --git a/train.py b/train.py\n');
    await writeArtifact(fixture, runId, 'model/MLmodel', 'flavors: {}\n');
    await writeArtifact(fixture, runId, 'metrics.json', '{"a":1,"b":[1,2]}');
    await writeArtifact(fixture, runId, 'table.csv', 'x,y\n1,"a,b"\n2,c\n');
    await writeArtifact(fixture, runId, 'plot.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]));
    await writeArtifact(fixture, runId, 'huge.png', Buffer.alloc(maxImagePreviewBytes + 1));
    await writeArtifact(fixture, runId, 'weights.bin', Buffer.from([1, 2, 0, 3]));
    await writeArtifact(fixture, runId, 'long.log', Array.from({ length: 40_000 }, (_, i) => `line ${i}`).join('\n'));
  });
  after(() => fixture.close());

  test('run/get: header from the run and its tags, params, metric summaries from the store, artifacts, note', async () => {
    const model = await fixture.service.handle('run/get', { runId });
    assert.equal(model.header.name, 'baseline');
    assert.equal(model.header.experimentName, 'mnist');
    assert.equal(model.header.status, 'FINISHED');
    assert.equal(model.header.durationMs, 90_000);
    assert.equal(model.header.user, 'ada');
    assert.deepEqual(model.header.code, {
      commit: '3f2a1c0ffee',
      branch: 'main',
      dirty: true,
      sourceFile: 'train.py',
      command: 'python train.py --lr 0.01',
    });
    assert.deepEqual(model.params, [
      { key: 'epochs', value: '3' },
      { key: 'lr', value: '0.01' },
    ]);
    const loss = model.metrics.find((metric) => metric.key === 'val_loss');
    assert.ok(loss);
    assert.ok(Number.isNaN(loss.last), 'the last value logged was NaN');
    assert.equal(loss.lastStep, 3);
    assert.equal(loss.min, 0.4);
    assert.equal(loss.max, 0.9);
    assert.equal(loss.points, 4);
    assert.equal(model.note, '# Notes\n<img src=x onerror=alert(1)>', 'the note comes back as text, untouched');
    assert.equal(model.tags.find((tag) => tag.key === 'team')?.system, false);
    assert.equal(model.tags.find((tag) => tag.key === 'mlflow.source.name')?.system, true);
    assert.equal(model.outputLogPath, 'runlens/output.log');
    assert.equal(model.patchPath, 'runlens/uncommitted.patch');
    const paths = model.artifacts.items.map((item) => item.path);
    assert.ok(paths.includes('model') && paths.includes('model/MLmodel') && paths.includes('runlens/output.log'));
    assert.equal(model.artifacts.items.find((item) => item.path === 'runlens/output.log')?.size, 16);
    assert.equal(model.artifacts.truncated, false);
  });

  test("run/get: the run's logged models with the metrics they were scored with and the evaluation dataset of each", async () => {
    const { tracking } = fixture;
    const scored = seedRun(tracking, { experimentId, name: 'scored' });
    const model = tracking.createLoggedModel({ experimentId, name: 'clf', sourceRunId: scored });
    const modelId = model.info.model_id;
    tracking.logBatch(scored, {
      metrics: [
        { key: 'accuracy', value: 0.91, timestamp: 1_700_000_100_000, step: 0, modelId, datasetName: 'holdout', datasetDigest: 'abc123ef99' },
        { key: 'accuracy', value: NaN, timestamp: 1_700_000_100_001, step: 1, modelId, datasetName: 'holdout', datasetDigest: 'abc123ef99' },
        { key: 'rmse', value: 0.2, timestamp: 1_700_000_100_002, step: 0, modelId },
      ],
    });
    const run = await fixture.service.handle('run/get', { runId: scored });
    assert.deepEqual(
      run.loggedModels.map((m) => m.modelId),
      [modelId],
    );
    const metrics = [...run.loggedModels[0].metrics].sort((a, b) => a.key.localeCompare(b.key) || a.step - b.step);
    assert.deepEqual(
      metrics.map(({ key, step, datasetName, datasetDigest }) => ({ key, step, datasetName, datasetDigest })),
      [
        { key: 'accuracy', step: 0, datasetName: 'holdout', datasetDigest: 'abc123ef99' },
        { key: 'accuracy', step: 1, datasetName: 'holdout', datasetDigest: 'abc123ef99' },
        { key: 'rmse', step: 0, datasetName: undefined, datasetDigest: undefined },
      ],
    );
    assert.equal(metrics[0].value, 0.91);
    assert.ok(Number.isNaN(metrics[1].value), 'NaN stays NaN');
  });

  test('artifact listings stop at their cap and say so', async () => {
    const root = storeRootOf(fixture.tracking.getRun(runId).info.artifact_uri)!;
    const capped = await listArtifactsDeep(fixture.artifacts, root, 3);
    assert.equal(capped.items.length, 3);
    assert.equal(capped.truncated, true);
    const whole = await listArtifactsDeep(fixture.artifacts, root, 1000);
    assert.equal(whole.truncated, false);
    assert.deepEqual(
      whole.items.filter((item) => item.isDir).map((item) => item.path),
      ['model', 'runlens'],
    );
  });

  test('run/metricSeries: a chart per metric with one line per run; keys default to every metric', async () => {
    const result = await fixture.service.handle('run/metricSeries', { runIds: [runId, otherId] });
    assert.deepEqual(
      result.charts.map((chart) => chart.key),
      ['accuracy', 'val_loss'],
    );
    const loss = result.charts[1];
    assert.deepEqual(
      loss.series.map((s) => [s.runName, s.totalPoints, s.shownPoints]),
      [
        ['baseline', 4, 3],
        ['wider', 2, 2],
      ],
    );
    assert.equal(loss.notes.length, 1, 'the NaN point is reported, not drawn');
    const smoothed = await fixture.service.handle('run/metricSeries', {
      runIds: [runId],
      keys: ['accuracy'],
      chart: { xAxis: 'relative', smoothing: 0.5, logScale: true },
    });
    assert.equal(smoothed.charts.length, 1);
    assert.equal(JSON.parse(JSON.stringify(smoothed.charts[0].spec)).layer.length, 3);
    assert.deepEqual(smoothed.availableKeys, ['accuracy', 'val_loss'], 'every key of the runs, not only those asked for');
  });

  test('run/metricSeries with limit: the first charts only, and every key to ask for the rest', async () => {
    const first = await fixture.service.handle('run/metricSeries', { runIds: [runId, otherId], limit: 1 });
    assert.deepEqual(first.charts.map((chart) => chart.key), ['accuracy']);
    assert.deepEqual(first.availableKeys, ['accuracy', 'val_loss']);
    const rest = await fixture.service.handle('run/metricSeries', { runIds: [runId, otherId], keys: ['val_loss', 'accuracy'], limit: 1 });
    assert.deepEqual(rest.charts.map((chart) => chart.key), ['val_loss'], 'limit takes the first of the keys, in their order');
    await rejectsWith(fixture.service.handle('run/metricSeries', { runIds: [runId], limit: 0 }), 'invalidParams', /'limit' must be an integer from 1 to 100/);
  });

  test('compare/get: params, metrics and tags side by side, deltas and the better side by direction', async () => {
    const model = await fixture.service.handle('compare/get', { runIds: [runId, otherId] });
    assert.deepEqual(
      model.runs.map((run) => run.name),
      ['baseline', 'wider'],
    );
    assert.deepEqual(
      model.params.map((row) => [row.key, row.status]),
      [
        ['epochs', 'equal'],
        ['lr', 'changed'],
        ['width', 'onlyRight'],
      ],
    );
    const accuracy = model.metrics.find((row) => row.key === 'accuracy');
    assert.deepEqual(accuracy?.best, [1]);
    assert.ok(Math.abs(accuracy!.deltas[1]!.absolute - (0.9 - 0.7)) < 1e-12);
    assert.equal(model.counts.params.differing, 2);
    assert.equal(model.runs[0].patchPath, 'runlens/uncommitted.patch');
    assert.equal(model.runs[1].patchPath, undefined);
    assert.equal(model.codeComparable, true);

    const only = await fixture.service.handle('compare/get', { runIds: [runId, otherId], onlyDifferences: true, directions: { accuracy: 'lower' } });
    assert.deepEqual(
      only.params.map((row) => row.key),
      ['lr', 'width'],
    );
    assert.ok(only.tags.every((row) => row.differs));
    assert.deepEqual(only.metrics.find((row) => row.key === 'accuracy')?.best, [0]);
  });

  test('compare/candidates: matches names case-insensitively, leaves out runs already shown', async () => {
    const third = seedRun(fixture.tracking, { name: 'Wider-Still', experimentId });
    const found = await fixture.service.handle('compare/candidates', { query: 'WIDER', excludeRunIds: [otherId] });
    assert.deepEqual(
      found.runs.map((run) => run.runId),
      [third],
    );
    const all = await fixture.service.handle('compare/candidates', { query: '', experimentId, limit: 2 });
    assert.equal(all.runs.length, 2);
    assert.equal(all.runs[0].experimentName, 'mnist');
  });

  test('note/set stores Markdown as the mlflow.note.content tag, exactly as written', async () => {
    const markdown = '**bold** </script><script>alert(1)</script> \u202Eevil\u200B';
    const result = await fixture.service.handle('note/set', { runId: otherId, markdown });
    assert.equal(result.note, markdown);
    const tag = fixture.tracking.getRun(otherId).data.tags?.find((t) => t.key === 'mlflow.note.content');
    assert.equal(tag?.value, markdown);
    assert.equal((await fixture.service.handle('run/get', { runId: otherId })).note, markdown);
  });

  test('artifact/preview: text, JSON, CSV rows, images as data URLs, and only sizes for binary or too large', async () => {
    const preview = (path: string, from?: 'start' | 'end') => fixture.service.handle('artifact/preview', { runId, path, from }) as Promise<ArtifactPreview>;
    assert.deepEqual(await preview('runlens/output.log'), { kind: 'text', text: 'epoch 1\nepoch 2\n', size: 16, truncated: false });
    assert.deepEqual(await preview('metrics.json'), { kind: 'json', text: '{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ]\n}', size: 17, truncated: false });
    assert.deepEqual(await preview('table.csv'), { kind: 'csv', header: ['x', 'y'], rows: [['1', 'a,b'], ['2', 'c']], size: 16, truncated: false });
    const image = await preview('plot.png');
    assert.equal(image.kind, 'image');
    assert.ok(image.kind === 'image' && image.dataUrl.startsWith('data:image/png;base64,iVBORw0KGgo'));
    assert.deepEqual(await preview('huge.png'), { kind: 'tooLarge', size: maxImagePreviewBytes + 1, limit: maxImagePreviewBytes });
    assert.deepEqual(await preview('weights.bin'), { kind: 'binary', size: 4 });
    const tail = await preview('long.log', 'end');
    assert.ok(tail.kind === 'text' && tail.truncated && tail.text.endsWith('line 39999') && tail.text.startsWith('line '));
    const head = await preview('long.log');
    assert.ok(head.kind === 'text' && head.truncated && head.text.startsWith('line 0\n'));
  });

  test('artifact/preview refuses paths that leave the run, and answers notFound for a missing file', async () => {
    await rejectsWith(fixture.service.handle('artifact/preview', { runId, path: '../../x' }), 'invalidParams', /'\.\.' segments/);
    await rejectsWith(fixture.service.handle('artifact/preview', { runId, path: '/etc/passwd' }), 'invalidParams', /relative/);
    await rejectsWith(fixture.service.handle('artifact/preview', { runId, path: 'nope.txt' }), 'notFound', /does not exist/);
  });

  test('bad params are clear errors naming the method and the field, never a crash', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['run/get', undefined, /params must be an object/],
      ['run/get', [], /params must be an object/],
      ['run/get', { runId: 42 }, /'runId' must be a non-empty string/],
      ['run/metricSeries', { runIds: [] }, /'runIds' must hold 1 to 100/],
      ['run/metricSeries', { runIds: [runId], chart: { smoothing: 1 } }, /'chart.smoothing' must be a number in \[0, 1\)/],
      ['run/metricSeries', { runIds: [runId], chart: { xAxis: 'epoch' } }, /'chart.xAxis' must be one of 'step', 'time', 'relative'/],
      ['experiment/table', { experimentId, limit: 0 }, /'limit' must be an integer from 1 to 1000/],
      ['experiment/table', { experimentId, sort: { column: 'x', direction: 'up' } }, /'sort.direction'/],
      ['experiment/table', { experimentId, aggregations: { rmse: 'mean' } }, /'aggregations' values must be 'last', 'min' or 'max'/],
      ['experiment/charts', { runIds: [runId], scatter: { x: { kind: 'param' }, y: { kind: 'metric', key: 'a' } } }, /'scatter.x'.key/],
      ['experiment/charts', { runIds: [runId], parallel: { keys: [{ kind: 'param', key: 'lr' }] } }, /'parallel.keys' must be a list of 2 to 30/],
      ['compare/get', { runIds: [runId] }, /'runIds' must hold 2 to 100/],
      ['compare/get', { runIds: [runId, runId] }, /not 1/],
      ['compare/get', { runIds: [runId, otherId], directions: { loss: 'down' } }, /'directions'/],
      ['note/set', { runId, markdown: 7 }, /'markdown' must be a string/],
      ['artifact/preview', { runId, path: 'x', from: 'middle' }, /'from' must be one of/],
    ];
    for (const [method, params, message] of cases) {
      await rejectsWith(fixture.service.handle(method, params), 'invalidParams', message);
    }
    await rejectsWith(fixture.service.handle('run/delete', {}), 'invalidParams', /Unknown dashboard request 'run\/delete'/);
    await rejectsWith(fixture.service.handle('run/openSource', { runId }), 'invalidParams', /Unknown dashboard request/);
  });

  test('a missing run or experiment is notFound', async () => {
    await rejectsWith(fixture.service.handle('run/get', { runId: 'f'.repeat(32) }), 'notFound', /not found|does not exist/i);
    await rejectsWith(fixture.service.handle('compare/get', { runIds: [runId, 'f'.repeat(32)] }), 'notFound', /./);
    await rejectsWith(fixture.service.handle('experiment/table', { experimentId: '999' }), 'notFound', /./);
  });

  test('experiment/charts: fields for the pickers, overlay, scatter and parallel coordinates in one answer', async () => {
    const result = await fixture.service.handle('experiment/charts', {
      runIds: [runId, otherId],
      overlay: { keys: ['accuracy'] },
      scatter: { x: { kind: 'param', key: 'lr' }, y: { kind: 'metric', key: 'accuracy', aggregation: 'max' } },
      parallel: { keys: [{ kind: 'param', key: 'lr' }, { kind: 'metric', key: 'val_loss', aggregation: 'min' }], color: { kind: 'metric', key: 'accuracy' } },
    });
    assert.deepEqual(
      result.fields.map((field) => `${field.kind}:${field.key}`),
      ['param:epochs', 'param:lr', 'param:width', 'metric:accuracy', 'metric:val_loss'],
    );
    assert.equal(result.overlay?.length, 1);
    const scatter = JSON.parse(JSON.stringify(result.scatter?.spec));
    assert.deepEqual(
      scatter.data.values.map((row: { x: number; y: number }) => [row.x, row.y]),
      [
        [0.01, 0.8],
        [0.1, 0.9],
      ],
    );
    assert.equal(JSON.parse(JSON.stringify(result.parallel?.spec)).data.values.length, 4);
  });

  test('every service request of the protocol is dispatched', async () => {
    for (const request of serviceRequests) {
      await assert.rejects(fixture.service.handle(request.method, null), (error: unknown) => {
        assert.ok(DashboardError.is(error, 'invalidParams'), `${request.method}: ${String(error)}`);
        return true;
      });
    }
  });
});
