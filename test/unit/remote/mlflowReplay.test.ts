// RunLens's remote code against what a real MLflow 3.6 server answered (issue 19), replayed on
// loopback from test/fixtures/mlflow-3.6-remote: paging that ends on a full page, aliases that
// model-versions/search leaves out, nested runs, a logged model outside the run's artifacts, the
// run's id with its server, and a dashboard that opened during an outage loading once it is over.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DashboardService } from '../../../src/dashboards/dashboardService';
import { RemoteBrowser } from '../../../src/remote/browse/remoteBrowser';
import { RemoteMirrors } from '../../../src/remote/browse/remoteMirrors';
import type { RemoteRunSummary } from '../../../src/remote/browse/remoteRecords';
import { remoteAddress } from '../../../src/protocol/runAddress';
import { nestRemoteRuns } from '../../../src/vscode/remote/remoteRunNesting';
import { RemoteExperimentNode, RemoteServerNode, type RemoteRunNode } from '../../../src/vscode/remote/remoteTreeNodes';
import { openDashboardFixture, rejectsWith, type DashboardFixture } from '../dashboards/support/dashboardFixture';
import { repoRoot } from '../support/repoRoot';
import { loadExchanges, startReplayServer, type ReplayServer } from './support/replayServer';

const recording = loadExchanges(path.join(repoRoot, 'test', 'fixtures', 'mlflow-3.6-remote', 'browse.jsonl'));

describe('remote servers against a real MLflow 3.6 server (replayed)', () => {
  let replay: ReplayServer;
  let browser: RemoteBrowser;
  let experiments: Map<string, string>;

  const allRuns = async (experiment: string): Promise<{ runs: RemoteRunSummary[]; pages: number }> => {
    const runs: RemoteRunSummary[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await browser.runs(experiments.get(experiment)!, token);
      runs.push(...page.items);
      token = page.nextPageToken;
      pages += 1;
    } while (token !== undefined);
    return { runs, pages };
  };

  before(async () => {
    replay = await startReplayServer(recording);
    browser = new RemoteBrowser({ url: replay.url }, { pageSize: 5 });
    experiments = new Map((await browser.experiments()).items.map((e) => [e.name, e.experimentId]));
  });
  after(async () => {
    assert.deepEqual(replay.unmatched, [], 'RunLens asked only what the recording holds');
    await replay.close();
  });

  test('a listing that ends on a full page has no next page: MLflow hands a token with it, and the page after is empty', async () => {
    const last = recording.filter((e) => e.path.endsWith('/runs/search') && (e.req_body as { experiment_ids: string[] }).experiment_ids[0] === experiments.get('paging'));
    assert.ok(
      last.some((e) => typeof (e.resp_body as { next_page_token?: string }).next_page_token === 'string' && (e.req_body as { max_results: number }).max_results === 5 && (e.req_body as { page_token?: string }).page_token !== undefined),
      'the recording holds the real server handing a token with the last full page',
    );
    const { runs, pages } = await allRuns('paging');
    assert.equal(pages, 2, 'two pages of five, and no third "Load more…" that loads nothing');
    assert.deepEqual(
      runs.map((r) => r.name),
      Array.from({ length: 10 }, (_, i) => `run-${9 - i}`),
    );
  });

  test('model versions carry the aliases the registered model holds', async () => {
    const versions = (await browser.modelVersions('classifier')).items;
    assert.deepEqual(
      versions.map((v) => [v.version, v.aliases]),
      [
        [2, ['champion']],
        [1, ['challenger']],
      ],
    );
    const search = recording.find((e) => e.path.endsWith('/model-versions/search'));
    assert.ok(!JSON.stringify(search?.resp_body).includes('champion'), 'the real reply itself has no aliases');
  });

  test('nested runs sit under their parent, as in the local tree', async () => {
    const { runs } = await allRuns('nested');
    const server = new RemoteServerNode('runs', { name: 'team', url: replay.url });
    const experiment = new RemoteExperimentNode(server, { experimentId: experiments.get('nested')!, name: 'nested', lifecycleStage: 'active' });
    const shape = (node: RemoteRunNode): unknown => (node.childRuns.length === 0 ? node.run.name : { [node.run.name]: node.childRuns.map(shape) });
    const top = nestRemoteRuns(experiment, runs);
    assert.deepEqual(top.map(shape), ['standalone', { sweep: ['lr=0.01', { 'lr=0.1': ['fold-0'] }] }]);
    const fold = top[1].childRuns[1].childRuns[0];
    assert.equal(fold.parent, top[1].childRuns[1]);
    assert.equal(fold.id, `${experiment.id}/run/${fold.run.runId}`, 'a nested run keeps the id it would have at the top');
    // Without its parent loaded (an earlier page), a run stays at the top.
    assert.deepEqual(nestRemoteRuns(experiment, runs.filter((r) => r.name !== 'sweep')).map(shape), ['standalone', 'lr=0.01', { 'lr=0.1': ['fold-0'] }]);
  });

  describe('dashboards', () => {
    let local: DashboardFixture;
    let service: DashboardService;
    const byName = new Map<string, RemoteRunSummary>();

    before(async () => {
      local = await openDashboardFixture();
      const remote = new RemoteMirrors({ servers: () => [{ name: 'team', url: replay.url }], connection: async (url) => ({ url }) });
      service = new DashboardService({ tracking: local.tracking, artifacts: local.artifacts, remote, now: () => local.now });
      for (const experiment of ['nested', 'models']) for (const run of (await allRuns(experiment)).runs) byName.set(run.name, run);
    });
    after(() => local.close());

    test('a run whose logged model lives outside its artifacts shows the model', async () => {
      const run = byName.get('C=1.0')!;
      const model = await service.handle('run/get', { runId: remoteAddress(replay.url, run.runId) });
      assert.deepEqual(model.artifacts.items, [], 'MLflow 3 put nothing in the run’s own artifacts');
      assert.equal(model.loggedModels.length, 1);
      const [logged] = model.loggedModels;
      assert.equal(logged.name, 'model');
      assert.equal(logged.status, 'LOGGED_MODEL_READY');
      assert.match(logged.modelId, /^m-/);
      assert.equal(logged.artifactUri, `mlflow-artifacts:/${experiments.get('models')}/models/${logged.modelId}/artifacts`);
    });

    test('the run names its server and its own id; a nested run links to its parent', async () => {
      const child = byName.get('lr=0.1')!;
      const model = await service.handle('run/get', { runId: remoteAddress(replay.url, child.runId) });
      assert.deepEqual(model.header.server, { name: 'team', url: replay.url });
      assert.equal(model.header.runId, remoteAddress(replay.url, child.runId), 'the address still travels, for links and reloads');
      assert.equal(model.header.parentRunId, remoteAddress(replay.url, byName.get('sweep')!.runId));
      assert.deepEqual(model.loggedModels, []);
    });

    test('a dashboard opened while the server is down hears that its run changed once the server is back', async () => {
      const run = byName.get('C=1.0')!;
      const address = remoteAddress(replay.url, run.runId);
      const fresh = new DashboardService({
        tracking: local.tracking,
        artifacts: local.artifacts,
        // Every copy is stale at once, so each load asks the server, as a reload after a minute does.
        remote: new RemoteMirrors({ servers: () => [{ name: 'team', url: replay.url }], connection: async (url) => ({ url }), limits: { ttlMs: 0 } }),
        now: () => local.now,
      });
      replay.down = true;
      try {
        await rejectsWith(fresh.handle('run/get', { runId: address }), 'unavailable', /Remote server team .*Unreachable/);
        assert.equal(await fresh.remoteChanges({ runIds: [address] }), undefined, 'still down: nothing to reload');
      } finally {
        replay.down = false;
      }
      assert.deepEqual(await fresh.remoteChanges({ runIds: [address] }), { all: false, runIds: [address] });
      assert.equal((await fresh.handle('run/get', { runId: address })).loggedModels.length, 1);
      assert.equal(await fresh.remoteChanges({ runIds: [address] }), undefined, 'loaded and finished: no more reloads');

      // Loaded before the outage, reloaded during it: the same once the server is back.
      replay.down = true;
      try {
        await rejectsWith(fresh.handle('run/get', { runId: address }), 'unavailable', /Unreachable/);
        assert.equal(await fresh.remoteChanges({ runIds: [address] }), undefined);
      } finally {
        replay.down = false;
      }
      assert.deepEqual(await fresh.remoteChanges({ runIds: [address] }), { all: false, runIds: [address] });
      assert.equal((await fresh.handle('run/get', { runId: address })).header.server?.name, 'team');
      assert.equal(await fresh.remoteChanges({ runIds: [address] }), undefined);
    });
  });
});
