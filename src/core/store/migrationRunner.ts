import type { Reader, WriteTransaction } from './databaseApi';
import type { Migration } from './schema';

/** The schema version the migrations lead to. */
export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.reduce((latest, migration) => Math.max(latest, migration.version), 0);
}

/**
 * Applies the migrations newer than the database's `user_version`. A new store (version 0) gets
 * them all in one write: the same statements in the same order, so the same schema, with one
 * journal flush instead of one per migration (a first server start waits for them). An older store
 * gets each in a write of its own that also records its version: a store killed between two is
 * taken up at the next open.
 */
export function applyMigrations(db: Pick<Reader, 'get'> & { write<R>(fn: (tx: WriteTransaction) => R): R }, migrations: readonly Migration[]): void {
  const current = db.get<{ user_version: number }>('PRAGMA user_version')?.user_version ?? 0;
  const pending = migrations.filter((migration) => migration.version > current);
  const steps = current === 0 ? [pending] : pending.map((migration) => [migration]);
  for (const step of steps) {
    if (step.length === 0) continue;
    db.write((tx) => {
      for (const migration of step) {
        for (const statement of migration.statements) tx.run(statement);
        const deferred = migration.deferred;
        if (deferred && tx.get(deferred.when) === undefined) {
          for (const statement of deferred.statements) tx.run(statement);
        }
        tx.run(`PRAGMA user_version = ${Number(migration.version)}`);
      }
    });
  }
}
