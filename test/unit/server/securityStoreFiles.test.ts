// Issue 13, point 11: a store is private to its user: `.runlens/` 0700, every file in it 0600,
// whether RunLens makes the store or opens one an older RunLens left readable to all.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { WorkspaceStore } from '../../../src/core/store/workspaceStore';

const mode = (file: string) => statSync(file).mode & 0o777;

/** Every file and folder under `dir`, with its permission bits. */
function modes(dir: string): Record<string, string> {
  const found: Record<string, string> = { '.': mode(dir).toString(8) };
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) found[name] = mode(path.join(dir, name)).toString(8);
  return found;
}

describe('store file modes', { skip: process.platform === 'win32' }, () => {
  let folder: string;
  let previousUmask: number;

  before(() => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'runlens-modes-'));
    previousUmask = process.umask(0o022); // the usual umask, which leaves new files readable to all
  });
  after(() => {
    process.umask(previousUmask);
    rmSync(folder, { recursive: true, force: true });
  });

  async function useStore(dir: string): Promise<void> {
    const store = await WorkspaceStore.open(dir, { idleCheckpointMs: 0 });
    try {
      store.tracking.createRun({ runName: 'private' });
      store.db.checkpoint();
      store.tracking.createRun({ runName: 'journaled' }); // a journal that is not empty
    } finally {
      store.close();
    }
  }

  test('a new store: the folder and every folder in it 0700, every file 0600', async () => {
    const dir = path.join(folder, 'new', '.runlens');
    const store = await WorkspaceStore.open(dir, { idleCheckpointMs: 0 });
    try {
      const runId = store.tracking.createRun({ runName: 'private' }).info.run_id;
      store.publish({ port: 1234, token: 'a-token-of-16-chars-at-least' });
      await store.artifacts.write(`0/${runId}/artifacts/model/weights.bin`, Readable.from([Buffer.from('weights')]));
      store.db.checkpoint();
      store.tracking.createRun({ runName: 'journaled' }); // a journal that is not empty
      const found = modes(dir);
      for (const name of ['runlens.db', 'journal', 'owner.json', '.gitignore', `artifacts/0/${runId}/artifacts/model/weights.bin`]) {
        assert.equal(found[name], '600', name);
      }
      for (const [name, bits] of Object.entries(found)) {
        const isDir = statSync(path.join(dir, name)).isDirectory();
        assert.equal(bits, isDir ? '700' : '600', `${name} is ${bits}`);
      }
    } finally {
      store.close();
    }
  });

  test('a store that an older RunLens left readable (0755 folder, 0644 files) is made private when opened', async () => {
    const dir = path.join(folder, 'older', '.runlens');
    await useStore(dir);
    chmodSync(dir, 0o755);
    for (const name of ['runlens.db', 'journal']) chmodSync(path.join(dir, name), 0o644);
    const store = await WorkspaceStore.open(dir, { idleCheckpointMs: 0 });
    try {
      assert.equal(mode(dir), 0o700);
      assert.equal(mode(path.join(dir, 'journal')), 0o600);
      store.db.checkpoint();
      assert.equal(mode(path.join(dir, 'runlens.db')), 0o600, 'the image a checkpoint writes');
    } finally {
      store.close();
    }
  });
});
