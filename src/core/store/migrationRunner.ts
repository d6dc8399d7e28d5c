import type { Reader, WriteTransaction } from './databaseApi';
import type { Migration } from './schema';

/** The schema version the migrations lead to. */
export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.reduce((latest, migration) => Math.max(latest, migration.version), 0);
}

/**
 * Applies the migrations newer than the database's `user_version`, each in a write of its own
 * that also records its version: a store killed between two is taken up at the next open.
 */
export function applyMigrations(db: Pick<Reader, 'get'> & { write<R>(fn: (tx: WriteTransaction) => R): R }, migrations: readonly Migration[]): void {
  const current = db.get<{ user_version: number }>('PRAGMA user_version')?.user_version ?? 0;
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.write((tx) => {
      for (const statement of migration.statements) tx.run(statement);
      const deferred = migration.deferred;
      if (deferred && tx.get(deferred.when) === undefined) {
        for (const statement of deferred.statements) tx.run(statement);
      }
      tx.run(`PRAGMA user_version = ${Number(migration.version)}`);
    });
  }
}
