import { readFile } from 'node:fs/promises';
import type { Database as SqlJsDatabase, SqlValue } from 'sql.js';
import { nextTurn } from '../../core/nextTurn';
import { loadSqlJs } from '../../core/store/sqlJs';

/** The file is not MLflow data RunLens can import; the message says what it is instead. */
export class NotMlflowDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotMlflowDataError';
  }

  static is(error: unknown): error is NotMlflowDataError {
    return error instanceof NotMlflowDataError;
  }
}

const sqliteHeader = Buffer.from('SQLite format 3\0', 'latin1');

/** The tables every MLflow tracking database has had since its first migration. */
const requiredTables = ['alembic_version', 'experiments', 'runs', 'metrics', 'params', 'tags'] as const;

export type SourceRow = Record<string, SqlValue | undefined>;

/** Rows read between two turns of the event loop (some 10 ms of work). */
const rowsPerTurn = 10_000;

/**
 * An MLflow SQLAlchemy database (mlflow.db), read into sql.js's memory: the file itself is only
 * read, never opened for writing. Queries select only the columns RunLens knows and that this
 * database has, so newer MLflow versions' extra tables and columns are simply not read. Table and
 * column names come from this code, never from the file; values are bound as parameters.
 */
export class SourceDatabase {
  private readonly columnsByTable = new Map<string, ReadonlySet<string>>();

  private constructor(
    readonly file: string,
    private readonly db: SqlJsDatabase,
  ) {}

  static async open(file: string): Promise<SourceDatabase> {
    const bytes = await readFile(file);
    if (bytes.length < sqliteHeader.length || !bytes.subarray(0, sqliteHeader.length).equals(sqliteHeader)) {
      throw new NotMlflowDataError(`${file} is not a SQLite database, so it is not an MLflow database (mlflow.db) either.`);
    }
    const SQL = await loadSqlJs();
    let db: SqlJsDatabase;
    try {
      db = new SQL.Database(bytes);
    } catch (error) {
      throw new NotMlflowDataError(`${file} could not be opened as a SQLite database: ${(error as Error).message}`);
    }
    const source = new SourceDatabase(file, db);
    try {
      source.checkIsMlflow();
      return source;
    } catch (error) {
      source.close();
      throw error;
    }
  }

  hasTable(table: string): boolean {
    return this.columns(table).size > 0;
  }

  /** The columns of `table` among `wanted` that this database has. */
  present(table: string, wanted: readonly string[]): string[] {
    const columns = this.columns(table);
    return wanted.filter((column) => columns.has(column));
  }

  /**
   * `SELECT <wanted columns that exist> FROM table [WHERE ...]`; a wanted column the table lacks is
   * undefined in every row. `where` and `order` are written by the caller (constants), values bound.
   */
  select(table: string, wanted: readonly string[], where = '', params: readonly SqlValue[] = [], order = ''): SourceRow[] {
    const columns = this.present(table, wanted);
    if (columns.length === 0) return [];
    return this.rows(this.selectSql(table, columns, where, order), params);
  }

  /**
   * `select` for results that may be long (a run's metric history): the rows are read a part at a
   * time, with a turn of the event loop between parts. Nothing else uses this private copy of the
   * database meanwhile, so the statement can stay open across turns.
   */
  async selectInTurns(table: string, wanted: readonly string[], where: string, params: readonly SqlValue[], order: string): Promise<SourceRow[]> {
    const columns = this.present(table, wanted);
    if (columns.length === 0) return [];
    const statement = this.db.prepare(this.selectSql(table, columns, where, order));
    try {
      statement.bind(params as SqlValue[]);
      const rows: SourceRow[] = [];
      while (statement.step()) {
        rows.push(statement.getAsObject());
        if (rows.length % rowsPerTurn === 0) await nextTurn();
      }
      return rows;
    } finally {
      statement.free();
    }
  }

  count(table: string): number {
    if (!this.hasTable(table)) return 0;
    return Number(this.rows(`SELECT COUNT(*) AS n FROM ${quoteIdentifier(table)}`)[0]?.n ?? 0);
  }

  close(): void {
    this.db.close();
  }

  private rows(sql: string, params: readonly SqlValue[] = []): SourceRow[] {
    const statement = this.db.prepare(sql);
    try {
      statement.bind(params as SqlValue[]);
      const rows: SourceRow[] = [];
      while (statement.step()) rows.push(statement.getAsObject());
      return rows;
    } finally {
      statement.free();
    }
  }

  private selectSql(table: string, columns: readonly string[], where: string, order: string): string {
    return `SELECT ${columns.map(quoteIdentifier).join(', ')} FROM ${quoteIdentifier(table)}${where ? ` WHERE ${where}` : ''}${order ? ` ORDER BY ${order}` : ''}`;
  }

  private columns(table: string): ReadonlySet<string> {
    let columns = this.columnsByTable.get(table);
    if (!columns) {
      columns = new Set(this.rows(`PRAGMA table_info(${quoteIdentifier(table)})`).map((row) => String(row.name)));
      this.columnsByTable.set(table, columns);
    }
    return columns;
  }

  private checkIsMlflow(): void {
    const missing = requiredTables.filter((table) => !this.hasTable(table));
    if (missing.length > 0) {
      throw new NotMlflowDataError(
        `${this.file} is a SQLite database but not MLflow's: it has no ${missing.join(', ')} table${missing.length > 1 ? 's' : ''}.` +
          ' RunLens imports the mlflow.db that `mlflow server --backend-store-uri sqlite:///mlflow.db` or' +
          ' `MLFLOW_TRACKING_URI=sqlite:///mlflow.db` writes.',
      );
    }
    for (const [table, column] of [
      ['experiments', 'experiment_id'],
      ['experiments', 'name'],
      ['runs', 'run_uuid'],
      ['runs', 'experiment_id'],
      ['metrics', 'run_uuid'],
    ] as const) {
      if (!this.columns(table).has(column)) {
        throw new NotMlflowDataError(`${this.file} does not look like an MLflow database: table ${table} has no column ${column}.`);
      }
    }
  }
}

/** Identifiers here are constants of this code; quoting keeps even those from being read as keywords. */
function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
