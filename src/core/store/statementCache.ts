import type { Database as SqlJsDatabase, SqlValue, Statement } from 'sql.js';

const noParams: readonly (readonly SqlValue[])[] = [[]];

/**
 * Prepared statements by SQL text: preparing costs more than running a small statement, and the
 * same few statements run over and over. Callers reset a statement when done with it, so that a
 * cached statement never holds a read open (which would block export).
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

  clear(): void {
    for (const statement of this.statements.values()) statement.free();
    this.statements.clear();
  }
}
