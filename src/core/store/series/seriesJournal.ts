import type { SqlValue } from 'sql.js';
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

/** Applies a journaled pseudo-statement's rows (replay). Throws on a malformed row: damage. */
export function replayOp(files: SeriesFiles, sql: string, rows: readonly SqlValue[][]): void {
  for (const row of rows) {
    if (sql === seriesOps.remove && typeof row[0] === 'string') {
      applyOp(files, { kind: 'remove', runId: row[0] });
      continue;
    }
    const [runId, seriesId, start, points] = row;
    if (typeof runId !== 'string' || typeof seriesId !== 'number' || typeof start !== 'number' || !(points instanceof Uint8Array)) {
      throw new Error('a metric points entry is malformed');
    }
    applyOp(files, { kind: 'points', series: { runId, seriesId }, start, points });
  }
}
