import { AsyncLocalStorage } from 'node:async_hooks';
import type { Database as SqlJsDatabase } from 'sql.js';
import { openSqlJsDatabase } from './connection';
import type { RecoveryReport } from './recovery';
import { applyMigrations, latestVersion } from './migrationRunner';
import { migrations as trackingMigrations } from './schema';
import { loadSqlJs } from './sqlJs';
import type { SeriesOp } from './series/seriesJournal';
import { SeriesFiles } from './series/seriesFiles';
import { MemoryStorage } from './series/seriesStorage';
import { StatementCache } from './statementCache';
import type { Persistence } from './checkpointScheduler';
import { Checkpoints } from './checkpoints';
import { openDurableFiles } from './durableFiles';
import { TransactionSeries } from './transactionSeries';
import { TransactionChanges } from './transactionChanges';
import type { StoreChanges } from './storeChange';
import { SlicedWrites } from './slicedWrites';
import type { OpenOptions, Param, Reader, Row, SlicedWriteOptions, WriteTransaction } from './databaseApi';

const nothingRecovered: RecoveryReport = { replayedRecords: 0, damagedBytes: 0 };

/**
 * The database behind a store: sql.js, plus (with `dir`) the durability of DESIGN.md.
 * `write` runs its function in one SQL transaction; when it returns, the write is applied and,
 * for a durable database, journaled and flushed: it survives `kill -9`.
 */
export class Database implements Reader {
  private writing = false;
  /** Whether the current write has run a statement (that did not fail). */
  private changed = false;
  private closed = false;
  private readonly tx: WriteTransaction;
  /** The long writes (`writeInSlices`): they share this transaction state, lent through a host. */
  private readonly sliced: SlicedWrites;
  private readonly writeListeners = new Set<(changes: StoreChanges) => void>();
  /** What the open transaction changed, told to `onDidWrite`'s listeners once it commits. */
  private readonly changes = new TransactionChanges();
  /** The open transaction's changes to the metric histories. */
  private readonly pendingSeries: TransactionSeries;
  /** Checkpoints (on size, on idle, on close) and compaction: they share the sql.js database, lent through a host. */
  private readonly checkpoints: Checkpoints;
  /** Set inside `groupCommit`: writes there leave their journal flush to be shared. */
  private readonly grouped = new AsyncLocalStorage<GroupedRequest>();

  private constructor(
    private db: SqlJsDatabase,
    private statements: StatementCache,
    private readonly persistence: Persistence | undefined,
    /** What opening found: journal records replayed, damage set aside. Show `message` to the user. */
    readonly recovery: RecoveryReport,
    private readonly reportBackgroundError: (error: Error) => void,
    readonly series: SeriesFiles,
  ) {
    this.pendingSeries = new TransactionSeries(series, reportBackgroundError);
    this.checkpoints = new Checkpoints({
      persistence,
      series,
      sqlDatabase: () => this.db,
      isClosed: () => this.closed,
      assertOpen: () => this.assertOpen(),
      inWrite: () => this.writing || this.sliced.isOpen,
      inLongWrite: () => this.sliced.isOpen,
      replaceSqlDatabase: (fresh) => this.replaceSqlDatabase(fresh),
      reportBackgroundError,
    });
    this.tx = {
      series,
      all: (sql, params) => this.all(sql, params),
      get: (sql, params) => this.get(sql, params),
      values: (sql, params) => this.values(sql, params),
      each: (sql, params, onRow) => this.each(sql, params, onRow),
      run: (sql, params = []) => this.execute(sql, [params]),
      runMany: (sql, rows) => this.execute(sql, rows),
      appendPoints: (series, start, points) => this.addSeriesOp({ kind: 'points', series, start, points }),
      removeRunPoints: (runId) => this.addSeriesOp({ kind: 'remove', runId }),
      noteRun: (runId, listChangedIn) => this.changes.noteRun(runId, listChangedIn),
    };
    this.sliced = new SlicedWrites({
      tx: this.tx,
      assertOpen: () => this.assertOpen(),
      begin: () => this.begin(),
      rollback: () => this.rollback(),
      asWriting: (fn) => this.asWriting(fn),
      commit: (result) => this.commit(result),
    });
  }

  static async open(options: OpenOptions = {}): Promise<Database> {
    const SQL = await loadSqlJs();
    const migrations = options.migrations ?? trackingMigrations;
    const reportBackgroundError = options.onBackgroundError ?? (() => undefined);
    if (options.dir === undefined) {
      const db = openSqlJsDatabase(SQL);
      const series = new SeriesFiles(new MemoryStorage());
      const database = new Database(db, new StatementCache(db), undefined, nothingRecovered, reportBackgroundError, series);
      applyMigrations(database, migrations);
      return database;
    }
    const { recovered, persistence, series } = openDurableFiles(SQL, options.dir, options, latestVersion(migrations));
    const database = new Database(recovered.db, recovered.statements, persistence, recovered.report, reportBackgroundError, series);
    try {
      applyMigrations(database, migrations);
      // A new store gets its image before it is handed out, its disk work in the thread pool (its
      // flushes held the event loop ~100 ms under load); a replayed journal is folded in once things are quiet.
      if (!recovered.imageExists) await database.checkpointInBackground();
      else if (persistence.journal.byteLength > 0) database.checkpoints.scheduler?.scheduleIdle();
      return database;
    } catch (error) {
      database.release();
      throw error;
    }
  }

  /** Journal flushes (fdatasync) since the database was opened: group commit shares them. */
  get journalFlushes(): number {
    return this.persistence?.journal.flushes ?? 0;
  }

  /** The `.runlens/` folder, or undefined for an in-memory database. */
  get dir(): string | undefined {
    return this.persistence?.dir;
  }

  all<T = Row>(sql: string, params: readonly Param[] = []): T[] {
    this.assertOpen();
    return this.statements.allRows<T>(sql, params);
  }

  get<T = Row>(sql: string, params: readonly Param[] = []): T | undefined {
    this.assertOpen();
    return this.statements.firstRow<T>(sql, params);
  }

  values(sql: string, params: readonly Param[] = []): Param[][] {
    this.assertOpen();
    return this.statements.valueRows(sql, params);
  }

  each(sql: string, params: readonly Param[], onRow: (row: Param[]) => void): void {
    this.assertOpen();
    this.statements.eachRow(sql, params, onRow);
  }

  /**
   * Runs `fn` in one transaction. If it throws, nothing is applied or journaled. Otherwise the
   * statements it ran are appended to the journal as one record and flushed before this returns;
   * if that fails, the transaction is rolled back and the error thrown: memory and disk agree.
   */
  write<R>(fn: (tx: WriteTransaction) => R): R {
    this.assertOpen();
    if (this.writing) throw new Error('Database.write cannot be nested: do all the work in one write');
    // A write never joins a long write's open transaction: the long write is rolled back and starts over.
    this.sliced.interrupt();
    return this.asWriting(() => {
      this.begin();
      let result: R;
      try {
        result = fn(this.tx);
        if (isPromiseLike(result)) {
          throw new TypeError('Database.write takes a synchronous function: the transaction ends when it returns');
        }
      } catch (error) {
        this.rollback();
        throw error;
      }
      return this.commit(result);
    });
  }

  /**
   * A write too long for one turn of the event loop (an import of many runs): one transaction run
   * in slices with turns of the event loop between them, committed and journaled as by `write`, or
   * not at all. How it meets other writes, aborts and restarts: `SlicedWrites.run`.
   */
  writeInSlices<R>(steps: (tx: WriteTransaction) => Generator<unknown, R, void>, options: SlicedWriteOptions = {}): Promise<R> {
    return this.sliced.run(steps, options);
  }

  /**
   * Runs `work` (a request's handling) with group commit: the writes it makes are journaled but not
   * flushed one by one; this resolves only once the journal holds them on the disk, one flush shared
   * by every request committing meanwhile. So concurrent requests pay one disk flush between them,
   * and the caller acknowledges (replies) only after it, as `write` does after its own flush. Until
   * then other readers may already see the writes (as MLflow's clients never rely on otherwise).
   * If `work` throws, its earlier writes are still flushed before the error is passed on. Rejects
   * when the flush fails: the writes' fate is then unknown and the store must be reopened.
   * A request that journaled nothing (a read) replies at once: waiting for other requests' flush
   * would only queue every read of a window or dashboard behind the disk while a script logs.
   */
  async groupCommit<R>(work: () => R | Promise<R>): Promise<R> {
    const request: GroupedRequest = { journaled: false, answered: false };
    try {
      return await this.grouped.run(request, work);
    } finally {
      request.answered = true;
      if (request.journaled) await this.persistence?.journal.flushed();
    }
  }

  /**
   * Resolves once no long write (`writeInSlices`) has its transaction open: at once when none has.
   * A caller that reads right after awaiting it (no other await between) sees only committed rows:
   * a queued long write opens its transaction a turn later.
   */
  longWriteSettled(): Promise<void> {
    return this.sliced.settled();
  }

  /**
   * Calls `listener` after every committed write that changed something, once it is durable, with
   * what it changed (the listener must not modify it: every listener gets the same object).
   */
  onDidWrite(listener: (changes: StoreChanges) => void): { dispose(): void } {
    this.writeListeners.add(listener);
    return { dispose: () => this.writeListeners.delete(listener) };
  }

  /** Folds the journal into the image, now: `Checkpoints.checkpoint`. Callable any time outside a write. */
  checkpoint(): void {
    this.checkpoints.checkpoint();
  }

  /** A checkpoint no caller waits for, its image written off the event loop: `Checkpoints.checkpointInBackground`. */
  checkpointInBackground(): Promise<void> {
    return this.checkpoints.checkpointInBackground();
  }

  /** Resolves once no checkpoint of its own (on size, on idle) is running: at once when none is. */
  backgroundCheckpointSettled(): Promise<void> {
    return this.checkpoints.settled();
  }

  /**
   * Gives the space of deleted rows back, in slices, and checkpoints: `Checkpoints.compact`.
   * Resolves false, changing nothing, when a write, checkpoint or close came between the slices.
   */
  compact(): Promise<boolean> {
    return this.checkpoints.compact();
  }

  /** Checkpoints (for a durable database) and closes. Closing twice is harmless. */
  close(): void {
    if (this.closed) return;
    if (this.writing) throw new Error('Database.close cannot run inside a write');
    // A long write still open is abandoned: it was never acknowledged.
    this.sliced.interrupt();
    try {
      this.checkpoint();
    } finally {
      this.release();
    }
  }

  /** `close` for a caller that can wait, its last checkpoint built off the event loop: `Checkpoints.checkpointBeforeClose`. */
  async closeInBackground(): Promise<void> {
    // A long write still open is abandoned, as by `close`: it was never acknowledged.
    await this.checkpoints.checkpointBeforeClose(() => this.sliced.interrupt());
    if (this.closed) return;
    this.sliced.interrupt();
    this.release();
  }

  /**
   * Closes without a checkpoint or any other write to the folder, for a folder deleted under the
   * database: a store made meanwhile in its place must not receive this one's image. Closing twice is harmless.
   */
  abandon(): void {
    if (this.closed) return;
    this.sliced.interrupt();
    this.release();
  }

  /** Frees everything without a checkpoint: what is not in the image is in the journal. */
  private release(): void {
    this.closed = true;
    if (this.persistence) {
      this.checkpoints.scheduler?.cancelIdle();
      this.persistence.journal.close();
    }
    this.statements.clear();
    this.db.close();
    this.series.close();
  }

  /** Runs `fn` as the write in progress: `tx` accepts statements, and a nested write is refused. */
  private asWriting<T>(fn: () => T): T {
    this.writing = true;
    try {
      return fn();
    } finally {
      this.writing = false;
    }
  }

  /** Puts a compacted copy of the sql.js database in place of this one. */
  private replaceSqlDatabase(fresh: SqlJsDatabase): void {
    this.statements.clear();
    this.db.close();
    fresh.exec('PRAGMA journal_mode = MEMORY');
    this.db = fresh;
    this.statements = new StatementCache(fresh);
  }

  private begin(): void {
    this.checkpoints.transactionBegun();
    this.changed = false;
    this.changes.begin();
    this.pendingSeries.clear();
    this.persistence?.writer.begin();
    this.statements.run('BEGIN');
  }

  /**
   * Ends the open transaction: journals its statements as one record and flushes it, then
   * commits; on failure rolls back (and takes the record back) and throws. Runs with `writing` set.
   */
  private commit<R>(result: R): R {
    const persistence = this.persistence;
    let journaledIn: Persistence | undefined;
    try {
      if (persistence && !persistence.writer.isEmpty) {
        // Work a request left running (an owner job) has no one to wait for its flush: it flushes.
        const request = this.grouped.getStore();
        const shared = request !== undefined && !request.answered;
        persistence.journal.append(persistence.writer, !shared);
        if (shared) request.journaled = true;
        journaledIn = persistence;
      }
    } catch (error) {
      this.rollback();
      throw error;
    }
    try {
      this.statements.run('COMMIT');
    } catch (error) {
      this.rollback();
      if (journaledIn) journaledIn.journal.retractLastQuietly();
      throw error;
    }
    this.writing = false;
    this.pendingSeries.applyCommitted();
    if (journaledIn) this.checkpoints.scheduler?.afterJournaledWrite();
    if (this.changed) this.notifyWrite(this.changes.committed());
    return result;
  }

  private execute(sql: string, rows: readonly (readonly Param[])[]): void {
    if (!this.writing) throw new Error('a write transaction was used after its write() returned');
    const writer = this.persistence?.writer;
    const statement = this.statements.get(sql);
    for (const row of rows) {
      try {
        writer?.addRow(sql, row);
        statement.run(row as Param[]);
      } catch (error) {
        statement.reset();
        writer?.undoRow();
        throw error;
      }
      this.changed = true;
    }
    if (rows.length > 0) this.changes.statement(sql);
  }

  private notifyWrite(changes: StoreChanges): void {
    for (const listener of this.writeListeners) {
      try {
        listener(changes);
      } catch (error) {
        // The write is committed; a listener's failure must not turn it into an error.
        this.reportBackgroundError(error as Error);
      }
    }
  }

  private addSeriesOp(op: SeriesOp): void {
    if (!this.writing) throw new Error('a write transaction was used after its write() returned');
    this.pendingSeries.add(op, this.persistence?.writer);
    this.changes.seriesWritten();
    this.changed = true;
  }

  private rollback(): void {
    try {
      this.statements.run('ROLLBACK');
    } catch {
      // SQLite already rolled back (some errors end the transaction themselves).
    }
    this.pendingSeries.rolledBack((runId) => this.statements.firstRow('SELECT 1 FROM runs WHERE run_id = ?', [runId]) !== undefined);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the database is closed');
  }
}

function isPromiseLike(value: unknown): boolean {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** A request run by `groupCommit`: whether it journaled a write whose flush it must wait for, and whether it is done. */
interface GroupedRequest {
  journaled: boolean;
  answered: boolean;
}
