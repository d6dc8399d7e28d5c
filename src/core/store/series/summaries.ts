import { crc32 } from '../crc32';
import type { PointColumns } from './pointRecords';

/**
 * Precomputed summaries of a history for charts: per bucket of `size` consecutive points (in the
 * order they were logged), how many, the first and last point, and the points of the least and
 * greatest finite value. A chart of a 10,000,000-point metric reads 40,000 of these (about 4 MB)
 * instead of 280 MB of points. Derived data: a summary that does not match its points (cut off
 * by a crash) is recomputed from them.
 *
 *   entry := f64 count, (f64 step, f64 timestamp, f64 value) × first, last, min, max, u32 crc, u32 0
 */
export const summaryLevels = [256, 16384] as const;
export const summaryEntryBytes = 112;

export interface SummaryPoint {
  step: number;
  timestamp: number;
  value: number;
}

export interface SummaryEntry {
  count: number;
  first: SummaryPoint;
  last: SummaryPoint;
  /** NaN value when the bucket has no finite value. */
  min: SummaryPoint;
  max: SummaryPoint;
}

export function emptyEntry(): SummaryEntry {
  const none = (): SummaryPoint => ({ step: 0, timestamp: 0, value: NaN });
  return { count: 0, first: none(), last: none(), min: none(), max: none() };
}

/** Folds points `from..to` of `points` into `entry`. */
export function addPoints(entry: SummaryEntry, points: PointColumns, from: number, to: number): void {
  const { steps, timestamps, values } = points;
  for (let i = from; i < to; i++) {
    const point = { step: steps[i], timestamp: timestamps[i], value: values[i] };
    if (entry.count === 0) entry.first = point;
    entry.last = point;
    entry.count++;
    const value = values[i];
    if (!Number.isFinite(value)) continue;
    if (!Number.isFinite(entry.min.value) || value < entry.min.value) entry.min = point;
    if (!Number.isFinite(entry.max.value) || value > entry.max.value) entry.max = point;
  }
}

export function encodeEntry(entry: SummaryEntry, into: Buffer, offset: number): void {
  into.writeDoubleLE(entry.count, offset);
  let at = offset + 8;
  for (const point of [entry.first, entry.last, entry.min, entry.max]) {
    into.writeDoubleLE(point.step, at);
    into.writeDoubleLE(point.timestamp, at + 8);
    into.writeDoubleLE(point.value, at + 16);
    at += 24;
  }
  into.writeUInt32LE(crc32(into.subarray(offset, at)), at);
  into.writeUInt32LE(0, at + 4);
}

/** Undefined when the entry fails its checksum (never written, or cut off). */
export function decodeEntry(bytes: Buffer, offset: number): SummaryEntry | undefined {
  const end = offset + summaryEntryBytes - 8;
  if (crc32(bytes.subarray(offset, end)) !== bytes.readUInt32LE(end)) return undefined;
  const point = (at: number): SummaryPoint => ({
    step: bytes.readDoubleLE(at),
    timestamp: bytes.readDoubleLE(at + 8),
    value: bytes.readDoubleLE(at + 16),
  });
  return {
    count: bytes.readDoubleLE(offset),
    first: point(offset + 8),
    last: point(offset + 32),
    min: point(offset + 56),
    max: point(offset + 80),
  };
}
