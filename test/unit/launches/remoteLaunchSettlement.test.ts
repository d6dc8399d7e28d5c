// The ends of remote launches that never reached their server, sent by a later session: a launch
// whose window died while its script ran (its process is killed for real; a second LaunchService
// over the same store, with the real process check, plays the next session), and a server that is
// down meanwhile. The remote is a second tracking server on loopback, read back over its REST API.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { LaunchService } from '../../../src/core/launches/launchService';
import { LaunchArtifact, LaunchTag } from '../../../src/core/launches/launchTags';
import type { RemoteLaunchRecord } from '../../../src/core/launches/remoteLaunchRecord';
import { forgetRemoteLaunch, settleRemoteLaunch, windowEndedReason } from '../../../src/remote/launches/remoteLaunchSettlement';
import { RemoteUnavailableError } from '../../../src/remote/client/mlflowRestClient';
import { imprintOfCapture } from '../../../src/capture/captureImprint';
import { makeRepo } from '../capture/captureTestKit';
import { startTestServer, type TestServer } from '../server/support/testServer';
import { startFlakyProxy } from '../sync/support/flakyProxy';
import { RemoteReader, tagsOf } from '../sync/support/remoteReads';
import type { LaunchFixture } from './support/launchFixture';
import { startRemoteLaunch } from './support/remoteLaunchKit';

const hasPython = spawnSync('python3', ['--version']).status === 0;

/** Logs into the pre-made run, says so, then runs until it is killed. */
const longScript = `import time
import runlens as mlflow

mlflow.start_run()
mlflow.log_metric("loss", 0.5)
print("epoch 1 done", flush=True)
time.sleep(60)
`;

const noRetry = { retry: { maxAttempts: 1 }, timeoutMs: 5000 };

describe('remote launches whose end did not reach the server', { skip: !hasPython && 'python3 is not installed' }, () => {
  let remote: TestServer;
  let reader: RemoteReader;

  before(async () => {
    remote = await startTestServer();
    reader = new RemoteReader(remote.server.url, remote.token);
  });
  after(() => remote.close());

  /** A launch to `url` whose window "dies" while the script runs: the process is killed and nothing ends the launch. */
  async function crashedLaunch(t: TestContext, url: string): Promise<{ fixture: LaunchFixture; launchId: string; runId: string; output: string }> {
    const repo = makeRepo(t, { 'train.py': longScript });
    const started = await startRemoteLaunch(t, { repo, script: 'train.py', server: { url, token: remote.token } });
    while (!started.output().includes('epoch 1 done')) await new Promise((resolve) => setTimeout(resolve, 20));
    // The package listing was kept in the store, but never reached the server.
    await started.fixture.launches.addFile(started.launch.launchId, LaunchArtifact.Requirements, 'numpy==2.1.0\n');
    started.process.kill('the window died');
    await started.logged;
    return { fixture: started.fixture, launchId: started.launch.launchId, runId: started.launch.remote.runId, output: started.output() };
  }

  /** The next session: a new LaunchService over the same store and files, with the real process check; it recovers first. */
  async function nextSession(fixture: LaunchFixture): Promise<LaunchService> {
    const launches = new LaunchService({
      db: fixture.db,
      artifacts: fixture.artifacts,
      filesDir: path.join(fixture.dir, 'launches'),
      imprintOf: imprintOfCapture,
      log: (message) => fixture.logged.push(message),
    });
    await launches.recoverAbandoned();
    return launches;
  }

  async function remoteFile(runId: string, artifactPath: string): Promise<string | undefined> {
    const run = (await reader.run(runId)).run;
    return (await reader.artifacts(run.info.artifact_uri.replace(/^mlflow-artifacts:\/*/, ''))).get(artifactPath)?.toString();
  }

  test('a launch whose window died: its run ends FAILED with the note, gets the output so far and the package listing, once', async (t) => {
    const { fixture, launchId, runId, output } = await crashedLaunch(t, remote.server.url);
    assert.equal((await reader.run(runId)).run.info.status, 'RUNNING', 'before: the server still shows it running');

    const launches = await nextSession(fixture);
    assert.equal(launches.get(launchId)?.status, 'FAILED', 'crash recovery ended the record');
    assert.ok(existsSync(launches.filePath(launchId, LaunchArtifact.OutputLog)), 'and kept the files for the server');
    assert.deepEqual(launches.unsentRemoteLaunches().map(({ row }) => row.launch_id), [launchId]);

    const settled = await settleRemoteLaunch({ launches, launchId, server: { url: remote.server.url, token: remote.token } });
    assert.equal(settled?.status, 'FAILED');
    assert.deepEqual(settled.runs.map((run) => run.info.run_id), [runId]);
    const run = (await reader.run(runId)).run;
    assert.equal(run.info.status, 'FAILED');
    assert.ok(run.info.end_time);
    assert.equal(tagsOf(run)[LaunchTag.Note], windowEndedReason);
    assert.equal(tagsOf(run)[LaunchTag.MlflowNote], windowEndedReason);
    assert.equal(tagsOf(run)[LaunchTag.ExitCode], undefined, 'no exit code was seen');
    assert.deepEqual(run.data.metrics?.map((m) => m.key), ['loss'], 'what the script logged stays');
    assert.match(output, /epoch 1 done/);
    assert.equal(await remoteFile(runId, LaunchArtifact.OutputLog), output, 'the output log as far as it got');
    assert.equal(await remoteFile(runId, LaunchArtifact.Requirements), 'numpy==2.1.0\n');
    const record = JSON.parse(launches.get(launchId)?.remote_json ?? '{}') as RemoteLaunchRecord;
    assert.equal(record.synced, true);
    assert.equal(existsSync(launches.filesFolder(launchId)), false, 'the kept files went once sent');

    const endTime = run.info.end_time;
    assert.equal(await settleRemoteLaunch({ launches, launchId, server: { url: remote.server.url, token: remote.token } }), undefined, 'nothing left the second time');
    assert.deepEqual(launches.unsentRemoteLaunches(), []);
    assert.equal((await reader.run(runId)).run.info.end_time, endTime, 'settled once');
  });

  test('a script still running when the next session opens is left alone, then ended and sent once it exits in that session', async (t) => {
    const { fixture, launchId, runId } = await crashedLaunch(t, remote.server.url);
    // The next session finds the process alive (the script outlived its window), and watches it.
    let alive = true;
    const launches = new LaunchService({
      db: fixture.db,
      artifacts: fixture.artifacts,
      filesDir: path.join(fixture.dir, 'launches'),
      imprintOf: imprintOfCapture,
      log: (message) => fixture.logged.push(message),
      isProcessAlive: () => alive,
    });
    assert.deepEqual(await launches.recoverAbandoned(), [], 'alive: left alone when the store opens');
    const leftRunning = new Set(launches.liveLaunchIds());
    assert.deepEqual([...leftRunning], [launchId]);
    assert.deepEqual(await launches.recoverAbandoned(leftRunning), [], 'still alive: still left alone');
    assert.equal(launches.get(launchId)?.status, 'RUNNING');
    assert.deepEqual(launches.unsentRemoteLaunches(), [], 'nothing to send while it runs');

    alive = false;
    const ended = await launches.recoverAbandoned(leftRunning);
    assert.deepEqual(ended.map((launch) => launch.launchId), [launchId], 'ended in this session, once its process is gone');
    assert.deepEqual(launches.unsentRemoteLaunches().map(({ row }) => row.launch_id), [launchId], 'pending: the command is offered');
    await settleRemoteLaunch({ launches, launchId, server: { url: remote.server.url, token: remote.token } });
    const run = (await reader.run(runId)).run;
    assert.equal(run.info.status, 'FAILED');
    assert.equal(tagsOf(run)[LaunchTag.Note], windowEndedReason);
    assert.deepEqual(launches.unsentRemoteLaunches(), [], 'settled');
  });

  test('a server that is down: the record stays pending with the reason, the files stay, and a later try sends them', async (t) => {
    const proxy = await startFlakyProxy(remote.server.url, () => 'pass');
    t.after(() => proxy.close());
    const { fixture, launchId, runId, output } = await crashedLaunch(t, proxy.url);
    const launches = await nextSession(fixture);
    const server = { url: proxy.url, token: remote.token };

    proxy.decide = () => 'drop-before';
    await assert.rejects(settleRemoteLaunch({ launches, launchId, server, requests: noRetry }), (error: unknown) => RemoteUnavailableError.is(error));
    const pending = JSON.parse(launches.get(launchId)?.remote_json ?? '{}') as RemoteLaunchRecord;
    assert.equal(pending.synced, false);
    assert.ok(pending.failure, 'the reason is kept');
    assert.deepEqual(launches.unsentRemoteLaunches().map(({ row }) => row.launch_id), [launchId]);
    assert.equal(readFileSync(launches.filePath(launchId, LaunchArtifact.OutputLog), 'utf8'), output, 'the output log is kept whole');
    assert.equal((await reader.run(runId)).run.info.status, 'RUNNING');

    proxy.decide = () => 'pass';
    const settled = await settleRemoteLaunch({ launches, launchId, server, requests: noRetry });
    assert.equal(settled?.remote?.synced, true);
    assert.equal((await reader.run(runId)).run.info.status, 'FAILED');
    assert.equal(await remoteFile(runId, LaunchArtifact.OutputLog), output);
  });

  test('a process still alive after the window died is left running: nothing is settled while it runs', async (t) => {
    const { fixture, launchId, runId } = await crashedLaunch(t, remote.server.url);
    // The launch's process is dead; this test's own process stands for one that survived the window.
    fixture.launches.setPid(launchId, process.pid);
    const launches = await nextSession(fixture);
    assert.equal(launches.get(launchId)?.status, 'RUNNING');
    assert.deepEqual(launches.unsentRemoteLaunches(), []);
    assert.ok(existsSync(launches.filesFolder(launchId)));
    assert.equal((await reader.run(runId)).run.info.status, 'RUNNING');
    await assert.rejects(settleRemoteLaunch({ launches, launchId, server: { url: remote.server.url, token: remote.token } }), /still running/);
  });

  test('Forget gives up sending: the record stops being pending and the kept files are deleted; the run is left as it is', async (t) => {
    const { fixture, launchId, runId } = await crashedLaunch(t, remote.server.url);
    const launches = await nextSession(fixture);
    await forgetRemoteLaunch(launches, launchId);
    assert.deepEqual(launches.unsentRemoteLaunches(), []);
    assert.match((JSON.parse(launches.get(launchId)?.remote_json ?? '{}') as RemoteLaunchRecord).dropped ?? '', /forgotten/);
    assert.equal(existsSync(launches.filesFolder(launchId)), false);
    assert.equal((await reader.run(runId)).run.info.status, 'RUNNING');
    assert.equal(await settleRemoteLaunch({ launches, launchId, server: { url: remote.server.url, token: remote.token } }), undefined);
  });
});
