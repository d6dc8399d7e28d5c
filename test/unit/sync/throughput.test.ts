// 100,000 metric points come in from an mlruns/ folder and go out to a server, all of them: the
// times are printed, not asserted (a wall-clock bound flakes on a busy machine); `npm run bench`
// measures the import (bench/import.bench.ts).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pushRuns } from '../../../src/remote/push/pushRuns';
import { importMlflowData } from '../../../src/importers/importMlflowData';
import { buildFixture } from '../../fixtures/mlflow-data/fixtureSpec';
import { writeMlruns } from '../../fixtures/mlflow-data/writeMlruns';
import { openTestStore, tempFolder, type TestStore } from '../importers/support/importKit';
import { startTestServer, type TestServer } from '../server/support/testServer';

describe('throughput with 100,000 metric points', () => {
  let work: string;
  let local: TestStore;
  let remote: TestServer;

  before(async () => {
    work = tempFolder('runlens-throughput-');
    // 10 runs × 3 metrics × 3,400 steps, plus the fixture's few extra points.
    writeMlruns(buildFixture({ runsPerExperiment: 4, pointsPerMetric: 3400 }), path.join(work, 'mlruns'));
    local = await openTestStore();
    remote = await startTestServer();
  });
  after(async () => {
    await remote.close();
    local.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('import of an mlruns/ folder, then a push of its active runs', async () => {
    let started = performance.now();
    const imported = await importMlflowData(local, path.join(work, 'mlruns'));
    const importMs = performance.now() - started;
    assert.ok(imported.metricPoints > 100_000);
    console.log(`import: ${imported.metricPoints} points in ${importMs.toFixed(0)} ms (${Math.round((imported.metricPoints / importMs) * 1000)} points/s)`);

    started = performance.now();
    const pushed = await pushRuns(local, {}, { url: remote.server.url, token: remote.token });
    const pushMs = performance.now() - started;
    assert.deepEqual(pushed.failures, []);
    console.log(`push: ${pushed.counts.metricPoints} points in ${pushMs.toFixed(0)} ms (${Math.round((pushed.counts.metricPoints / pushMs) * 1000)} points/s)`);
    assert.deepEqual(remote.logged, []);
  });
});
