// Group commit through the server: concurrent write requests on a durable store share journal
// flushes, and each reply comes only once its write is on the disk (here: in the journal that a
// crashed process leaves, replayed by the next open).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { ArtifactStore } from '../../../src/core/store/artifactStore';
import { Database } from '../../../src/core/store/database';
import { ModelRegistry } from '../../../src/core/store/modelRegistry';
import { TrackingStore } from '../../../src/core/store/trackingStore';
import { SpanFiles } from '../../../src/core/traces/spanFiles';
import { TraceStore } from '../../../src/core/traces/traceStore';
import { startServer } from '../../../src/server/server';
import { HttpClient } from './support/httpClient';

test('concurrent log-metric requests share journal flushes and are all in the journal when answered', async (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'runlens-group-commit-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dir = path.join(root, '.runlens');
  const db = await Database.open({ dir, idleCheckpointMs: 0, checkpointBytes: 2 ** 30 });
  const store = new TrackingStore(db);
  const token = randomBytes(24).toString('base64url');
  const server = await startServer({
    store,
    registry: new ModelRegistry(db),
    artifacts: new ArtifactStore(path.join(root, 'artifacts')),
    traces: new TraceStore(db, new SpanFiles(path.join(root, 'traces'))),
    token,
    log: () => undefined,
  });
  t.after(() => server.close());
  const client = new HttpClient(server.url, token);
  const runId = (await client.api('runs/create', { experiment_id: '0' })).json<{ run: { info: { run_id: string } } }>().run.info.run_id;

  const requests = 40;
  const before = db.journalFlushes;
  const replies = await Promise.all(
    Array.from({ length: requests }, (_, step) => client.api('runs/log-metric', { run_id: runId, key: 'loss', value: step / 4, timestamp: 1000 + step, step })),
  );
  assert.deepEqual(replies.map((reply) => reply.status), Array(requests).fill(200));
  const flushes = db.journalFlushes - before;
  assert.ok(flushes >= 1 && flushes < requests, `${flushes} journal flushes for ${requests} concurrent requests`);

  // Not closed (no checkpoint): the next open finds the writes only in the journal.
  const recovered = await Database.open({ dir, idleCheckpointMs: 0 });
  t.after(() => recovered.abandon());
  const history = new TrackingStore(recovered).getMetricHistory(runId, 'loss').metrics;
  assert.deepEqual(history.map((point) => point.step), Array.from({ length: requests }, (_, step) => step));
});

test('a request that writes nothing answers without waiting for the flush of writes still pending; one that writes waits for it', async (t) => {
  const db = await notesStore(t);

  // A writing request journals its row, then is held open: its flush has not run yet.
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const writer = db.groupCommit(async () => {
    db.write((tx) => tx.run('INSERT INTO notes (text) VALUES (?)', ['pending']));
    await held;
  });
  const before = db.journalFlushes;
  // A reader meanwhile sees the committed row and is answered with no flush made for it.
  const seen = await db.groupCommit(() => db.get<{ text: string }>('SELECT text FROM notes'));
  assert.equal(seen?.text, 'pending');
  assert.equal(db.journalFlushes, before, 'the read waited for (and so started) a journal flush');

  release();
  await writer;
  assert.equal(db.journalFlushes, before + 1, 'the writer is answered only after the flush of its record');
});

test('a write made by work a request left running, after the request was answered, flushes itself', async (t) => {
  const db = await notesStore(t);

  let job: Promise<void> = Promise.resolve();
  await db.groupCommit(() => {
    // An owner job: started by the request, it writes after the reply.
    job = new Promise<void>((resolve) => setTimeout(resolve, 20)).then(() => {
      db.write((tx) => tx.run('INSERT INTO notes (text) VALUES (?)', ['late']));
    });
  });
  const before = db.journalFlushes;
  await job;
  assert.equal(db.journalFlushes, before + 1, "the job's write was left unflushed: no one waits for it");
});

/** A durable store of one `notes` table in a temp folder, closed and removed after the test; it checkpoints only on close. */
async function notesStore(t: TestContext): Promise<Database> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'runlens-group-notes-'));
  const db = await Database.open({ dir: path.join(root, '.runlens'), idleCheckpointMs: 0, checkpointBytes: 2 ** 30 });
  t.after(() => {
    db.close();
    rmSync(root, { recursive: true, force: true });
  });
  db.write((tx) => tx.run('CREATE TABLE notes (text TEXT)'));
  return db;
}
