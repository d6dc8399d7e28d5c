import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { readMetricColumns } from '../../../src/dashboards/metricSeriesReader';
import { runHistory } from '../../../src/core/export/storeReads';
import type { Param, Reader, Row } from '../../../src/core/store/databaseApi';
import type { PointColumns } from '../../../src/core/store/series/pointRecords';
import {
  getMetricHistories,
  getMetricHistory,
  getMetricHistoryBulkInterval,
  type HistoryPage,
  metricHistoryPage,
} from '../../../src/core/store/tracking/metricHistory';
import type { MetricInput } from '../../../src/core/store/tracking/metricWrites';
import type { TrackingStore } from '../../../src/core/store/trackingStore';
import { openTrackingStore } from './support/trackingFixture';

/** [step, timestamp, value] in history order: ties on step and timestamp come by value, NaN first. */
const ordered: [number, number, number][] = [
  [0, 5, 9],
  [1, 9, 100],
  [1, 10, NaN],
  [1, 10, -Infinity],
  [1, 10, -2],
  [1, 10, 0.5],
  [1, 10, 3],
  [1, 10, Infinity],
  [2, 1, -1],
];
const points: MetricInput[] = ordered.map(([step, timestamp, value]) => ({ key: 'loss', value, timestamp, step }));
/** The order they are logged in: nothing like history order, so insertion order cannot pass for it. */
const loggedOrder = [6, 2, 8, 4, 0, 7, 3, 1, 5];

const triples = (metrics: readonly { step: number; timestamp: number; value: number }[]): [number, number, number][] =>
  metrics.map((point) => [point.step, point.timestamp, point.value]);

/** A Reader over the real database that keeps every statement it was asked to run. */
class RecordingReader implements Reader {
  readonly statements: { sql: string; params: readonly Param[] }[] = [];

  constructor(private readonly db: Reader) {}

  get series(): Reader['series'] {
    return this.db.series;
  }

  all<T = Row>(sql: string, params: readonly Param[] = []): T[] {
    this.statements.push({ sql, params });
    return this.db.all<T>(sql, params);
  }

  get<T = Row>(sql: string, params: readonly Param[] = []): T | undefined {
    this.statements.push({ sql, params });
    return this.db.get<T>(sql, params);
  }

  values(sql: string, params: readonly Param[] = []): Param[][] {
    this.statements.push({ sql, params });
    return this.db.values(sql, params);
  }

  each(sql: string, params: readonly Param[], onRow: (row: Param[]) => void): void {
    this.statements.push({ sql, params });
    this.db.each(sql, params, onRow);
  }
}

describe('metric history order', () => {
  let store: TrackingStore;
  let runId: string;

  beforeEach(async () => {
    store = await openTrackingStore();
    runId = store.createRun({ experimentId: store.createExperiment({ name: 'order' }) }).info.run_id;
    for (const index of loggedOrder) store.logMetric(runId, points[index]);
  });
  afterEach(() => store.db.close());

  test('ties on step and timestamp come by value, NaN first, whatever order they were logged in', () => {
    assert.deepEqual(triples(store.getMetricHistory(runId, 'loss').metrics), ordered);
  });

  test('pages of any size join up to the whole history, ties included', () => {
    for (const maxResults of [1, 2, 4]) {
      const joined: [number, number, number][] = [];
      let pageToken: string | undefined;
      do {
        const page = store.getMetricHistory(runId, 'loss', { maxResults, pageToken });
        joined.push(...triples(page.metrics));
        pageToken = page.nextPageToken;
      } while (pageToken !== undefined);
      assert.deepEqual(joined, ordered, `pages of ${maxResults}`);
    }
  });

  test('every other read of a history keeps the same order', () => {
    assert.deepEqual(triples(store.getMetricHistories(runId, ['loss']).get('loss') ?? []), ordered, 'charts in the extension');
    const columns = readMetricColumns(store.db, runId, 'loss', true);
    assert.deepEqual(
      columns.steps.map((step, i) => [step, columns.timestamps?.[i], columns.values[i]]),
      ordered,
      "the dashboards' series",
    );
    assert.deepEqual(triples(store.getMetricHistoryBulkInterval({ runIds: [runId], metricKey: 'loss' })), ordered, 'bulk interval');
    assert.deepEqual(triples(runHistory(store.db, runId)), ordered, 'export');

    const model = store.createLoggedModel({ experimentId: store.getRun(runId).info.experiment_id, sourceRunId: runId });
    store.logBatch(runId, { metrics: loggedOrder.map((index) => ({ ...points[index], modelId: model.info.model_id })) });
    assert.deepEqual(triples(store.getLoggedModel(model.info.model_id).data.metrics ?? []), ordered, "a logged model's metrics");
  });

  test("get-history and the dashboards' series read the history files: no point comes from SQL", () => {
    const reader = new RecordingReader(store.db);
    const readWhole = (page: HistoryPage): PointColumns => page.read(0, page.count);
    readWhole(metricHistoryPage(reader, runId, 'loss', {}));
    readWhole(metricHistoryPage(reader, runId, 'loss', { maxResults: 2 }));
    const token = getMetricHistory(reader, runId, 'loss', { maxResults: 2 }).nextPageToken;
    readWhole(metricHistoryPage(reader, runId, 'loss', { maxResults: 2, pageToken: token }));
    readMetricColumns(reader, runId, 'loss', false);
    readMetricColumns(reader, runId, 'loss', true);
    getMetricHistories(reader, runId, ['loss', 'acc']);
    getMetricHistoryBulkInterval(reader, { runIds: [runId], metricKey: 'loss', maxResults: 2 });

    assert.ok(reader.statements.length >= 8, `${reader.statements.length} statements recorded`);
    const pointReads = reader.statements.filter((statement) => /\bFROM metrics\b/.test(statement.sql));
    assert.deepEqual(pointReads, [], 'the sql.js image holds no history');
  });
});
