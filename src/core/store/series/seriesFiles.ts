import { createHash } from 'node:crypto';
import { decodeRecords, type PointColumns, pointBytes, recordBytes, scanRecords, toRecords, unpackPoints } from './pointRecords';
import type { SeriesStorage } from './seriesStorage';
import {
  addPoints,
  decodeEntry,
  emptyEntry,
  encodeEntry,
  type SummaryEntry,
  summaryEntryBytes,
  summaryLevels,
} from './summaries';

/** Which history: a run's metric, numbered within the run (`latest_metrics.series_id`). */
export interface SeriesRef {
  readonly runId: string;
  readonly seriesId: number;
}

/**
 * The full metric histories, outside the sql.js image (DESIGN.md, "Data"; docs/STORAGE.md):
 * `metrics/<run>/<series>.points`, fixed-width checksummed records in the order they were logged,
 * and `<series>.s<size>` summaries per bucket of `size` points. How many points a series has is
 * the database's business (`latest_metrics.point_count`): bytes past it are left over from a crash
 * and are overwritten when the journal is replayed.
 */
export class SeriesFiles {
  constructor(private readonly storage: SeriesStorage) {}

  /** Writes points `start..` of a series (packed, `pointBytes` each) and brings its summaries up to date. */
  write(series: SeriesRef, start: number, points: Uint8Array): void {
    const count = points.length / pointBytes;
    if (count === 0) return;
    const name = pointsFile(series);
    this.storage.write(name, start * recordBytes, toRecords(points));
    const columns = unpackPoints(points);
    for (const size of summaryLevels) this.updateSummaries(series, size, start, columns);
  }

  /** Points the file holds of the `expected` the database counts (fewer only if a file was lost). */
  available(series: SeriesRef, expected: number): number {
    return Math.min(expected, Math.floor(this.storage.size(pointsFile(series)) / recordBytes));
  }

  /** Points `from..from+count` as logged. Throws DamagedRecordError for a record that fails its checksum. */
  read(series: SeriesRef, from: number, count: number): PointColumns {
    const name = pointsFile(series);
    const bytes = Buffer.allocUnsafe(Math.max(0, count) * recordBytes);
    const got = Math.floor(this.storage.read(name, from * recordBytes, bytes) / recordBytes);
    return decodeRecords(bytes, got, name, from);
  }

  /** Hands `visit` points `0..count` as logged, a block at a time, checksums unchecked (scanRecords). */
  scan(series: SeriesRef, count: number, visit: (index: number, step: number, timestamp: number, value: number) => void): void {
    const block = 64 * 1024;
    const bytes = Buffer.allocUnsafe(Math.min(count, block) * recordBytes);
    for (let from = 0; from < count; from += block) {
      const wanted = Math.min(block, count - from);
      const got = Math.floor(this.storage.read(pointsFile(series), from * recordBytes, bytes.subarray(0, wanted * recordBytes)) / recordBytes);
      scanRecords(bytes, got, from, visit);
      if (got < wanted) return;
    }
  }

  /**
   * The summaries of the first `count` points, at the coarsest level that still gives at least
   * `minEntries` entries (the finest when none does).
   */
  summaries(series: SeriesRef, count: number, minEntries: number): { size: number; entries: SummaryEntry[] } {
    const size = [...summaryLevels].reverse().find((s) => count / s >= minEntries) ?? summaryLevels[0];
    const buckets = Math.ceil(count / size);
    const bytes = Buffer.allocUnsafe(buckets * summaryEntryBytes);
    const got = this.storage.read(summaryFile(series, size), 0, bytes);
    const entries: SummaryEntry[] = [];
    for (let b = 0; b < buckets; b++) {
      const expected = Math.min(size, count - b * size);
      const entry = (b + 1) * summaryEntryBytes <= got ? decodeEntry(bytes, b * summaryEntryBytes) : undefined;
      entries.push(entry?.count === expected ? entry : this.recompute(series, b * size, expected));
    }
    return { size, entries };
  }

  /** Drops a run's files (a purge). */
  removeRun(runId: string): void {
    this.storage.removeFolder(runFolder(runId));
  }

  /** Flushes everything written since the last sync: a checkpoint does this before emptying the journal. */
  sync(): void {
    this.storage.sync();
  }

  /** Whether `sync` has anything to flush. */
  get unflushed(): boolean {
    return this.storage.unflushed;
  }

  /** Flushes what was written so far off the event loop, leaving `sync` little to do. */
  syncInBackground(): Promise<void> {
    return this.storage.syncInBackground();
  }

  close(): void {
    this.storage.close();
  }

  private updateSummaries(series: SeriesRef, size: number, start: number, columns: PointColumns): void {
    const name = summaryFile(series, size);
    const end = start + columns.steps.length;
    const firstBucket = Math.floor(start / size);
    const lastBucket = Math.floor((end - 1) / size);
    const out = Buffer.allocUnsafe((lastBucket - firstBucket + 1) * summaryEntryBytes);
    for (let b = firstBucket; b <= lastBucket; b++) {
      const bucketStart = b * size;
      let entry: SummaryEntry;
      if (start > bucketStart) {
        // The bucket already holds points before these: extend its entry (recomputed if stale).
        const old = this.readEntry(name, b);
        entry = old?.count === start - bucketStart ? old : this.recompute(series, bucketStart, start - bucketStart);
      } else {
        entry = emptyEntry();
      }
      const from = Math.max(bucketStart, start) - start;
      const to = Math.min(bucketStart + size, end) - start;
      addPoints(entry, columns, from, to);
      encodeEntry(entry, out, (b - firstBucket) * summaryEntryBytes);
    }
    this.storage.write(name, firstBucket * summaryEntryBytes, out);
  }

  private readEntry(name: string, bucket: number): SummaryEntry | undefined {
    const bytes = Buffer.allocUnsafe(summaryEntryBytes);
    if (this.storage.read(name, bucket * summaryEntryBytes, bytes) < summaryEntryBytes) return undefined;
    return decodeEntry(bytes, 0);
  }

  private recompute(series: SeriesRef, from: number, count: number): SummaryEntry {
    const entry = emptyEntry();
    const points = this.read(series, from, count);
    addPoints(entry, points, 0, points.steps.length);
    return entry;
  }
}

/**
 * A run's folder: its id when that is a plain id (RunLens's and MLflow's run ids are hex), else a
 * digest of it, so that no run id (imported ones are untrusted) can name a path.
 */
export function runFolder(runId: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(runId) ? runId : `h-${createHash('sha256').update(runId).digest('hex')}`;
}

function pointsFile(series: SeriesRef): string {
  return `${runFolder(series.runId)}/${series.seriesId}.points`;
}

function summaryFile(series: SeriesRef, size: number): string {
  return `${runFolder(series.runId)}/${series.seriesId}.s${size}`;
}
