import type { Database as SqlJsDatabase, SqlValue, Statement } from 'sql.js';

const noParams: readonly (readonly SqlValue[])[] = [[]];

/**
 * Prepared statements by SQL text: preparing costs more than running a small statement, and the
 * same few statements run over and over. Callers reset a statement when done with it, so that a
 * cached statement never holds a read open (which would block export). The reads here do so.
 */
export class StatementCache {
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly db: SqlJsDatabase,
    private readonly capacity = 256,
  ) {}

  get(sql: string): Statement {
    const cached = this.statements.get(sql);
    if (cached) return cached;
    const statement = this.db.prepare(sql);
    if (this.statements.size >= this.capacity) {
      const [oldestSql, oldest] = this.statements.entries().next().value as [string, Statement];
      oldest.free();
      this.statements.delete(oldestSql);
    }
    this.statements.set(sql, statement);
    return statement;
  }

  /** Runs a statement without parameters, such as BEGIN and COMMIT. */
  run(sql: string): void {
    this.runRows(sql, noParams);
  }

  /** Runs `sql` once per row. */
  runRows(sql: string, rows: readonly (readonly SqlValue[])[]): void {
    const statement = this.get(sql);
    for (const row of rows) {
      try {
        statement.run(row as SqlValue[]);
      } catch (error) {
        statement.reset();
        throw error;
      }
    }
  }

  /** The rows as objects by column name. */
  allRows<T>(sql: string, params: readonly SqlValue[]): T[] {
    const statement = this.get(sql);
    try {
      statement.bind(params as SqlValue[]);
      const rows: T[] = [];
      while (statement.step()) rows.push(statement.getAsObject() as T);
      return rows;
    } finally {
      statement.reset();
    }
  }

  firstRow<T>(sql: string, params: readonly SqlValue[]): T | undefined {
    const statement = this.get(sql);
    try {
      statement.bind(params as SqlValue[]);
      return statement.step() ? (statement.getAsObject() as T) : undefined;
    } finally {
      statement.reset();
    }
  }

  /** The rows as arrays in column order: several times faster than objects for long results. */
  valueRows(sql: string, params: readonly SqlValue[]): SqlValue[][] {
    const statement = this.get(sql);
    try {
      statement.bind(params as SqlValue[]);
      const rows: SqlValue[][] = [];
      while (statement.step()) rows.push(statement.get());
      return rows;
    } finally {
      statement.reset();
    }
  }

  /** Hands each row, as an array in column order, to `onRow` while the statement steps. */
  eachRow(sql: string, params: readonly SqlValue[], onRow: (row: SqlValue[]) => void): void {
    const statement = this.get(sql);
    try {
      statement.bind(params as SqlValue[]);
      while (statement.step()) onRow(statement.get());
    } finally {
      statement.reset();
    }
  }

  clear(): void {
    for (const statement of this.statements.values()) statement.free();
    this.statements.clear();
  }
}
