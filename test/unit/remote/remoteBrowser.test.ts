// The remote browser against a real RunLens server on loopback (it speaks MLflow's REST API), with a
// counting proxy in between: paging by token, the cache, and what a person reads when it fails.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { describeRemoteFailure, quoteFilterString, RemoteBrowser } from '../../../src/remote/browse/remoteBrowser';
import { startTestServer, type TestServer } from '../server/support/testServer';
import { startCountingProxy, type CountingProxy } from './countingProxy';

const runCount = 1_050;

describe('remote browser', () => {
  let target: TestServer;
  let proxy: CountingProxy;
  let experimentId: string;

  before(async () => {
    target = await startTestServer();
    experimentId = target.store.createExperiment({ name: 'big' });
    for (let i = 0; i < runCount; i += 1) {
      const run = target.store.createRun({ experimentId, runName: `run-${i}`, startTime: 1_700_000_000_000 + i });
      if (i === runCount - 1) {
        target.store.logParam(run.info.run_id, 'lr', '0.1');
        target.store.logMetric(run.info.run_id, { key: 'loss', value: NaN, timestamp: 1, step: 0 });
      }
    }
    target.registry.createRegisteredModel("o'clock");
    proxy = await startCountingProxy(target.server.url);
  });
  after(async () => {
    await proxy.close();
    await target.close();
  });

  test('pages through every run with page tokens, newest first, without duplicates', async () => {
    const browser = new RemoteBrowser({ url: proxy.url, token: target.token }, { pageSize: 100 });
    const ids = new Set<string>();
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await browser.runs(experimentId, token);
      for (const run of page.items) {
        assert.ok(!ids.has(run.runId), `run ${run.runId} came twice`);
        ids.add(run.runId);
        names.push(run.name);
      }
      token = page.nextPageToken;
      pages += 1;
    } while (token);
    assert.equal(ids.size, runCount);
    assert.equal(pages, Math.ceil(runCount / 100));
    assert.equal(names[0], `run-${runCount - 1}`);
    assert.equal(names.at(-1), 'run-0');
  });

  test('a second expand of the same page makes no request; forget() asks again', async () => {
    const browser = new RemoteBrowser({ url: proxy.url, token: target.token }, { pageSize: 50 });
    const before = proxy.seen.length;
    const first = await browser.runs(experimentId);
    const [again, concurrent] = await Promise.all([browser.runs(experimentId), browser.runs(experimentId)]);
    assert.equal(proxy.seen.length - before, 2, 'one page and one run past it, for three reads of the first page');
    assert.deepEqual(again, first);
    assert.deepEqual(concurrent, first);
    assert.equal(first.items.length, 50, 'a page, never more');
    const newest = first.items[0];
    assert.deepEqual(newest.params, [{ key: 'lr', value: '0.1' }]);
    assert.ok(Number.isNaN(newest.metrics.find((m) => m.key === 'loss')?.value), 'NaN survives the wire');
    browser.forget();
    await browser.runs(experimentId);
    assert.equal(proxy.seen.length - before, 4);
  });

  test('experiments, run, history, registered models and versions', async () => {
    const browser = new RemoteBrowser({ url: proxy.url, token: target.token });
    const experiments = await browser.experiments();
    assert.deepEqual(experiments.items.map((e) => e.name).sort(), ['Default', 'big']);
    const newest = (await browser.runs(experimentId)).items[0];
    const run = await browser.run(newest.runId);
    assert.equal(run.name, newest.name);
    const history = await browser.metricHistory(newest.runId, 'loss');
    assert.equal(history.items.length, 1);
    const models = await browser.registeredModels();
    assert.deepEqual(models.items.map((m) => m.name), ["o'clock"]);
    target.registry.createModelVersion({ name: "o'clock", source: `runs:/${newest.runId}/model`, runId: newest.runId });
    const versions = await browser.modelVersions("o'clock");
    assert.equal(versions.items.length, 1);
    assert.equal(versions.items[0].runId, newest.runId);
    assert.equal(versions.items[0].version, 1);
  });

  test('a wrong token reads as unauthorized, at once and without a retry', async () => {
    const browser = new RemoteBrowser({ url: proxy.url, token: 'wrong' });
    const start = proxy.seen.length;
    const error = await browser.experiments().catch((e: unknown) => e);
    assert.match(describeRemoteFailure(error), /^Unauthorized \(401\)/);
    assert.equal(proxy.seen.length - start, 1);
    proxy.refuseWith = 403;
    try {
      const refused = await new RemoteBrowser({ url: proxy.url, username: 'ann', password: 'pw' }).experiments().catch((e: unknown) => e);
      assert.match(describeRemoteFailure(refused), /^Forbidden \(403\)/);
      assert.equal(proxy.seen.length - start, 2);
    } finally {
      proxy.refuseWith = undefined;
    }
  });

  test('a failed page is not cached: the retry asks again and succeeds', async () => {
    const browser = new RemoteBrowser({ url: proxy.url, token: target.token });
    proxy.refuseWith = 401;
    await assert.rejects(browser.experiments());
    proxy.refuseWith = undefined;
    assert.ok((await browser.experiments()).items.length >= 2);
  });

  test('an unreachable server and one that never answers are told apart, quickly', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await new RemoteBrowser({ url: `http://127.0.0.1:${port}` }).experiments().catch((e: unknown) => e);
    assert.match(describeRemoteFailure(refused), /^Unreachable: ECONNREFUSED/);

    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const timedOut = await new RemoteBrowser({ url }, { timeoutMs: 200 }).experiments().catch((e: unknown) => e);
      assert.equal(describeRemoteFailure(timedOut), 'Unreachable: no answer in time');
      assert.ok(Date.now() - started < 2000);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test('filter strings are quoted with the quote the name lacks', () => {
    assert.equal(quoteFilterString('plain'), "'plain'");
    assert.equal(quoteFilterString("o'clock"), `"o'clock"`);
    assert.throws(() => quoteFilterString(`a'b"c`), /both quote characters/);
  });
});
