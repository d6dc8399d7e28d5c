import type { SqlValue } from 'sql.js';
import { pointBytes } from './pointRecords';
import type { SeriesFiles, SeriesRef } from './seriesFiles';

/**
 * How a write's metric points travel in the journal: as pseudo-statements among the SQL ones, so
 * a record stays one transaction, applied in order on replay. The SQL text is a comment that
 * SQLite would refuse to prepare, so it can never be mistaken for a statement to run.
 *
 *   points: runId, seriesId, start, packed points (blob)
 *   remove: runId (a purged run's files)
 */
export const seriesOps = {
  points: '-- runlens: metric points',
  remove: '-- runlens: remove run points',
} as const;

export type SeriesOp =
  | { readonly kind: 'points'; readonly series: SeriesRef; readonly start: number; readonly points: Uint8Array }
  | { readonly kind: 'remove'; readonly runId: string };

export function isSeriesOp(sql: string): boolean {
  return sql === seriesOps.points || sql === seriesOps.remove;
}

export function opRow(op: SeriesOp): [string, SqlValue[]] {
  return op.kind === 'points'
    ? [seriesOps.points, [op.series.runId, op.series.seriesId, op.start, op.points]]
    : [seriesOps.remove, [op.runId]];
}

export function applyOp(files: SeriesFiles, op: SeriesOp): void {
  if (op.kind === 'points') files.write(op.series, op.start, op.points);
  else files.removeRun(op.runId);
}

/**
 * Applies the journal's pseudo-statements on replay. A history logged in many small writes is
 * journaled as many consecutive ranges; they are gathered and written once per history (points and
 * summaries), so that a replay costs a few writes per history rather than a few per record.
 * `finish` writes what is gathered; call it before anything reads the files.
 */
export class SeriesReplay {
  private readonly pending = new Map<string, { series: SeriesRef; start: number; end: number; chunks: Uint8Array[] }>();
  private pendingBytes = 0;

  constructor(private readonly files: SeriesFiles) {}

  /** Applies a journaled pseudo-statement's rows. Throws on a malformed row: damage. */
  apply(sql: string, rows: readonly SqlValue[][]): void {
    for (const row of rows) {
      if (sql === seriesOps.remove && typeof row[0] === 'string') {
        this.remove(row[0]);
        continue;
      }
      const [runId, seriesId, start, points] = row;
      if (typeof runId !== 'string' || typeof seriesId !== 'number' || typeof start !== 'number' || !(points instanceof Uint8Array)) {
        throw new Error('a metric points entry is malformed');
      }
      this.add({ runId, seriesId }, start, points);
    }
  }

  finish(): void {
    for (const { series, start, chunks } of this.pending.values()) this.files.write(series, start, Buffer.concat(chunks));
    this.pending.clear();
    this.pendingBytes = 0;
  }

  private add(series: SeriesRef, start: number, points: Uint8Array): void {
    const key = `${series.runId}\n${series.seriesId}`;
    const gathered = this.pending.get(key);
    if (gathered && gathered.end === start) {
      gathered.chunks.push(points);
      gathered.end += points.length / pointBytes;
    } else {
      // Not the continuation (points logged again after a rollback): what came before goes first.
      if (gathered) this.finish();
      this.pending.set(key, { series, start, end: start + points.length / pointBytes, chunks: [points] });
    }
    this.pendingBytes += points.length;
    if (this.pendingBytes > maxGatheredBytes) this.finish();
  }

  private remove(runId: string): void {
    // The run's earlier points go with its files; points logged after the purge come after it.
    for (const [key, gathered] of this.pending) if (gathered.series.runId === runId) this.pending.delete(key);
    this.files.removeRun(runId);
  }
}

/** Points gathered before they are written anyway: bounds the replay's memory. */
const maxGatheredBytes = 32 * 1024 * 1024;
