import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { captureLaunch } from '../../../src/capture/launchCapture';
import { CaptureTag } from '../../../src/core/launches/captureTags';
import { captureArtifacts } from '../../../src/capture/captureArtifacts';
import { imprintOfCapture } from '../../../src/capture/captureImprint';
import { git, gitTestEnv, makeRepo, write } from '../capture/captureTestKit';
import { openLaunchFixture, tagsOf, type LaunchFixture } from './support/launchFixture';
import { serveLaunchFixture } from './support/launchFixtureServer';

async function serve(t: TestContext, f: LaunchFixture) {
  const { server, token, client } = await serveLaunchFixture(t, f);
  return { server, owner: client(token), client };
}

describe('the tracking server and launch tokens', () => {
  test('a launch token is accepted while the launch lives, and its runs carry the capture; the owner token makes plain runs', async (t) => {
    const f = await openLaunchFixture(t, { tokenGraceMs: 1_000 });
    const { owner, client } = await serve(t, f);
    const { launchId, token } = f.launches.open({ capture: { tags: { 'runlens.launch.id': 'x', 'mlflow.source.name': 'train.py' } } });
    const launched = client(token);

    const created = await launched.api('runs/create', { experiment_id: '0', run_name: 'from-script', tags: [{ key: 'mlflow.source.name', value: '/tmp/train.py' }] });
    assert.equal(created.status, 200, created.text);
    const runId = created.json<{ run: { info: { run_id: string } } }>().run.info.run_id;
    const run = f.tracking.getRun(runId);
    assert.equal(tagsOf(run)['mlflow.source.name'], 'train.py');
    assert.equal(f.launches.launchOfRun(runId), launchId);
    const logged = await launched.api('runs/log-metric', { run_id: runId, key: 'loss', value: 0.5, timestamp: Date.now(), step: 1 });
    assert.equal(logged.status, 200, 'every other endpoint works with the launch token too');

    const plain = await owner.api('runs/create', { experiment_id: '0' });
    const plainId = plain.json<{ run: { info: { run_id: string } } }>().run.info.run_id;
    assert.equal(tagsOf(f.tracking.getRun(plainId))['mlflow.source.name'], undefined);
    assert.equal(f.launches.launchOfRun(plainId), undefined);

    const forged = client(`${token.slice(0, -2)}xx`);
    assert.equal((await forged.api('runs/create', { experiment_id: '0' })).status, 401);

    await f.launches.end(launchId, { kind: 'exited', exitCode: 0 });
    const inGrace = await launched.get(`/api/2.0/mlflow/runs/get?run_id=${runId}`);
    assert.equal(inGrace.status, 200, 'within the grace the token still works (last requests in flight)');
    f.clock.now += 1_001;
    const late = await launched.api('runs/create', { experiment_id: '0' });
    assert.equal(late.status, 401, 'after the grace the token is refused');
    assert.equal(late.json<{ error_code: string }>().error_code, 'UNAUTHENTICATED');
  });

  test('a real capture of a dirty repository reaches the run: commit, branch, dirty flag, file hash, diff and script copy', async (t) => {
    const repo = makeRepo(t, { 'train.py': 'print("v1")\n', 'data/train.csv': 'x\n1\n' });
    write(repo, 'train.py', 'print("v2")\n');
    write(repo, 'notes.txt', 'untracked\n');
    const f = await openLaunchFixture(t, { imprintOf: imprintOfCapture });
    const { client } = await serve(t, f);
    const launchId = '0123456789abcdef0123456789abcdef';
    const capture = await captureLaunch({
      launchId,
      workspaceRoot: repo,
      cwd: repo,
      interpreterPath: 'python3',
      script: 'train.py',
      args: ['--data', 'data/train.csv'],
      runlensVersion: '0.1.0',
      env: gitTestEnv,
      dataFromArguments: true,
    });
    const { record, files } = captureArtifacts(capture);
    assert.ok(record.git.isRepository && record.git.patch === '', 'the stored record leaves the patch to the artifact');
    const { token } = f.launches.open({ launchId, capture: record, files });
    const created = await client(token).api('runs/create', { experiment_id: '0' });
    const run = f.tracking.getRun(created.json<{ run: { info: { run_id: string } } }>().run.info.run_id);
    const tags = tagsOf(run);

    assert.equal(tags[CaptureTag.GitCommit], git(repo, 'rev-parse', 'HEAD'));
    assert.equal(tags[CaptureTag.GitBranch], 'main');
    assert.equal(tags[CaptureTag.GitDirty], 'true');
    assert.equal(tags[CaptureTag.SourceName], 'train.py');
    assert.equal(tags[CaptureTag.SourceType], 'LOCAL');
    assert.equal(tags[CaptureTag.LaunchId], launchId);
    assert.equal(tags[CaptureTag.FileSha256], capture.record.file?.sha256);
    assert.deepEqual(JSON.parse(tags[CaptureTag.Args]), ['--data', 'data/train.csv']);
    assert.deepEqual(run.inputs.dataset_inputs?.map((input) => input.dataset.name), ['data/train.csv']);
    const patch = await f.artifactText(run, 'runlens/diff.patch');
    assert.ok(capture.record.git.isRepository);
    assert.equal(patch, capture.record.git.patch);
    assert.match(patch!, /^-print\("v1"\)$/m);
    assert.match(patch!, /^\+untracked$/m);
    assert.equal(await f.artifactText(run, 'runlens/source/train.py'), 'print("v2")\n');
  });

  test('outside a repository the run records what is true: no commit, no diff, the script copied', async (t) => {
    const f = await openLaunchFixture(t, { imprintOf: imprintOfCapture });
    const folder = f.dir;
    write(folder, 'plain/train.py', 'print(1)\n');
    const capture = await captureLaunch({
      launchId: 'fedcba9876543210fedcba9876543210',
      workspaceRoot: `${folder}/plain`,
      cwd: `${folder}/plain`,
      interpreterPath: 'python3',
      script: 'train.py',
      args: [],
      runlensVersion: '0.1.0',
      env: gitTestEnv,
    });
    const { record, files } = captureArtifacts(capture);
    assert.deepEqual(Object.keys(files), ['runlens/source/train.py']);
    const { launchId } = f.launches.open({ launchId: record.launchId, capture: record, files });
    const ended = await f.launches.end(launchId, { kind: 'exited', exitCode: 0 });
    const tags = tagsOf(ended.runs[0]);
    assert.equal(tags[CaptureTag.GitCommit], undefined);
    assert.equal(tags[CaptureTag.GitDirty], undefined);
    assert.equal(tags[CaptureTag.SourceName], 'train.py');
    assert.deepEqual(await f.launchArtifacts(ended.runs[0]), ['runlens/source/train.py']);
  });
});
