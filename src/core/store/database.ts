import type { Database as SqlJsDatabase, SqlValue } from 'sql.js';
import { migrations as trackingMigrations, type Migration } from './schema';
import { loadSqlJs } from './sqlJs';

export type Param = SqlValue;
export type Row = Record<string, SqlValue>;

/** Reads; usable inside and outside a write transaction. */
export interface Reader {
  all<T = Row>(sql: string, params?: readonly Param[]): T[];
  get<T = Row>(sql: string, params?: readonly Param[]): T | undefined;
}

/** Writes inside `Database.write`. Every statement is recorded and journaled on commit. */
export interface WriteTransaction extends Reader {
  run(sql: string, params?: readonly Param[]): void;
  /** One statement, many parameter rows: the fast path for metric batches. */
  runMany(sql: string, rows: readonly (readonly Param[])[]): void;
}

export interface OpenOptions {
  /** The `.runlens/` folder. Absent: an in-memory database (tests, remote caches). */
  readonly dir?: string;
  readonly migrations?: readonly Migration[];
}

/**
 * The database behind a store: sql.js, plus (with `dir`) the durability of DESIGN.md.
 * `write` runs its function in one SQL transaction; when it returns, the write is applied and,
 * for a durable database, journaled and flushed: it survives `kill -9`.
 */
export class Database implements Reader {
  private constructor(private readonly db: SqlJsDatabase) {}

  static async open(options: OpenOptions = {}): Promise<Database> {
    const SQL = await loadSqlJs();
    const database = new Database(new SQL.Database());
    database.migrate(options.migrations ?? trackingMigrations);
    return database;
  }

  all<T = Row>(sql: string, params: readonly Param[] = []): T[] {
    const statement = this.db.prepare(sql);
    try {
      statement.bind(params as Param[]);
      const rows: T[] = [];
      while (statement.step()) rows.push(statement.getAsObject() as T);
      return rows;
    } finally {
      statement.free();
    }
  }

  get<T = Row>(sql: string, params: readonly Param[] = []): T | undefined {
    return this.all<T>(sql, params)[0];
  }

  write<R>(fn: (tx: WriteTransaction) => R): R {
    const db = this.db;
    const tx: WriteTransaction = {
      all: (sql, params) => this.all(sql, params),
      get: (sql, params) => this.get(sql, params),
      run: (sql, params = []) => db.run(sql, params as Param[]),
      runMany: (sql, rows) => {
        const statement = db.prepare(sql);
        try {
          for (const row of rows) statement.run(row as Param[]);
        } finally {
          statement.free();
        }
      },
    };
    db.run('BEGIN');
    try {
      const result = fn(tx);
      db.run('COMMIT');
      return result;
    } catch (error) {
      db.run('ROLLBACK');
      throw error;
    }
  }

  close(): void {
    this.db.close();
  }

  private migrate(migrations: readonly Migration[]): void {
    const current = this.get<{ user_version: number }>('PRAGMA user_version')?.user_version ?? 0;
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      this.write((tx) => {
        for (const statement of migration.statements) tx.run(statement);
        tx.run(`PRAGMA user_version = ${Number(migration.version)}`);
      });
    }
  }
}
