// Issue 14: the guest change feed says what changed since each follower's own cursor, over a real
// sql.js store (and over real HTTP on loopback), so a guest window re-reads only that.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Database } from '../../../src/core/store/database';
import { maxListedChanges, type StoreChanges } from '../../../src/core/store/storeChange';
import { TrackingStore } from '../../../src/core/store/trackingStore';
import { ChangeFeed } from '../../../src/server/changeFeed';
import { followOwnerChanges } from '../../../src/vscode/ownerChanges';
import { startTestServer, type TestServer } from './support/testServer';

describe('change feed', () => {
  let tracking: TrackingStore;
  let feed: ChangeFeed;
  let experimentId: string;
  let runs: string[];

  beforeEach(async () => {
    const db = await Database.open();
    tracking = new TrackingStore(db);
    feed = new ChangeFeed(db);
    experimentId = tracking.createExperiment({ name: 'feed' });
    runs = [0, 1, 2].map(() => tracking.createRun({ experimentId }).info.run_id);
  });

  const log = (runId: string) => tracking.logMetric(runId, { key: 'loss', value: Math.random(), timestamp: Date.now(), step: 0 });

  test('each follower hears the union of what changed since its own cursor, nothing older', async () => {
    const early = feed.cursor;
    log(runs[0]);
    const middle = feed.cursor;
    log(runs[1]);
    log(runs[1]);
    assert.deepEqual(feed.changesSince(middle), { runs: [runs[1]] });
    assert.deepEqual(new Set(feed.changesSince(early).runs), new Set([runs[0], runs[1]]));
    assert.equal(feed.changesSince(early).runLists, undefined, 'logging leaves run lists alone');
    const created = tracking.createRun({ experimentId }).info.run_id;
    assert.deepEqual(feed.changesSince(middle).runLists, [experimentId]);
    assert.ok(feed.changesSince(middle).runs?.includes(created));
    const answer = await feed.next(middle, 1_000);
    assert.equal(answer.cursor, feed.cursor);
    assert.deepEqual(new Set(answer.changes.runs), new Set([runs[1], created]));
  });

  test('a cursor of another instance, none, or from the future reads everything', () => {
    log(runs[0]);
    for (const cursor of ['', 'another.3', `${feed.cursor.split('.')[0]}.999999`, 'garbage']) assert.deepEqual(feed.changesSince(cursor), { all: true }, cursor);
  });

  test('a follower behind the runs the feed remembers hears "every run"; a recent one still hears names', () => {
    const old = feed.cursor;
    for (let i = 0; i < 4 * maxListedChanges + 10; i++) {
      tracking.createRun({ experimentId });
    }
    const recent = feed.cursor;
    log(runs[2]);
    assert.deepEqual(feed.changesSince(old), { allRuns: true });
    assert.deepEqual(feed.changesSince(recent), { runs: [runs[2]] });
  });

  test('a waiting request is answered with what the write changed', async () => {
    const since = feed.cursor;
    const waiting = feed.next(since, 5_000);
    tracking.setTag(runs[0], 'k', 'v');
    const answer = await waiting;
    assert.deepEqual(answer.changes, { runs: [runs[0]] });
    assert.deepEqual((await feed.next(answer.cursor, 10)).changes, {}, 'nothing since: an empty change after the wait');
  });
});

describe('change feed over HTTP', () => {
  let t: TestServer;
  let runId: string;

  before(async () => {
    t = await startTestServer();
    const experimentId = t.store.createExperiment({ name: 'http' });
    runId = t.store.createRun({ experimentId }).info.run_id;
  });

  after(async () => {
    assert.deepEqual(t.logged, []);
    await t.close();
  });

  test('answers {cursor, changes}, and a guest following it hears which run changed', async () => {
    const first = (await t.client.get('/api/2.0/runlens/changes?since=')).json<{ cursor: string; changes: unknown }>();
    assert.deepEqual(first.changes, { all: true }, 'the first answer says where the store stands; a follower reads everything');
    const heard: StoreChanges[] = [];
    const following = followOwnerChanges({ url: t.server.url, token: t.token }, (changes) => heard.push(changes));
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (let step = 0; step < 50; step++) t.store.logMetric(runId, { key: 'loss', value: step, timestamp: Date.now(), step });
      const deadline = Date.now() + 3_000;
      while (heard.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(heard.length >= 1 && heard.length < 50, `heard ${heard.length} times: once per burst, not per write`);
      for (const changes of heard) assert.deepEqual(changes.toJson(), { runs: [runId] });
    } finally {
      following.dispose();
    }
  });
});
