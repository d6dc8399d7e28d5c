import type { RecordWriter } from './journalRecord';
import { applyOp, opRow, type SeriesOp } from './series/seriesJournal';
import type { SeriesFiles } from './series/seriesFiles';

/**
 * A write transaction's changes to the metric histories: points are written at once, removals wait
 * for the commit. Both are recorded in the transaction's journal record.
 */
export class TransactionSeries {
  /** The open transaction's removals of history files, applied once it commits. */
  private pending: SeriesOp[] = [];
  /** The runs the open transaction wrote points of: a rollback may leave their files with no run. */
  private pointsOf = new Set<string>();

  constructor(
    private readonly series: SeriesFiles,
    private readonly reportBackgroundError: (error: Error) => void,
  ) {}

  /** Forgets what a transaction began or rolled back left pending. */
  clear(): void {
    this.pending = [];
    this.pointsOf.clear();
  }

  /**
   * After a rollback: removes the history files of the runs the transaction wrote points of that no
   * longer exist (made by the rolled-back write itself, as a cancelled import's are), which nothing
   * would ever read or remove. A run that still exists keeps its files: its rolled-back points lie
   * past its count, where its next points overwrite them.
   */
  rolledBack(runExists: (runId: string) => boolean): void {
    const written = [...this.pointsOf];
    this.clear();
    try {
      for (const runId of written) if (!runExists(runId)) this.series.removeRun(runId);
    } catch (error) {
      this.reportBackgroundError(error as Error);
    }
  }

  add(op: SeriesOp, writer: RecordWriter | undefined): void {
    const [sql, row] = opRow(op);
    writer?.addRow(sql, row);
    if (op.kind === 'points') {
      this.pointsOf.add(op.series.runId);
      // Written at once, so the transaction reads its own points. Should it roll back, the points
      // lie past the count `latest_metrics` keeps, where the next points overwrite them. A run
      // purged and written again in one transaction (a mirror refreshing its copy) keeps its
      // folder: the new points overwrite the old from the start (replay removes, then writes).
      this.pending = this.pending.filter((pending) => pending.kind !== 'remove' || pending.runId !== op.series.runId);
      try {
        applyOp(this.series, op);
      } catch (error) {
        writer?.undoRow();
        throw error;
      }
    } else {
      this.pending.push(op);
    }
  }

  /**
   * Removes the history files of runs a committed write purged. The write is durable in the
   * journal already; should this fail, reopening replays it.
   */
  applyCommitted(): void {
    const ops = this.pending;
    this.pending = [];
    try {
      for (const op of ops) applyOp(this.series, op);
    } catch (error) {
      this.reportBackgroundError(error as Error);
    }
  }
}
