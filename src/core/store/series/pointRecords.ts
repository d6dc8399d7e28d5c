import { crc32Range, crc32Words } from '../crc32';

/**
 * A metric point as the history files and the journal carry it: step, timestamp and value, three
 * little-endian float64s. Steps and timestamps are integers below 2^53 (JSON numbers), so a
 * float64 holds them exactly; NaN, ±Infinity and -0 values are kept as they are.
 */
export const pointBytes = 24;

/**
 * A point in a history file: the point, then the CRC-32 of its 24 bytes. Fixed width, so point `i`
 * of a series is at `i * recordBytes` and a page of a history is one read; a torn or damaged
 * record fails its checksum. 28 bytes per point, under the budget of 30.
 */
export const recordBytes = 28;

/** Points as columns: what readers get, with no object per point. */
export interface PointColumns {
  readonly steps: Float64Array;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

export function writePoint(into: Buffer, offset: number, step: number, timestamp: number, value: number): void {
  into.writeDoubleLE(step, offset);
  into.writeDoubleLE(timestamp, offset + 8);
  into.writeDoubleLE(value, offset + 16);
}

/** Points packed one after the other (the journal's and the writers' form). */
export function packPoints(points: readonly { readonly step: number; readonly timestamp: number; readonly value: number }[]): Buffer {
  const bytes = Buffer.allocUnsafe(points.length * pointBytes);
  points.forEach((point, i) => writePoint(bytes, i * pointBytes, point.step, point.timestamp, point.value));
  return bytes;
}

/** Packed points as columns. */
export function unpackPoints(points: Uint8Array): PointColumns {
  const view = new DataView(points.buffer, points.byteOffset, points.byteLength);
  const count = points.byteLength / pointBytes;
  const steps = new Float64Array(count);
  const timestamps = new Float64Array(count);
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    steps[i] = view.getFloat64(i * pointBytes, true);
    timestamps[i] = view.getFloat64(i * pointBytes + 8, true);
    values[i] = view.getFloat64(i * pointBytes + 16, true);
  }
  return { steps, timestamps, values };
}

/** Packed points as file records: each followed by its checksum. */
export function toRecords(points: Uint8Array): Buffer {
  const source = Buffer.from(points.buffer, points.byteOffset, points.byteLength);
  const count = source.length / pointBytes;
  const records = Buffer.allocUnsafe(count * recordBytes);
  for (let i = 0; i < count; i++) {
    source.copy(records, i * recordBytes, i * pointBytes, (i + 1) * pointBytes);
    records.writeUInt32LE(crc32Range(records, i * recordBytes, i * recordBytes + pointBytes), i * recordBytes + pointBytes);
  }
  return records;
}

export class DamagedRecordError extends Error {
  constructor(
    readonly file: string,
    readonly index: number,
  ) {
    super(`metric point ${index} in ${file} fails its checksum: the history file is damaged`);
    this.name = 'DamagedRecordError';
  }
}

/**
 * Decodes `count` records into columns, checking each record's checksum. Hot (a chart reads every
 * point of 100 runs; get-history 25,000 a page): one DataView, the checksum four bytes a step.
 */
export function decodeRecords(records: Buffer, count: number, file: string, firstIndex: number): PointColumns {
  const steps = new Float64Array(count);
  const timestamps = new Float64Array(count);
  const values = new Float64Array(count);
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  for (let i = 0; i < count; i++) {
    const offset = i * recordBytes;
    if (crc32Words(view, offset, offset + pointBytes) !== view.getUint32(offset + pointBytes, true)) throw new DamagedRecordError(file, firstIndex + i);
    steps[i] = view.getFloat64(offset, true);
    timestamps[i] = view.getFloat64(offset + 8, true);
    values[i] = view.getFloat64(offset + 16, true);
  }
  return { steps, timestamps, values };
}

/**
 * Hands `visit` each record's point without checking checksums: for scans the store makes for
 * itself (finding repeats of new points), where speed matters and a damaged point only means a
 * repeat is stored twice.
 */
export function scanRecords(records: Buffer, count: number, firstIndex: number, visit: (index: number, step: number, timestamp: number, value: number) => void): void {
  for (let i = 0; i < count; i++) {
    const offset = i * recordBytes;
    visit(firstIndex + i, records.readDoubleLE(offset), records.readDoubleLE(offset + 8), records.readDoubleLE(offset + 16));
  }
}

/**
 * History order: step, then timestamp, then value with NaN first (SQLite stored NaN as NULL, which
 * sorts first), then the order of logging. Negative when `a` comes first; 0 for the same point.
 */
export function compareHistory(aStep: number, aTime: number, aValue: number, bStep: number, bTime: number, bValue: number): number {
  if (aStep !== bStep) return aStep < bStep ? -1 : 1;
  if (aTime !== bTime) return aTime < bTime ? -1 : 1;
  const aNan = Number.isNaN(aValue);
  const bNan = Number.isNaN(bValue);
  if (aNan || bNan) return aNan === bNan ? 0 : aNan ? -1 : 1;
  return aValue === bValue ? 0 : aValue < bValue ? -1 : 1;
}

/** The indexes of `points` in history order (stable: equal points keep their logging order). */
export function historyPermutation(points: PointColumns): Uint32Array {
  const { steps, timestamps, values } = points;
  const order = Array.from({ length: steps.length }, (_, i) => i);
  order.sort(
    (a, b) => compareHistory(steps[a], timestamps[a], values[a], steps[b], timestamps[b], values[b]) || a - b,
  );
  return Uint32Array.from(order);
}
