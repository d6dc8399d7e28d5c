import assert from 'node:assert/strict';
import { closeSync, openSync, readdirSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readMetricColumns } from '../../../src/dashboards/metricSeriesReader';
import { Database } from '../../../src/core/store/database';
import type { OpenOptions } from '../../../src/core/store/databaseApi';
import { DamagedRecordError, recordBytes } from '../../../src/core/store/series/pointRecords';
import { TrackingStore } from '../../../src/core/store/trackingStore';
import { tempDir } from './storeTestKit';

// No background checkpoint: a database the test leaves open is what a crashed process leaves behind.
const manual: OpenOptions = { idleCheckpointMs: 0, checkpointBytes: 1 << 30 };

async function openTracking(dir: string): Promise<TrackingStore> {
  return new TrackingStore(await Database.open({ ...manual, dir }));
}

function curve(from: number, count: number, key = 'loss'): { key: string; value: number; timestamp: number; step: number }[] {
  return Array.from({ length: count }, (_, i) => ({ key, value: Math.cos(from + i) * (from + i), timestamp: 1000 + from + i, step: from + i }));
}

describe('metric history files', () => {
  it('keep points in metrics/<run>/, 28 bytes each, and replay the ones a crash left only in the journal', async (t) => {
    const dir = tempDir(t);
    const first = await openTracking(dir);
    const runId = first.createRun({}).info.run_id;
    first.logBatch(runId, { metrics: curve(0, 1000) });
    first.db.checkpoint();
    first.logBatch(runId, { metrics: [...curve(1000, 500), { key: 'loss', value: NaN, timestamp: 5000, step: 1500 }] });
    const before = first.getMetricHistory(runId, 'loss').metrics;
    const file = path.join(dir, 'metrics', runId, '1.points');
    assert.equal(statSync(file).size, 1501 * recordBytes);
    // A crash that lost the unflushed part of the file: only the journal has points 1000 on.
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(500 * recordBytes, 0xee), 0, 500 * recordBytes, 1000 * recordBytes);
    closeSync(fd);

    const second = await openTracking(dir);
    assert.equal(second.db.recovery.replayedRecords, 1);
    assert.deepEqual(second.getMetricHistory(runId, 'loss').metrics, before);
    assert.ok(Number.isNaN(second.getMetricHistory(runId, 'loss').metrics.at(-1)?.value));
    assert.deepEqual(second.db.all('SELECT * FROM metrics'), [], 'no point without a link stays in the image');
    second.db.close();
  });

  it('refuse a damaged point rather than return a wrong value', async (t) => {
    const dir = tempDir(t);
    const tracking = await openTracking(dir);
    const runId = tracking.createRun({}).info.run_id;
    tracking.logBatch(runId, { metrics: curve(0, 100) });
    tracking.db.close();
    const fd = openSync(path.join(dir, 'metrics', runId, '1.points'), 'r+');
    writeSync(fd, Buffer.from([0x42]), 0, 1, 50 * recordBytes + 3);
    closeSync(fd);
    const reopened = await openTracking(dir);
    assert.throws(() => reopened.getMetricHistory(runId, 'loss'), (error: unknown) => error instanceof DamagedRecordError && error.index === 50);
    assert.equal(reopened.getMetricHistory(runId, 'loss', { maxResults: 50 }).metrics.length, 50, 'the points before it still read');
    reopened.db.close();
  });

  it('draw a long history from its summaries: first, last, least and greatest of each bucket', async (t) => {
    const tracking = new TrackingStore(await Database.open());
    t.after(() => tracking.db.close());
    const runId = tracking.createRun({}).info.run_id;
    const total = 210_000;
    for (let from = 0; from < total; from += 1000) tracking.logBatch(runId, { metrics: curve(from, 1000) });
    const columns = readMetricColumns(tracking.db, runId, 'loss', true);
    assert.equal(columns.totalPoints, total);
    assert.ok(columns.steps.length < total / 20 && columns.steps.length > 2000, `${columns.steps.length} points drawn`);
    const full = tracking.getMetricHistory(runId, 'loss').metrics;
    const greatest = (values: readonly number[]): number => values.reduce((a, b) => Math.max(a, b), -Infinity);
    const least = (values: readonly number[]): number => values.reduce((a, b) => Math.min(a, b), Infinity);
    assert.equal(greatest(columns.values), greatest(full.map((p) => p.value)), 'the greatest value is drawn');
    assert.equal(least(columns.values), least(full.map((p) => p.value)), 'the least value is drawn');
    assert.deepEqual([columns.steps[0], columns.steps.at(-1)], [0, total - 1]);
    assert.deepEqual(columns.steps, [...columns.steps].sort((a, b) => a - b), 'in step order');
  });

  it('go with a purged run', async (t) => {
    const dir = tempDir(t);
    const tracking = await openTracking(dir);
    const purged = tracking.createRun({}).info.run_id;
    const kept = tracking.createRun({}).info.run_id;
    for (const runId of [purged, kept]) tracking.logBatch(runId, { metrics: curve(0, 10) });
    tracking.purgeRun(purged);
    assert.deepEqual(readdirSync(path.join(dir, 'metrics')), [kept]);
    tracking.db.close();
  });
});
