// Promoting registered models to a remote MLflow server (a second RunLens process, which speaks
// MLflow's REST API) through a proxy that loses replies: the model, its versions (pointing at the
// pushed logged model and run), stages, aliases, tags and descriptions arrive once, and a second
// push after local changes carries only those changes.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { pushRuns } from '../../../src/remote/push/pushRuns';
import { hostKey } from '../../../src/remote/client/remoteServer';
import { syncTagKeys, tagValue } from '../../../src/remote/client/syncTags';
import { openTestStore, tempFolder, type TestStore } from '../importers/support/importKit';
import { startFlakyProxy, type FlakyProxy } from './support/flakyProxy';
import { seedRuns, writeFiles, type SeededRuns } from './support/localRuns';
import { RemoteReader } from './support/remoteReads';
import { serveInChild, type Served } from './support/runlensProcess';

const quick = { retry: { maxAttempts: 8, baseDelayMs: 2, maxDelayMs: 20 } };

interface RemoteVersion {
  name: string;
  version: string;
  source: string;
  run_id?: string;
  current_stage: string;
  description?: string;
  tags?: { key: string; value: string }[];
}

interface RemoteModel {
  name: string;
  description?: string;
  tags?: { key: string; value: string }[];
  aliases?: { alias: string; version: string }[];
}

describe('promote registered models to a remote MLflow server', () => {
  let remoteDir: string;
  let remote: Served;
  let proxy: FlakyProxy;
  let local: TestStore;
  let seeded: SeededRuns;
  let reader: RemoteReader;

  before(async () => {
    remoteDir = tempFolder('runlens-remote-registry-');
    remote = await serveInChild(remoteDir);
    proxy = await startFlakyProxy(remote.url, () => 'pass');
    reader = new RemoteReader(remote.url, remote.token);
    local = await openTestStore();
    seeded = await seedRuns(local);
    const { registry, tracking } = local;
    registry.createRegisteredModel("vision's best", { description: 'picked by hand', tags: [{ key: 'team', value: 'cv' }] });
    // v1: the logged model; v2: a folder of the (still running) vit run's artifacts.
    registry.createModelVersion({ name: "vision's best", source: `models:/${seeded.modelId}`, modelId: seeded.modelId, runId: seeded.finished, description: 'resnet' });
    const vit = tracking.getRun(seeded.running).info;
    await writeFiles(local, vit.artifact_uri, { 'model/MLmodel': Buffer.from('flavors: {}\n') });
    registry.createModelVersion({ name: "vision's best", source: `runs:/${seeded.running}/model`, runId: seeded.running, tags: [{ key: 'arch', value: 'vit' }] });
    registry.transitionModelVersionStage("vision's best", 1, 'Production', false);
    registry.setRegisteredModelAlias("vision's best", 'champion', 2);
  });
  after(async () => {
    await proxy.close();
    await remote.stop();
    local.close();
    rmSync(remoteDir, { recursive: true, force: true });
  });

  const server = () => ({ url: proxy.url, token: remote.token });
  const keys = () => syncTagKeys(hostKey(proxy.url));
  const remoteModel = async () =>
    (await reader.get<{ registered_model: RemoteModel }>(`/api/2.0/mlflow/registered-models/get?name=${encodeURIComponent("vision's best")}`)).registered_model;
  const remoteVersions = async () =>
    ((await reader.get<{ model_versions?: RemoteVersion[] }>(`/api/2.0/mlflow/model-versions/search?filter=${encodeURIComponent("name = 'vision''s best'")}`)).model_versions ?? []).sort(
      (a, b) => Number(a.version) - Number(b.version),
    );

  test('the model arrives with its runs, versions, stage, alias, tags and descriptions, once, though replies get lost', async () => {
    // The first create of the model and of a version is carried out but its reply lost; 503s besides.
    const lost = new Set<string>();
    proxy.decide = ({ url, index }) => {
      if ((url.endsWith('/model-versions/create') || url.endsWith('/registered-models/create')) && !lost.has(url)) {
        lost.add(url);
        return 'drop-after';
      }
      return index % 9 === 4 ? 'unavailable' : 'pass';
    };
    const summary = await pushRuns(local, { models: ["vision's best"] }, server(), quick);
    assert.deepEqual(summary.failures, []);
    assert.deepEqual(summary.models, { pushed: 1, failed: 0 });
    assert.equal(summary.runs.pushed, 2, 'the two runs the versions come from, and no other');
    assert.equal(lost.size, 2, 'both kinds of create had a reply lost');

    const model = await remoteModel();
    assert.equal(model.description, 'picked by hand');
    assert.deepEqual(model.tags, [{ key: 'team', value: 'cv' }]);
    const versions = await remoteVersions();
    assert.equal(versions.length, 2, 'one remote version per local version, although creates were retried');

    const remoteRun = (runId: string) => tagValue(local.tracking.getRun(runId).data.tags, keys().runId);
    const remoteLoggedModel = tagValue(local.tracking.getLoggedModel(seeded.modelId).info.tags, keys().modelId);
    assert.match(remoteLoggedModel ?? '', /^m-/);
    const [first, second] = versions;
    assert.deepEqual(
      { source: first.source, run: first.run_id, stage: first.current_stage, description: first.description },
      { source: `models:/${remoteLoggedModel}`, run: remoteRun(seeded.finished), stage: 'Production', description: 'resnet' },
    );
    assert.deepEqual(
      { source: second.source, run: second.run_id, stage: second.current_stage },
      { source: `runs:/${remoteRun(seeded.running)}/model`, run: remoteRun(seeded.running), stage: 'None' },
    );
    assert.equal(tagValue(second.tags, 'arch'), 'vit');
    assert.deepEqual(model.aliases, [{ alias: 'champion', version: second.version }]);
  });

  test('pushing again creates nothing; local changes (new version, moved alias, stage, description) follow', async () => {
    proxy.decide = () => 'pass';
    const again = await pushRuns(local, { models: ["vision's best"] }, server(), quick);
    assert.deepEqual([again.counts.registeredModelsCreated, again.counts.modelVersionsCreated], [0, 0]);
    assert.equal((await remoteVersions()).length, 2);

    const { registry } = local;
    registry.createModelVersion({ name: "vision's best", source: `models:/${seeded.modelId}`, modelId: seeded.modelId, runId: seeded.finished });
    registry.setRegisteredModelAlias("vision's best", 'champion', 3);
    registry.transitionModelVersionStage("vision's best", 1, 'Archived', false);
    registry.updateRegisteredModel("vision's best", 'the one we ship');
    const changed = await pushRuns(local, { models: ["vision's best"] }, server(), quick);
    assert.deepEqual(changed.failures, []);
    assert.equal(changed.counts.modelVersionsCreated, 1);
    const versions = await remoteVersions();
    assert.deepEqual(versions.map((v) => v.current_stage), ['Archived', 'None', 'None']);
    const model = await remoteModel();
    assert.equal(model.description, 'the one we ship');
    assert.deepEqual(model.aliases, [{ alias: 'champion', version: versions[2].version }]);
  });

  test('an unknown model name is refused before anything is sent', async () => {
    const sent = () => Object.values(proxy.counts).reduce((n, count) => n + count, 0);
    const before = sent();
    await assert.rejects(pushRuns(local, { models: ['no such model'] }, server(), quick), /Registered Model with name=no such model not found/);
    assert.equal(sent(), before);
  });
});
