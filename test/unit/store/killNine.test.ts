import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { Database } from '../../../src/core/store/database';
import { TrackingStore } from '../../../src/core/store/trackingStore';
import { batchSize, isBatch, killRunId, metricValue } from '../../fixtures/store/killWorkload';
import { tempDir } from './storeTestKit';

// RUNLENS_KILL_ROUNDS=200 for a long soak; RUNLENS_KILL_SEED to replay a failing sequence.
const rounds = Number(process.env.RUNLENS_KILL_ROUNDS ?? 20);
const seed = Number(process.env.RUNLENS_KILL_SEED ?? Math.floor(Math.random() * 2 ** 31));
const writer = path.join(__dirname, '../../fixtures/store/killWriter.js');
const seriesWriter = path.join(__dirname, '../../fixtures/store/killSeriesWriter.js');
const groupWriter = path.join(__dirname, '../../fixtures/store/killGroupWriter.js');

/** mulberry32: a small seeded generator, so a failing run can be repeated exactly. */
function random(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

interface Round {
  readonly acknowledged: number[];
  readonly killedAfterMs: number;
  readonly fromStart: boolean;
}

/**
 * Runs the writer and kills it with SIGKILL `delayMs` after it starts (`fromStart`, so the kill may
 * land while it opens and recovers) or after it reports ready. Returns the ids it acknowledged.
 */
function runAndKill(dir: string, firstId: number, delayMs: number, fromStart: boolean, script = writer, extraArgs: string[] = [], killWhen?: () => boolean): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, dir, String(firstId), ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acknowledged: number[] = [];
    let partial = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const killLater = (): void => {
      if (!killWhen) {
        timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
        return;
      }
      // Waits for the moment (polled every millisecond), then kills `delayMs` after it.
      timer = setInterval(() => {
        if (!killWhen()) return;
        clearInterval(timer);
        timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
      }, 1);
    };
    if (fromStart) killLater();
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? ''; // only whole lines were acknowledged
      for (const line of lines) {
        if (line === 'ready') {
          if (!fromStart) killLater();
        } else {
          acknowledged.push(Number(line));
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      clearInterval(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited by itself (code ${code}): ${stderr}`));
      else resolve({ acknowledged, killedAfterMs: delayMs, fromStart });
    });
  });
}

describe('kill -9', () => {
  it(`loses no acknowledged write over ${rounds} random kills (seed ${seed})`, { timeout: 120_000 + rounds * 3_000 }, async (t) => {
    const dir = tempDir(t, 'runlens-kill-');
    const next = random(seed);
    const acknowledged: number[] = [];
    let nextId = 1;
    let damagedRounds = 0;
    let killsInsideCheckpoint = 0;
    for (let round = 1; round <= rounds; round++) {
      const fromStart = round % 2 === 1;
      const delay = Math.round(50 + next() * 350);
      const result = await runAndKill(dir, nextId, delay, fromStart);
      const context = `seed ${seed}, round ${round}, kill ${delay} ms after ${fromStart ? 'start' : 'ready'}`;
      acknowledged.push(...result.acknowledged);
      // A close's or compaction's checkpoint, or a worker's.
      if (readdirSync(dir).some((name) => name.startsWith('runlens.db.tmp'))) killsInsideCheckpoint++;

      const checked = await checkSqlWrites(dir, acknowledged, nextId, round, context);
      if (checked.damaged) damagedRounds++;
      nextId = checked.nextId;
    }
    assert.ok(acknowledged.length > rounds, `only ${acknowledged.length} writes acknowledged in ${rounds} rounds`);
    t.diagnostic(
      `${acknowledged.length} acknowledged writes over ${rounds} kills; ${killsInsideCheckpoint} kills left a ` +
        `checkpoint half-written; ${damagedRounds} opens found a torn journal tail`,
    );
  });

  it(`loses no acknowledged write when killed while a checkpoint's worker thread builds, writes, or installs its image, ${rounds} kills (seed ${seed})`, { timeout: 120_000 + rounds * 4_000 }, async (t) => {
    const dir = tempDir(t, 'runlens-kill-worker-');
    const next = random(seed + 3);
    const acknowledged: number[] = [];
    let nextId = 1;
    let killsWithWorkerImage = 0;
    // The moment a worker has begun writing its temporary image; the kill lands up to 30 ms later
    // (while it writes or flushes) half the time, otherwise up to 330 ms later (while the image is
    // renamed into place or the journal cut, or in a later checkpoint).
    const workerWriting = (): boolean => readdirSync(dir).some((name) => name.startsWith('runlens.db.tmp-background.'));
    for (let round = 1; round <= rounds; round++) {
      const delay = Math.round(next() < 0.5 ? next() * 30 : 30 + next() * 300);
      // An image of 4 MB: each checkpoint's worker takes a while over it.
      const result = await runAndKill(dir, nextId, delay, false, writer, ['4'], workerWriting);
      const context = `seed ${seed + 3}, round ${round}, kill ${delay} ms after a worker began its image`;
      acknowledged.push(...result.acknowledged);
      if (workerWriting()) killsWithWorkerImage++;
      nextId = (await checkSqlWrites(dir, acknowledged, nextId, round, context)).nextId;
    }
    assert.ok(acknowledged.length > rounds, `only ${acknowledged.length} writes acknowledged in ${rounds} rounds`);
    assert.ok(killsWithWorkerImage > 0, 'no kill landed while a worker wrote its image');
    t.diagnostic(`${acknowledged.length} acknowledged writes over ${rounds} kills; ${killsWithWorkerImage} left a worker's image half-done`);
  });

  it(`loses no acknowledged metric point of the history files over ${rounds} random kills, across checkpoints (seed ${seed})`, { timeout: 120_000 + rounds * 3_000 }, async (t) => {
    await killAndCheckHistories(t, seriesWriter, seed + 1, 150);
  });

  it(`loses no point acknowledged by a shared flush (group commit) of many runs' history files over ${rounds} random kills (seed ${seed})`, { timeout: 120_000 + rounds * 3_000 }, async (t) => {
    // Longer still: the writer makes its 40 runs before it logs.
    await killAndCheckHistories(t, groupWriter, seed + 2, 1200);
  });

  it(`loses no point acknowledged by a shared flush when killed while a checkpoint cuts the journal, ${rounds} kills (seed ${seed})`, { timeout: 120_000 + rounds * 4_000 }, async (t) => {
    // Half the time up to 5 ms after a cut's new file appears (while it is copied, flushed, moved to
    // or renamed: with the thread pool busy flushing, a cut takes tens of ms here), otherwise up to
    // 400 ms after (in the writes that follow it, or in a later cut).
    const cutUnderway = (dir: string) => (): boolean => readdirSync(dir).some((name) => name.startsWith('journal.next'));
    const kills = await killAndCheckHistories(t, groupWriter, seed + 4, 0, { killWhen: cutUnderway, delayMs: (next) => (next() < 0.5 ? next() * 5 : 5 + next() * 400) });
    assert.ok(kills.duringCut > 0, 'no kill left a cut of the journal half-done');
  });
});

/**
 * Kills `script` (a writer of 'single' and 'batch' metric points, ids spread over one or more runs)
 * at random moments, many rounds over, and after each checks every run's histories: each
 * acknowledged point there exactly once, batches all or nothing, values exact, steps in order.
 */
async function killAndCheckHistories(
  t: TestContext,
  script: string,
  roundSeed: number,
  minDelayMs: number,
  moment?: { killWhen: (dir: string) => () => boolean; delayMs: (next: () => number) => number },
): Promise<{ duringCut: number }> {
  const dir = tempDir(t, 'runlens-kill-series-');
  const next = random(roundSeed);
  const acknowledged: number[] = [];
  let nextId = 1;
  let damagedRounds = 0;
  let duringCut = 0;
  for (let round = 1; round <= rounds; round++) {
    const fromStart = moment === undefined && round % 2 === 1;
    // Longer than the SQL writer's: each start opens a TrackingStore before it logs.
    const delay = Math.round(moment ? moment.delayMs(next) : minDelayMs + next() * 650);
    const result = await runAndKill(dir, nextId, delay, fromStart, script, [], moment?.killWhen(dir));
    const context = `seed ${roundSeed}, round ${round}, kill ${delay} ms after ${moment ? 'a cut began' : fromStart ? 'start' : 'ready'}`;
    acknowledged.push(...result.acknowledged);
    if (readdirSync(dir).some((name) => name.startsWith('journal.next'))) duringCut++;

    const db = await Database.open({ dir, idleCheckpointMs: 0 });
    if (db.recovery.damagedBytes > 0) damagedRounds++;
    const tracking = new TrackingStore(db);
    const runIds = tracking.searchRuns({ experimentIds: ['0'], maxResults: 1000 }).runs.map((run) => run.info.run_id);
    const singles = new Map<number, number>();
    const batches = new Map<number, number>();
    for (const runId of runIds) {
      for (const point of tracking.getMetricHistory(runId, 'single').metrics) {
        singles.set(point.step, (singles.get(point.step) ?? 0) + 1);
        assert.ok(Object.is(point.value, metricValue(point.step, 0)), `${context}: value of single ${point.step}`);
      }
      const batchPoints = tracking.getMetricHistory(runId, 'batch').metrics;
      for (const point of batchPoints) {
        batches.set(point.step, (batches.get(point.step) ?? 0) + 1);
        assert.ok(Object.is(point.value, metricValue(point.step, point.timestamp)), `${context}: value of ${point.step}/${point.timestamp}`);
      }
      const steps = batchPoints.map((point) => point.step);
      assert.deepEqual(steps, [...steps].sort((a, b) => a - b), `${context}: history order`);
    }
    for (const id of acknowledged) {
      if (isBatch(id)) assert.equal(batches.get(id), batchSize(id), `${context}: acknowledged batch ${id}`);
      else assert.equal(singles.get(id), 1, `${context}: acknowledged write ${id}`);
    }
    for (const [id, n] of batches) assert.equal(n, batchSize(id), `${context}: batch ${id} is all or nothing`);
    for (const [id, n] of singles) assert.equal(n, 1, `${context}: write ${id} applied once`);

    nextId = Math.max(nextId - 1, ...singles.keys(), ...batches.keys()) + 1;
    if (round % 4 < 2) db.close();
  }
  assert.ok(acknowledged.length > rounds, `only ${acknowledged.length} writes acknowledged in ${rounds} rounds`);
  t.diagnostic(`${acknowledged.length} acknowledged writes over ${rounds} kills; ${damagedRounds} opens found a torn journal tail; ${duringCut} kills left a cut of the journal half-done`);
  return { duringCut };
}

/**
 * Opens the store the SQL writer was killed in, as the next process would, and checks it: intact,
 * each acknowledged write there exactly once, batches all or nothing, values exact. Half the time
 * it closes (checkpoints); otherwise the next writer recovers the journal itself. Returns the next
 * id to write and whether the open found a torn journal tail.
 */
async function checkSqlWrites(dir: string, acknowledged: readonly number[], nextId: number, round: number, context: string): Promise<{ nextId: number; damaged: boolean }> {
  const db = await Database.open({ dir, idleCheckpointMs: 0 });
  assert.deepEqual(db.all('PRAGMA integrity_check'), [{ integrity_check: 'ok' }], context);

  const singles = new Map(
    db
      .all<{ step: number; n: number }>("SELECT step, count(*) AS n FROM metrics WHERE key = 'single' GROUP BY step")
      .map((r) => [r.step, r.n]),
  );
  const batches = new Map(
    db
      .all<{ step: number; n: number }>("SELECT step, count(*) AS n FROM metrics WHERE key = 'batch' GROUP BY step")
      .map((r) => [r.step, r.n]),
  );
  for (const id of acknowledged) {
    if (isBatch(id)) assert.equal(batches.get(id), batchSize(id), `${context}: acknowledged batch ${id}`);
    else assert.equal(singles.get(id), 1, `${context}: acknowledged write ${id}`);
  }
  for (const [id, n] of batches) assert.equal(n, batchSize(id), `${context}: batch ${id} is all or nothing`);
  for (const [id, n] of singles) assert.equal(n, 1, `${context}: write ${id} applied once`);

  const fresh = db.all<{ key: string; step: number; timestamp: number; value: number | null; is_nan: number }>(
    'SELECT key, step, timestamp, value, is_nan FROM metrics WHERE run_id = ? AND step >= ?',
    [killRunId, nextId],
  );
  for (const row of fresh) {
    const expected = metricValue(row.step, row.timestamp);
    if (Number.isNaN(expected)) assert.deepEqual([row.value, row.is_nan], [null, 1], `${context}: NaN of ${row.step}`);
    else assert.ok(Object.is(row.value, expected) && row.is_nan === 0, `${context}: value of ${row.step}/${row.timestamp}`);
  }

  const latest = db.get<{ step: number }>("SELECT step FROM latest_metrics WHERE key = 'single'");
  const lastSingle = Math.max(0, ...singles.keys());
  assert.equal(latest?.step ?? 0, lastSingle, `${context}: latest_metrics moved with its metric, atomically`);

  // Half the time the checker closes (checkpoints); otherwise the next writer recovers the journal itself.
  if (round % 4 < 2) db.close();
  return { nextId: Math.max(nextId - 1, ...singles.keys(), ...batches.keys()) + 1, damaged: db.recovery.damagedBytes > 0 };
}
