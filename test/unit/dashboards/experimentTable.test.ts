import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseCsv } from '../../../src/dashboards/csv';
import type { ExperimentTableModel } from '../../../src/protocol/dashboards/experimentRequests';
import { openDashboardFixture, seedRun, type DashboardFixture, type SeedRun } from './support/dashboardFixture';

describe('experiment table and CSV export', () => {
  let fixture: DashboardFixture;
  let experimentId: string;
  const runIds: string[] = [];

  before(async () => {
    fixture = await openDashboardFixture();
    experimentId = fixture.tracking.createExperiment({ name: 'sweep "lr", v2' });
    const seeds: SeedRun[] = [
      { name: 'a', params: { lr: '0.1', seed: '42', note: 'plain' }, metrics: { rmse: [0.9, 0.5, 0.7], acc: [0.5] } },
      { name: 'b', params: { lr: '0.01', seed: '42', note: 'comma, "quoted"\nnew line' }, metrics: { rmse: [0.8, 0.3, 0.35], acc: [NaN] } },
      { name: 'c', params: { lr: '1e-3', seed: '42' }, metrics: { rmse: [0.1234567890123456789, 1 / 3] } },
      { name: 'd', params: { lr: '10', seed: '42', depth: '6' }, metrics: { rmse: [Infinity, -Infinity, 2] } },
    ];
    seeds.forEach((seed, index) => runIds.push(seedRun(fixture.tracking, { experimentId, ...seed, startTime: 1_700_000_000_000 + index * 60_000 })));
  });
  after(() => fixture.close());

  const table = (params: object) => fixture.service.handle('experiment/table', { experimentId, ...params }) as Promise<ExperimentTableModel>;

  test('a column per param and metric, marking exactly the columns whose values differ', async () => {
    const model = await table({});
    assert.equal(model.totalRows, 4);
    assert.deepEqual(
      model.rows.map((row) => row.runId),
      [...runIds].reverse(),
      'newest first by default',
    );
    const ids = model.columns.map((column) => column.id);
    assert.deepEqual(
      ids.filter((id) => !id.startsWith('attribute:')),
      ['param:depth', 'param:lr', 'param:note', 'param:seed', 'metric:acc', 'metric:rmse'],
    );
    const differs = Object.fromEntries(model.columns.map((column) => [column.id, column.differs]));
    assert.equal(differs['param:seed'], false);
    assert.equal(differs['param:lr'], true);
    assert.equal(differs['param:depth'], true, 'present in one run only');
    assert.equal(differs['attribute:user'], false);
    assert.equal(differs['attribute:name'], true);
    const lr = model.columns.find((column) => column.id === 'param:lr');
    assert.equal(lr?.numeric, true, '1e-3 and 10 read as numbers');
    assert.equal(model.columns.find((column) => column.id === 'param:note')?.numeric, false);
  });

  test('metric cells follow the chosen aggregation (last, min, max) from the store', async () => {
    const byRun = async (aggregation: string) => {
      const model = await table({ aggregations: { rmse: aggregation } });
      return Object.fromEntries(model.rows.map((row) => [row.runId, row.cells['metric:rmse']]));
    };
    const last = await byRun('last');
    const min = await byRun('min');
    const max = await byRun('max');
    assert.deepEqual([last[runIds[0]], min[runIds[0]], max[runIds[0]]], [0.7, 0.5, 0.9]);
    assert.deepEqual([last[runIds[3]], min[runIds[3]], max[runIds[3]]], [2, -Infinity, Infinity]);
    const model = await table({ aggregations: { rmse: 'min' } });
    assert.equal(model.columns.find((column) => column.id === 'metric:rmse')?.label, 'rmse (min)');
  });

  test('sorts numbers numerically, text naturally, and runs lacking the value last either way', async () => {
    const order = async (column: string, direction: 'asc' | 'desc') =>
      (await table({ sort: { column, direction } })).rows.map((row) => runIds.indexOf(row.runId));
    assert.deepEqual(await order('param:lr', 'asc'), [2, 1, 0, 3], '1e-3 < 0.01 < 0.1 < 10');
    assert.deepEqual(await order('param:lr', 'desc'), [3, 0, 1, 2]);
    assert.deepEqual(await order('param:depth', 'asc'), [3, 2, 1, 0], 'missing last, in default order');
    assert.deepEqual(await order('param:depth', 'desc'), [3, 2, 1, 0]);
    // acc: 0.5 for a, NaN for b, missing for c and d: NaN after numbers, missing after NaN.
    assert.deepEqual(await order('metric:acc', 'desc'), [0, 1, 3, 2]);
  });

  test('pages: offset and limit slice the sorted rows; totalRows counts them all', async () => {
    const page = await table({ sort: { column: 'param:lr', direction: 'asc' }, offset: 1, limit: 2 });
    assert.equal(page.totalRows, 4);
    assert.equal(page.offset, 1);
    assert.deepEqual(
      page.rows.map((row) => runIds.indexOf(row.runId)),
      [1, 0],
    );
  });

  test('the filter language narrows the rows; a bad filter is an invalidFilter error that shows where it broke', async () => {
    const model = await table({ filter: "params.lr = '0.01' OR metrics.rmse > 1" });
    assert.deepEqual(model.rows.map((row) => runIds.indexOf(row.runId)).sort(), [1, 3]);
    await assert.rejects(table({ filter: 'metrics.rmse < AND' }), (error: Error & { code?: string }) => {
      assert.match(error.message, /Invalid filter/);
      return true;
    });
  });

  test('CSV export equals the store: params as stored strings, metrics with full precision, NaN spelled out, RFC 4180 quoting', async () => {
    const result = await fixture.service.handle('experiment/exportCsv', { experimentId });
    assert.equal(result.rowCount, 4);
    assert.match(result.fileName, /^sweep-lr-v2-runs\.csv$/);
    assert.ok(result.csv.endsWith('\r\n'));
    const { records } = parseCsv(result.csv, 100);
    const [header, ...rows] = records;
    assert.equal(header[0], 'run_id');
    assert.equal(rows.length, 4);
    for (const row of rows) {
      const stored = fixture.tracking.getRun(row[0]);
      const fields = Object.fromEntries(header.map((name, i) => [name, row[i]]));
      assert.equal(fields.run_name, stored.info.run_name);
      assert.equal(fields.start_time, String(stored.info.start_time));
      for (const param of stored.data.params ?? []) assert.equal(fields[`params.${param.key}`], param.value, param.key);
      for (const metric of stored.data.metrics ?? []) {
        const text = fields[`metrics.${metric.key}`];
        if (Number.isNaN(metric.value)) assert.equal(text, 'NaN');
        else assert.equal(Number(text), metric.value, `${metric.key} round-trips exactly`);
      }
    }
    assert.ok(result.csv.includes('"comma, ""quoted""\nnew line"'), 'quoted with doubled quotes');
  });

  test('CSV export can choose and order columns; an unknown column is refused', async () => {
    const result = await fixture.service.handle('experiment/exportCsv', { experimentId, columns: ['metric:rmse', 'param:lr'] });
    const [header] = parseCsv(result.csv, 1).records;
    assert.deepEqual(header, ['run_id', 'metrics.rmse', 'params.lr']);
    await assert.rejects(fixture.service.handle('experiment/exportCsv', { experimentId, columns: ['param:nope'] }), /column 'param:nope'/);
  });

  test('deleted runs are left out unless asked for, and then marked', async () => {
    fixture.tracking.deleteRun(runIds[3]);
    try {
      assert.ok(!(await table({})).rows.some((row) => row.runId === runIds[3]));
      const all = await table({ includeDeleted: true });
      assert.equal(all.totalRows, 4);
      assert.equal(all.rows.find((row) => row.runId === runIds[3])?.deleted, true);
      assert.equal(all.rows.find((row) => row.runId === runIds[0])?.deleted, undefined);
    } finally {
      fixture.tracking.restoreRun(runIds[3]);
    }
  });
});
