// The dashboards on a remote MLflow server's runs: a second RunLens server on loopback (it speaks
// MLflow's REST API) behind a counting proxy is the remote; the DashboardService of a local store
// answers for both, mirroring remote runs as requests name them.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { DashboardService as Service, type DashboardService } from '../../../src/dashboards/dashboardService';
import { requestLimits } from '../../../src/dashboards/requestLimits';
import { storePathOf } from '../../../src/core/store/runArtifactRoot';
import { RemoteMirrors, type RemoteServerRef } from '../../../src/remote/browse/remoteMirrors';
import type { MirrorLimits } from '../../../src/remote/browse/mirrorLimits';
import { RemoteRunMirror } from '../../../src/remote/browse/remoteRunMirror';
import { RequestLimiter } from '../../../src/remote/browse/requestLimiter';
import type { ArtifactStore } from '../../../src/core/store/artifactStore';
import type { TrackingStore } from '../../../src/core/store/trackingStore';
import { isRemoteAddress, parseRemoteAddress, remoteAddress } from '../../../src/protocol/runAddress';
import { logHistory, openDashboardFixture, rejectsWith, seedRun, type DashboardFixture } from '../dashboards/support/dashboardFixture';
import { startTestServer, type TestServer } from '../server/support/testServer';
import { startCountingProxy, type CountingProxy } from './countingProxy';

const longHistory = 60_000;

/** A local fixture whose service also reads the given remote servers. */
function serviceFor(local: DashboardFixture, servers: readonly (RemoteServerRef & { token?: string })[], limits: Partial<MirrorLimits> = {}): DashboardService {
  const remote = new RemoteMirrors({
    servers: () => servers,
    connection: async (url) => {
      const server = servers.find((s) => s.url === url);
      return { url, ...(server?.token ? { token: server.token } : {}) };
    },
    limits,
  });
  return new Service({ tracking: local.tracking, artifacts: local.artifacts, remote, now: () => local.now });
}

async function writeRemoteArtifact(store: TrackingStore, artifacts: ArtifactStore, runId: string, path: string, content: string): Promise<void> {
  await artifacts.write(storePathOf(store.getRun(runId).info.artifact_uri, path), Readable.from([Buffer.from(content)]));
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('dashboards on a remote server', () => {
  let remote: TestServer;
  let proxy: CountingProxy;
  let local: DashboardFixture;
  let service: DashboardService;
  let url: string;
  let remoteExperimentId: string;
  let remoteRunId: string;
  let localRunId: string;
  const address = (id: string) => remoteAddress(url, id);

  before(async () => {
    remote = await startTestServer();
    proxy = await startCountingProxy(remote.server.url);
    url = proxy.url;
    local = await openDashboardFixture();
    service = serviceFor(local, [{ name: 'team', url, token: remote.token }]);

    remoteExperimentId = remote.store.createExperiment({ name: 'shared' });
    remoteRunId = seedRun(remote.store, {
      experimentId: remoteExperimentId,
      name: 'remote-wide',
      params: { lr: '0.2', batch: '32', width: '512' },
      tags: { 'mlflow.source.git.commit': 'abc1234', 'mlflow.source.name': 'train.py' },
      metrics: { acc: [0.5, 0.7, 0.9] },
      end: { status: 'FINISHED', endTime: 1_700_000_050_000 },
    });
    // Longer than two get-history pages (25,000 each), with NaN and both infinities in it.
    logHistory(remote.store, remoteRunId, 'loss', Array.from({ length: longHistory }, (_, i) => (i === 7 ? NaN : i === 8 ? Infinity : i === 9 ? -Infinity : 1 / (i + 1))), 1_700_000_000_000);
    await writeRemoteArtifact(remote.store, remote.artifacts, remoteRunId, 'runlens/output.log', 'epoch 1\nepoch 2\n');
    await writeRemoteArtifact(remote.store, remote.artifacts, remoteRunId, 'runlens/diff.patch', 'diff --git a/train.py b/train.py\n');
    await writeRemoteArtifact(remote.store, remote.artifacts, remoteRunId, 'summary.json', '{"best":0.9}');

    const localExperiment = local.tracking.createExperiment({ name: 'mine' });
    localRunId = seedRun(local.tracking, {
      experimentId: localExperiment,
      name: 'local-base',
      params: { lr: '0.1', batch: '32', seed: '7' },
      tags: { 'mlflow.source.git.commit': 'def5678', 'mlflow.source.name': 'train.py' },
      metrics: { acc: [0.4, 0.6], loss: [1, 0.5] },
      end: { status: 'FINISHED', endTime: 1_700_000_060_000 },
    });
  });

  after(async () => {
    await proxy.close();
    await remote.close();
    await local.close();
  });

  test('the run dashboard of a remote run: every metric point copied, ids as addresses, artifacts listed and previewed', async () => {
    const before = proxy.seen.length;
    const model = await service.handle('run/get', { runId: address(remoteRunId) });
    const historyPages = proxy.seen.slice(before).filter((seen) => seen.includes('metrics/get-history'));
    assert.ok(historyPages.length >= 4, `the long history came in pages (${historyPages.length} history requests)`);

    assert.equal(model.header.runId, address(remoteRunId));
    assert.equal(model.header.experimentId, address(remoteExperimentId));
    assert.equal(model.header.experimentName, 'shared (team)');
    assert.deepEqual(model.params.map((p) => `${p.key}=${p.value}`), ['batch=32', 'lr=0.2', 'width=512']);
    const loss = model.metrics.find((m) => m.key === 'loss');
    const stored = remote.store.getMetricHistory(remoteRunId, 'loss').metrics;
    assert.equal(loss?.points, stored.length);
    assert.equal(loss?.points, longHistory);
    assert.equal(loss?.last, 1 / longHistory);
    assert.equal(loss?.min, -Infinity);
    assert.equal(loss?.max, Infinity);
    assert.equal(model.metrics.find((m) => m.key === 'acc')?.points, 3);
    assert.equal(model.notes, undefined, 'nothing was left out');

    // Point for point: the series the charts read equal the remote store's history.
    const series = await service.handle('run/metricSeries', { runIds: [address(remoteRunId)], keys: ['loss'] });
    assert.equal(series.charts[0].series[0].runId, address(remoteRunId));
    assert.equal(series.charts[0].series[0].totalPoints, longHistory);

    assert.deepEqual(
      model.artifacts.items.map((item) => item.path),
      ['runlens', 'runlens/diff.patch', 'runlens/output.log', 'summary.json'],
    );
    assert.equal(model.outputLogPath, 'runlens/output.log');
    assert.equal(model.patchPath, 'runlens/diff.patch');
    const log = await service.handle('artifact/preview', { runId: address(remoteRunId), path: 'runlens/output.log', from: 'end' });
    assert.deepEqual(log, { kind: 'text', text: 'epoch 1\nepoch 2\n', size: 16, truncated: false });
    const json = await service.handle('artifact/preview', { runId: address(remoteRunId), path: 'summary.json' });
    assert.equal(json.kind, 'json');
    await rejectsWith(service.handle('artifact/preview', { runId: address(remoteRunId), path: '../../etc/passwd' }), 'invalidParams', /'\.\.' segments/);
    // What the host downloads to open the captured diff in an editor.
    const patch = await service.readArtifact(address(remoteRunId), 'runlens/diff.patch');
    const chunks: Buffer[] = [];
    for await (const chunk of patch.stream) chunks.push(chunk as Buffer);
    assert.equal(Buffer.concat(chunks).toString('utf8'), 'diff --git a/train.py b/train.py\n');
    assert.equal(patch.size, 33);

    // A second open within the TTL asks the server nothing.
    const again = proxy.seen.length;
    await service.handle('run/get', { runId: address(remoteRunId) });
    assert.equal(proxy.seen.length, again);
  });

  test('the mirror holds every point of the history, exactly, and the host keeps turning while it copies', async () => {
    const mirror = await RemoteRunMirror.open({ url, token: remote.token });
    try {
      // Load-independent: each write transaction queues a callback; if the next write comes before it
      // ran, the copy held the event loop across two writes. (A wall-clock gap would flake on a busy machine.)
      const db = mirror.tracking.db;
      const write = db.write.bind(db);
      let writes = 0;
      let heldAcross = 0;
      let served = true;
      db.write = ((work) => {
        if (!served) heldAcross += 1;
        served = false;
        writes += 1;
        setImmediate(() => (served = true));
        return write(work);
      }) as typeof db.write;
      const started = performance.now();
      await mirror.ensureRuns([remoteRunId], 'full');
      const elapsed = performance.now() - started;
      db.write = write;
      const copied = mirror.tracking.getMetricHistory(remoteRunId, 'loss').metrics;
      assert.deepEqual(copied, remote.store.getMetricHistory(remoteRunId, 'loss').metrics);
      assert.deepEqual(mirror.tracking.getRun(remoteRunId).data.params, remote.store.getRun(remoteRunId).data.params);
      console.log(`mirrored ${copied.length} points in ${elapsed.toFixed(0)} ms in ${writes} write transactions`);
      // 60,000 points in chunks of 10,000: at least six transactions, with a turn of the event loop between each two.
      assert.ok(writes >= longHistory / 10_000, `${writes} write transactions`);
      assert.equal(heldAcross, 0, 'the event loop turned between every two write transactions');
    } finally {
      mirror.close();
    }
  });

  test('a local-vs-remote compare marks exactly the params that differ', async () => {
    const model = await service.handle('compare/get', { runIds: [localRunId, address(remoteRunId)], onlyDifferences: false });
    assert.deepEqual(model.runs.map((r) => r.runId), [localRunId, address(remoteRunId)]);
    assert.deepEqual(
      model.params.map((row) => `${row.key}:${row.status}`),
      ['batch:equal', 'lr:changed', 'seed:onlyLeft', 'width:onlyRight'],
    );
    assert.deepEqual(model.params.filter((row) => row.differs).map((row) => row.key), ['lr', 'seed', 'width']);
    const acc = model.metrics.find((row) => row.key === 'acc');
    assert.ok(acc?.deltas[1]);
    assert.ok(Math.abs(acc.deltas[1].absolute - (0.9 - 0.6)) < 1e-12);
    assert.deepEqual(acc.best, [1]);
    assert.equal(model.runs[1].patchPath, 'runlens/diff.patch');
    assert.equal(model.codeComparable, true);

    const charts = await service.handle('run/metricSeries', { runIds: [localRunId, address(remoteRunId)], keys: ['acc'] });
    assert.deepEqual(charts.charts[0].series.map((s) => [s.runId, s.totalPoints]), [[localRunId, 2], [address(remoteRunId), 3]]);
  });

  test('a remote experiment: its table answers filters and min/max from the copy; min/max past the history cap is refused', async () => {
    for (const lr of ['0.3', '0.4']) {
      seedRun(remote.store, { experimentId: remoteExperimentId, name: `lr-${lr}`, params: { lr }, metrics: { acc: [0.2, Number(lr), 0.1] }, startTime: 1_700_000_010_000 });
    }
    const table = await service.handle('experiment/table', {
      experimentId: address(remoteExperimentId),
      filter: "params.lr = '0.3'",
      aggregations: { acc: 'max' },
    });
    assert.equal(table.experiment.id, address(remoteExperimentId));
    assert.equal(table.totalRows, 1);
    assert.match(table.rows[0].runId, new RegExp(`^${url.replace(/[.]/g, '\\.')}#`));
    assert.equal(table.rows[0].cells['metric:acc'], 0.3, 'max over the whole history, not the last value');
    const all = await service.handle('experiment/table', { experimentId: address(remoteExperimentId) });
    assert.equal(all.totalRows, 3);
    await rejectsWith(service.handle('experiment/table', { experimentId: address(remoteExperimentId), filter: 'params.lr = ' }), 'invalidFilter', /.+/);

    const charts = await service.handle('experiment/charts', {
      runIds: all.rows.map((row) => row.runId),
      scatter: { x: { kind: 'param', key: 'lr' }, y: { kind: 'metric', key: 'acc', aggregation: 'min' } },
    });
    assert.ok(charts.scatter);
    assert.ok(charts.fields.some((field) => field.kind === 'param' && field.key === 'lr'));

    const sweep = remote.store.createExperiment({ name: 'sweep' });
    for (let i = 0; i <= requestLimits.remoteHistoryRuns; i += 1) seedRun(remote.store, { experimentId: sweep, name: `trial-${i}`, metrics: { acc: [i] } });
    const lastValues = await service.handle('experiment/table', { experimentId: address(sweep), limit: 5 });
    assert.equal(lastValues.totalRows, requestLimits.remoteHistoryRuns + 1);
    await rejectsWith(
      service.handle('experiment/table', { experimentId: address(sweep), aggregations: { acc: 'min' } }),
      'invalidParams',
      /at most 200: filter them, or use last values/,
    );
  });

  test('a run still RUNNING is read again; a finished one is not, within its TTL', async () => {
    const quick = serviceFor(local, [{ name: 'team', url, token: remote.token }], { runningTtlMs: 30 });
    const running = seedRun(remote.store, { experimentId: remoteExperimentId, name: 'training', metrics: { loss: [1, 0.9] } });
    const first = await quick.handle('run/get', { runId: address(running) });
    assert.equal(first.header.status, 'RUNNING');
    assert.equal(first.metrics[0].points, 2);
    await quick.handle('run/get', { runId: address(remoteRunId) });
    assert.equal(await quick.remoteChanges({ runIds: [address(running), address(remoteRunId)] }), undefined, 'nothing changed yet');

    remote.store.logBatch(running, { metrics: [{ key: 'loss', value: 0.8, step: 2, timestamp: 1_700_000_002_000 }] });
    assert.deepEqual(await quick.remoteChanges({ runIds: [address(running), address(remoteRunId)] }), { all: false, runIds: [address(running)] });
    await sleep(40);
    const second = await quick.handle('run/get', { runId: address(running) });
    assert.equal(second.metrics[0].points, 3);
    assert.equal(second.metrics[0].last, 0.8);
    await sleep(40);
    const unchanged = proxy.seen.length;
    assert.equal((await quick.handle('run/get', { runId: address(running) })).metrics[0].points, 3);
    assert.deepEqual(
      proxy.seen.slice(unchanged).map((seen) => seen.split('?')[0]),
      ['/api/2.0/mlflow/runs/get'],
      'a running run that logged nothing since costs one runs/get, not its histories again',
    );

    remote.store.updateRun(running, { status: 'FINISHED', endTime: 1_700_000_003_000 });
    await sleep(40);
    assert.equal((await quick.handle('run/get', { runId: address(running) })).header.status, 'FINISHED');
    const seen = proxy.seen.length;
    await sleep(40);
    await quick.handle('run/get', { runId: address(running) });
    assert.equal(proxy.seen.length, seen, 'a finished run is not read again within the TTL');
  });

  test('a note on a remote run is written to its server', async () => {
    const result = await service.handle('note/set', { runId: address(remoteRunId), markdown: '# From the dashboard' });
    assert.equal(result.note, '# From the dashboard');
    const tags = remote.store.getRun(remoteRunId).data.tags ?? [];
    assert.equal(tags.find((tag) => tag.key === 'mlflow.note.content')?.value, '# From the dashboard');
    assert.equal((await service.handle('run/get', { runId: address(remoteRunId) })).note, '# From the dashboard');
  });

  test("the compare's picker finds remote runs by name beside local ones, and says which server it could not search", async () => {
    const found = await service.handle('compare/candidates', { query: 'WIDE', excludeRunIds: [localRunId] });
    assert.deepEqual(found.runs.map((run) => run.runId), [address(remoteRunId)]);
    assert.equal(found.runs[0].experimentName, 'shared (team)');
    // A query both workspaces match ('local-base', 'remote-wide'): not the empty one, whose first 200 would
    // depend on how the remote's hundreds of equally old sweep trials tie with the run wanted here.
    const mixed = await service.handle('compare/candidates', { query: 'e', limit: 200 });
    assert.ok(mixed.runs.some((run) => run.runId === localRunId));
    assert.ok(mixed.runs.some((run) => run.runId === address(remoteRunId)));

    const down = `http://127.0.0.1:${await closedPort()}`;
    const partly = serviceFor(local, [{ name: 'team', url, token: remote.token }, { name: 'gone', url: down }]);
    const result = await partly.handle('compare/candidates', { query: 'base' });
    assert.deepEqual(result.runs.map((run) => run.runId), [localRunId]);
    assert.equal(result.notes?.length, 1);
    assert.match(result.notes?.[0] ?? '', /^gone: .*ECONNREFUSED/);
  });

  test("a guest window's reader holds no store: it reads remote runs, and refuses the workspace's with the reason", async () => {
    const mirrors = new RemoteMirrors({ servers: () => [{ name: 'team', url }], connection: async (serverUrl) => ({ url: serverUrl, token: remote.token }) });
    const reader = new Service({ remote: mirrors, now: () => local.now });
    const model = await reader.handle('run/get', { runId: address(remoteRunId) });
    assert.equal(model.header.runId, address(remoteRunId));
    assert.equal(model.metrics.find((m) => m.key === 'acc')?.points, 3);
    const found = await reader.handle('compare/candidates', { query: 'WIDE' });
    assert.deepEqual(found.runs.map((run) => run.runId), [address(remoteRunId)], 'no workspace runs to offer, the remote ones found');
    await rejectsWith(reader.handle('run/get', { runId: localRunId }), 'unavailable', /RunLens process that keeps the workspace's runs/);
    await rejectsWith(reader.handle('note/set', { runId: localRunId, markdown: 'x' }), 'unavailable', /only the remote servers' runs/);
    assert.throws(() => new Service({ tracking: local.tracking, remote: mirrors }), /a store with its artifacts, or neither/);
  });

  test('a history longer than the cap is cut, and the view says so; last values stay exact', async () => {
    const capped = serviceFor(local, [{ name: 'team', url, token: remote.token }], { maxRunPoints: 1_000, historyPageSize: 400 });
    const model = await capped.handle('run/get', { runId: address(remoteRunId) });
    const loss = model.metrics.find((m) => m.key === 'loss');
    assert.ok(loss && loss.points <= 1_001 + 3, `at most the cap, plus the latest values (${loss?.points})`);
    assert.equal(loss.last, 1 / longHistory);
    assert.equal(model.notes?.length, 1);
    assert.match(model.notes?.[0] ?? '', /logged more metric points than a view copies/);
  });

  test('an unreachable server, refused credentials, a missing run and a server not added each say what is wrong', async () => {
    const down = `http://127.0.0.1:${await closedPort()}`;
    const unreachable = serviceFor(local, [{ name: 'gone', url: down }]);
    await rejectsWith(unreachable.handle('run/get', { runId: remoteAddress(down, 'abc') }), 'unavailable', /^Remote server gone \(http:\/\/127\.0\.0\.1:\d+\): Unreachable: ECONNREFUSED/);
    await rejectsWith(
      unreachable.handle('compare/get', { runIds: [localRunId, remoteAddress(down, 'abc')] }),
      'unavailable',
      /Unreachable/,
    );

    const refused = serviceFor(local, [{ name: 'team', url, token: 'wrong' }]);
    await rejectsWith(refused.handle('run/get', { runId: address(remoteRunId) }), 'unavailable', /^Remote server team .*: Unauthorized \(401\)/);

    await rejectsWith(service.handle('run/get', { runId: address('0123456789abcdef0123456789abcdef') }), 'notFound', /^team .*not found/i);
    await rejectsWith(service.handle('run/get', { runId: remoteAddress('https://elsewhere.example.com', 'abc') }), 'notFound', /not among the servers added/);

    const browserMode = new Service({ tracking: local.tracking, artifacts: local.artifacts });
    await rejectsWith(browserMode.handle('run/get', { runId: address(remoteRunId) }), 'unavailable', /open in VS Code/);
  });
});

describe('remote addresses', () => {
  test('name a server and an id; a local id is never one', () => {
    const address = remoteAddress('https://mlflow.example.com/team', '3f2a');
    assert.equal(address, 'https://mlflow.example.com/team#3f2a');
    assert.deepEqual(parseRemoteAddress(address), { serverUrl: 'https://mlflow.example.com/team', id: '3f2a' });
    assert.deepEqual(parseRemoteAddress('http://127.0.0.1:5000#12'), { serverUrl: 'http://127.0.0.1:5000', id: '12' });
    for (const local of ['0123456789abcdef0123456789abcdef', '12', 'http-run', 'ftp://x#1', 'http://x#', 'http://x#a#b']) {
      assert.equal(parseRemoteAddress(local), undefined, local);
      assert.equal(isRemoteAddress(local), false, local);
    }
  });
});

describe('request limiter', () => {
  test('runs at most its limit at once, in order, and hands a slot straight on', async () => {
    const limiter = new RequestLimiter(3);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limiter.run(async () => {
          running += 1;
          peak = Math.max(peak, running);
          await sleep(i % 3);
          order.push(i);
          running -= 1;
        }),
      ),
    );
    assert.equal(peak, 3);
    assert.equal(order.length, 20);
  });
});
