// Issue 14: a comparison of a workspace run with a remote server's run in a guest window. The workspace's store is
// served by a real RunLens server on loopback (the owner process), asked through its dashboard route with its token;
// the remote server is a second one, read by the window's own reader of remote servers. What the guest shows must
// equal what one service reading both (the window that owns the store) shows, non-finite values included.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DashboardService } from '../../../src/dashboards/dashboardService';
import { remoteAddress } from '../../../src/protocol/runAddress';
import { RemoteMirrors } from '../../../src/remote/browse/remoteMirrors';
import { guestBackend, inProcessBackend, ownerBackend, type DashboardBackend } from '../../../src/vscode/dashboards/dashboardBackend';
import type { StoreAccess } from '../../../src/vscode/storeAccess';
import { logHistory, seedRun } from '../dashboards/support/dashboardFixture';
import { startTestServer, type TestServer } from '../server/support/testServer';

describe("a guest window's comparison of a workspace run with a remote one", () => {
  let owner: TestServer;
  let remote: TestServer;
  let guest: DashboardBackend;
  let oneProcess: DashboardService;
  let localRunIds: string[];
  let remoteRunId: string;
  let localExperimentId: string;

  before(async () => {
    owner = await startTestServer();
    remote = await startTestServer();
    const mirrors = () =>
      new RemoteMirrors({ servers: () => [{ name: 'team', url: remote.server.url }], connection: async (url) => ({ url, token: remote.token }) });
    // The window owning the store reads both; the guest's reader only the remote server, the owner only the store.
    oneProcess = new DashboardService({ tracking: owner.store, artifacts: owner.artifacts, traces: owner.traces, remote: mirrors() });
    const access = {} as StoreAccess;
    guest = guestBackend(ownerBackend({ url: owner.server.url, token: owner.token }, access), inProcessBackend(new DashboardService({ remote: mirrors() })));

    localExperimentId = owner.store.createExperiment({ name: 'mine' });
    localRunIds = [
      seedRun(owner.store, {
        experimentId: localExperimentId,
        name: 'base',
        params: { lr: '0.1', batch: '32' },
        tags: { 'mlflow.source.git.commit': 'def5678', 'mlflow.source.name': 'train.py' },
        metrics: { acc: [0.4, 0.6], loss: [1, NaN, 0.5] },
        end: { status: 'FINISHED', endTime: 1_700_000_060_000 },
      }),
      seedRun(owner.store, { experimentId: localExperimentId, name: 'twin', startTime: 1_700_000_001_000, metrics: { loss: [2, Infinity, 0.25] } }),
    ];
    const remoteExperiment = remote.store.createExperiment({ name: 'shared' });
    remoteRunId = seedRun(remote.store, {
      experimentId: remoteExperiment,
      name: 'base',
      params: { lr: '0.2', batch: '32', width: '512' },
      metrics: { acc: [0.5, 0.7, 0.9] },
      end: { status: 'FINISHED', endTime: 1_700_000_050_000 },
    });
    logHistory(remote.store, remoteRunId, 'loss', Array.from({ length: 5000 }, (_, i) => 1 / (i + 1)), 1_700_000_000_000);
  });

  after(async () => {
    await owner.close();
    await remote.close();
  });

  const remoteRun = () => remoteAddress(remote.server.url, remoteRunId);
  /** Durations of running runs follow the clock: equal answers are compared without them. */
  const steady = <T>(value: T): T => JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'durationMs' ? 0 : v))) as T;

  test('compare/get is the comparison one process reading both makes: runs in the order asked, NaN and Infinity as numbers', async () => {
    for (const params of [
      { runIds: [localRunIds[0], remoteRun(), localRunIds[1]] },
      { runIds: [remoteRun(), ...localRunIds], aggregation: 'max', onlyDifferences: true },
    ]) {
      const shown = await guest.handle('compare/get', params);
      assert.deepEqual(steady(shown), steady(await oneProcess.handle('compare/get', params)), JSON.stringify(params));
      assert.deepEqual(
        shown.runs.map((run) => run.runId),
        params.runIds,
      );
    }
    const { metrics } = await guest.handle('compare/get', { runIds: [localRunIds[0], remoteRun(), localRunIds[1]], aggregation: 'max' });
    const loss = metrics.find((row) => row.key === 'loss');
    assert.deepEqual(
      loss?.values.map((value) => value?.max),
      [1, 1, Infinity],
      "the owner's JSON spells Infinity as a string: the comparison reads it as the number",
    );
  });

  test('run/metricSeries charts both in one chart, as one process does, with and without keys', async () => {
    const runIds = [localRunIds[0], remoteRun(), localRunIds[1]];
    for (const params of [
      { runIds, limit: 1 },
      { runIds },
      { runIds, keys: ['loss', 'acc'], chart: { xAxis: 'step', smoothing: 0.6, logScale: true } },
    ]) {
      const shown = await guest.handle('run/metricSeries', params);
      assert.deepEqual(shown, await oneProcess.handle('run/metricSeries', params), JSON.stringify(params));
    }
    const { charts, availableKeys } = await guest.handle('run/metricSeries', { runIds, keys: ['loss'] });
    assert.deepEqual(availableKeys, ['acc', 'loss']);
    assert.deepEqual(
      charts[0].series.map((series) => [series.runId, series.runName, series.totalPoints]),
      [
        [localRunIds[0], `base (${localRunIds[0].slice(0, 7)})`, 3],
        [remoteRun(), `base (${remoteRun().slice(0, 7)})`, 5000],
        [localRunIds[1], 'twin', 3],
      ],
    );
  });

  test('the compare picker offers the workspace runs and the remote server runs together', async () => {
    for (const params of [{ query: 'base' }, { query: '', experimentId: localExperimentId, limit: 2 }, { query: 'twin', excludeRunIds: [localRunIds[0]] }]) {
      assert.deepEqual(await guest.handle('compare/candidates', params), await oneProcess.handle('compare/candidates', params), JSON.stringify(params));
    }
    const { runs } = await guest.handle('compare/candidates', { query: 'base' });
    assert.deepEqual(runs.map((run) => run.runId).sort(), [localRunIds[0], remoteRun()].sort());
  });

  test('a bad request is refused as one process refuses it', async () => {
    await assert.rejects(guest.handle('compare/get', { runIds: [localRunIds[0]] }), /'runIds'/);
    await assert.rejects(guest.handle('run/metricSeries', { runIds: [localRunIds[0], remoteRun()], limit: 0 }), /'limit'/);
  });
});
