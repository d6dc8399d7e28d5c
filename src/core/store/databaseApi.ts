import type { SqlValue } from 'sql.js';
import type { Migration } from './schema';
import type { SeriesFiles, SeriesRef } from './series/seriesFiles';

// What the store's code sees of its Database: reads, the write transaction, and the options of opening and of long writes.

export type Param = SqlValue;
export type Row = Record<string, SqlValue>;

/** Reads; usable inside and outside a write transaction. */
export interface Reader {
  all<T = Row>(sql: string, params?: readonly Param[]): T[];
  get<T = Row>(sql: string, params?: readonly Param[]): T | undefined;
  /** Rows as arrays in column order: several times faster than `all` for long results (metric histories). */
  values(sql: string, params?: readonly Param[]): Param[][];
  /**
   * Hands each row, as an array in column order, to `onRow` while the statement steps, so a long
   * result is never held whole. `onRow` must not run the same SQL text (its statement is in use).
   */
  each(sql: string, params: readonly Param[], onRow: (row: Param[]) => void): void;
  /** The full metric histories, outside the sql.js image (their counts are in `latest_metrics`). */
  readonly series: SeriesFiles;
}

/**
 * Writes inside `Database.write`. Every statement is recorded and journaled on commit, and
 * replayed from the journal after a crash, so it must be deterministic given its parameters
 * (no `random()` or `'now'`: make ids and times in TypeScript). One statement per call.
 */
export interface WriteTransaction extends Reader {
  run(sql: string, params?: readonly Param[]): void;
  /** One statement, many parameter rows: the fast path for metric batches. */
  runMany(sql: string, rows: readonly (readonly Param[])[]): void;
  /**
   * Writes points `start..` of a metric's history (packed, series/pointRecords.ts), journaled with
   * the transaction. They count once `latest_metrics.point_count` (same transaction) says so.
   */
  appendPoints(series: SeriesRef, start: number, points: Uint8Array): void;
  /** Removes a run's history files when the write commits (a purge). */
  removeRunPoints(runId: string): void;
  /**
   * Says, for `Database.onDidWrite`, that this write changes the run; with `listChangedIn`, that it
   * changes that experiment's list of runs too (a run created, deleted, restored or purged). A write
   * that changes runs' rows names every run it changes, or none: then every run counts as changed.
   */
  noteRun(runId: string, listChangedIn?: string): void;
}

export interface OpenOptions {
  /**
   * The `.runlens/` folder. Absent: an in-memory database (tests, remote caches). Only the process
   * that owns the folder may open it (WorkspaceStore claims it first).
   */
  readonly dir?: string;
  readonly migrations?: readonly Migration[];
  /**
   * Checkpoint once the journal reaches this many bytes. It weighs the replay on the next open
   * (DESIGN.md: open a store of 1,000,000 points in a second) against how often the whole image
   * is written. The default replays in about half a second (about 100,000 points) here.
   */
  readonly checkpointBytes?: number;
  /** Checkpoint after this long without writes; 0 turns the idle checkpoint off. */
  readonly idleCheckpointMs?: number;
  /**
   * From this image size on, a background checkpoint builds its image in a worker thread instead
   * of exporting it on the event loop (docs/STORAGE.md). Below it the export is quicker than
   * starting the worker; the default is 4 MB.
   */
  readonly workerImageBytes?: number;
  /** Told when a checkpoint that no caller waits for (idle, size) fails. The journal still holds every write. */
  readonly onBackgroundError?: (error: Error) => void;
}

export interface SlicedWriteOptions {
  /** Checked between slices: aborting rolls the write back and rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Told when a write from elsewhere rolled the long write back and it starts over. */
  readonly onRestart?: () => void;
  /** How long a slice runs before the event loop gets a turn. */
  readonly sliceMs?: number;
  /** Start-overs after which the rest runs in one go. */
  readonly maxRestarts?: number;
}
