import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Database } from '../../../src/core/store/database';
import { readOwner } from '../../../src/core/store/ownership';
import { migrations } from '../../../src/core/store/schema';
import { NewerDatabaseError } from '../../../src/core/store/storeErrors';
import { StoreOwnedElsewhereError, WorkspaceStore } from '../../../src/core/store/workspaceStore';
import { tempDir } from './storeTestKit';

describe('workspace store', () => {
  it('makes the folder, keeps it out of git, owns it, and gives it up on close', async (t) => {
    const dir = path.join(tempDir(t), 'workspace', '.runlens');
    const store = await WorkspaceStore.open(dir, { idleCheckpointMs: 0 });
    assert.equal(readFileSync(path.join(dir, '.gitignore'), 'utf8'), '*\n');
    assert.equal(readOwner(dir)?.pid, process.pid);
    assert.equal(store.owner.pid, process.pid);
    assert.deepEqual(store.recovery, { replayedRecords: 0, damagedBytes: 0 });
    assert.equal(store.artifacts.root, path.join(dir, 'artifacts'));
    assert.equal(store.tracking.db, store.db);
    assert.equal(store.registry.db, store.db);

    await assert.rejects(WorkspaceStore.open(dir), (error: unknown) => {
      assert.ok(StoreOwnedElsewhereError.is(error));
      assert.equal(error.owner.pid, process.pid);
      assert.match(error.message, new RegExp(`in use by process ${process.pid}`));
      return true;
    });

    store.publish({ port: 5123, token: 'published-token' });
    assert.equal(readOwner(dir)?.port, 5123);
    let writes = 0;
    store.onDidWrite(() => writes++);
    store.db.write((tx) => tx.run("INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time) VALUES (42, 'e', 'x', 1, 1)"));
    assert.equal(writes, 1);
    assert.ok(statSync(path.join(dir, 'journal')).size > 0);
    store.close();
    assert.equal(existsSync(path.join(dir, 'owner.json')), false);
    assert.equal(statSync(path.join(dir, 'journal')).size, 0, 'close checkpoints');

    const reopened = await WorkspaceStore.open(dir, { idleCheckpointMs: 0 });
    assert.deepEqual(reopened.db.get('SELECT name FROM experiments WHERE experiment_id = 42'), { name: 'e' });
    reopened.close();
  });

  it('abandoned after its folder was deleted, writes nothing into a store made in its place', async (t) => {
    const dir = path.join(tempDir(t), '.runlens');
    const deleted = await WorkspaceStore.open(dir, { idleCheckpointMs: 0 });
    deleted.db.write((tx) => tx.run("INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time) VALUES (7, 'gone', 'x', 1, 1)"));
    rmSync(dir, { recursive: true, force: true });
    // Another process owns the new store in the same place; the deleted one closes after it.
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'owner.json'), JSON.stringify({ pid: process.ppid, hostname: os.hostname(), startedAt: 1, claim: 'another' }));
    deleted.abandon();
    assert.deepEqual(readdirSync(dir), ['owner.json'], 'no image, journal or checkpoint lands in the new folder');
    assert.equal(readOwner(dir)?.claim, 'another', "the other process's claim stands");
    deleted.abandon();
  });

  it('gives the folder up again when the database cannot be opened', async (t) => {
    const dir = tempDir(t);
    const newer = await Database.open({ dir, migrations: [...migrations, { version: 999, statements: [] }] });
    newer.close();
    await assert.rejects(WorkspaceStore.open(dir), NewerDatabaseError);
    assert.equal(existsSync(path.join(dir, 'owner.json')), false);
  });
});
