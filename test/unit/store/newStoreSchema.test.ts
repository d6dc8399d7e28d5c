import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Database } from '../../../src/core/store/database';
import type { OpenOptions } from '../../../src/core/store/databaseApi';
import { migrations } from '../../../src/core/store/schema';
import { tempDir } from './storeTestKit';

const manual: OpenOptions = { idleCheckpointMs: 0, checkpointBytes: 1 << 30 };

/** Everything a schema is: each table, index and trigger with its SQL text, and the version. */
function schemaOf(db: Database): { version: number | undefined; objects: unknown[] } {
  return {
    version: db.get<{ user_version: number }>('PRAGMA user_version')?.user_version,
    objects: db.all('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name'),
  };
}

describe('a new store is created at the final schema in one write', () => {
  it('has the same schema as a store upgraded one migration at a time, from its first version to the last', async (t) => {
    const created = await Database.open({ ...manual, dir: tempDir(t) });
    const oneWrite = schemaOf(created);
    created.close();

    const dir = tempDir(t);
    for (const migration of migrations) {
      const upgraded = await Database.open({ ...manual, dir, migrations: migrations.filter((m) => m.version <= migration.version) });
      assert.equal(schemaOf(upgraded).version, migration.version);
      upgraded.close();
    }
    const stepByStep = await Database.open({ ...manual, dir });
    const upgraded = schemaOf(stepByStep);
    stepByStep.close();

    assert.equal(oneWrite.version, Math.max(...migrations.map((m) => m.version)));
    assert.ok(oneWrite.objects.length > 20, `${oneWrite.objects.length} schema objects`);
    assert.deepEqual(oneWrite, upgraded);
  });

  it('flushes its journal once, and opens again with nothing to migrate', async (t) => {
    const dir = tempDir(t);
    const created = await Database.open({ ...manual, dir });
    assert.equal(created.journalFlushes, 1, 'one write for every migration');
    created.close();
    const reopened = await Database.open({ ...manual, dir });
    assert.equal(reopened.journalFlushes, 0, 'nothing written at the next open');
    assert.equal(schemaOf(reopened).version, Math.max(...migrations.map((m) => m.version)));
    reopened.close();
  });

  it('an older store still takes each migration in a write of its own', async (t) => {
    const dir = tempDir(t);
    (await Database.open({ ...manual, dir, migrations: migrations.filter((m) => m.version <= 1) })).close();
    const upgraded = await Database.open({ ...manual, dir });
    assert.equal(upgraded.journalFlushes, migrations.length - 1);
    upgraded.close();
  });
});
