// Launches that log straight to a remote MLflow server: a second tracking server on loopback (the
// same server `runlens serve` runs, over its own store) plays the remote, a real git repository in a
// temporary folder is captured, and python3 runs scripts that log through RunLens's helper or raw
// REST. What the remote holds afterwards is read back over its REST API, as any client would.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { CaptureTag } from '../../../src/core/launches/captureTags';
import { LaunchArtifact, LaunchTag } from '../../../src/core/launches/launchTags';
import type { RemoteLaunchRecord } from '../../../src/core/launches/remoteLaunchRecord';
import { settleRemoteLaunch } from '../../../src/remote/launches/remoteLaunchSettlement';
import { RemoteUnavailableError } from '../../../src/remote/client/mlflowRestClient';
import { git, makeRepo, write } from '../capture/captureTestKit';
import { startTestServer, type TestServer } from '../server/support/testServer';
import { startFlakyProxy } from '../sync/support/flakyProxy';
import { RemoteReader, tagsOf, type RemoteRunView } from '../sync/support/remoteReads';
import { openLaunchFixture } from './support/launchFixture';
import { launchToRemote } from './support/remoteLaunchKit';
import { imprintOfCapture } from '../../../src/capture/captureImprint';

const hasPython = spawnSync('python3', ['--version']).status === 0;

/** Resumes MLFLOW_RUN_ID with its first start_run, then starts a second run; `exit N` leaves the second run open and exits N. */
const helperScript = `import sys
import runlens as mlflow

with mlflow.start_run():
    mlflow.log_param("lr", "0.1")
    mlflow.log_metric("loss", 0.5)
print("first run done", flush=True)
second = mlflow.start_run(run_name="second")
mlflow.log_metric("loss", 0.25)
if len(sys.argv) > 2 and sys.argv[1] == "exit":
    sys.exit(int(sys.argv[2]))
mlflow.end_run()
print("second run done")
`;

/** No helper: logs into MLFLOW_RUN_ID, then makes a run of its own, tagged as MLflow's client tags its runs. */
const restScript = `import getpass, json, os, sys, time, urllib.request

def call(endpoint, body):
    request = urllib.request.Request(os.environ["MLFLOW_TRACKING_URI"] + "/api/2.0/mlflow/" + endpoint,
                                     data=json.dumps(body).encode(), method="POST")
    request.add_header("Authorization", "Bearer " + os.environ["MLFLOW_TRACKING_TOKEN"])
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"{}")

now = int(time.time() * 1000)
call("runs/log-metric", {"run_id": os.environ["MLFLOW_RUN_ID"], "key": "acc", "value": 0.9, "timestamp": now, "step": 0})
own = call("runs/create", {"experiment_id": os.environ["MLFLOW_EXPERIMENT_ID"], "start_time": now, "tags": [
    {"key": "mlflow.source.name", "value": sys.argv[0]}, {"key": "mlflow.user", "value": getpass.getuser()}]})
call("runs/log-metric", {"run_id": own["run"]["info"]["run_id"], "key": "acc", "value": 0.95, "timestamp": now, "step": 0})
print("rest done")
`;

describe('a launch that logs to a remote server', { skip: !hasPython && 'python3 is not installed' }, () => {
  let remote: TestServer;
  let reader: RemoteReader;

  before(async () => {
    remote = await startTestServer();
    reader = new RemoteReader(remote.server.url, remote.token);
  });
  after(() => remote.close());

  async function runsOfLaunch(launchId: string): Promise<RemoteRunView[]> {
    const { experiments = [] } = await reader.post<{ experiments?: { experiment_id: string }[] }>('/api/2.0/mlflow/experiments/search', { max_results: 1000 });
    const { runs = [] } = await reader.post<{ runs?: RemoteRunView[] }>('/api/2.0/mlflow/runs/search', {
      experiment_ids: experiments.map((e) => e.experiment_id),
      filter: `tags.\`runlens.launch.id\` = '${launchId}'`,
      order_by: ['attributes.start_time ASC'],
    });
    return runs;
  }

  function artifactRoot(run: RemoteRunView): string {
    return run.info.artifact_uri.replace(/^mlflow-artifacts:\/*/, '');
  }

  test('the helper resumes the pre-made run, a second start_run makes a second run, and both carry the capture', async (t) => {
    const repo = makeRepo(t, { 'train.py': helperScript, 'README.md': 'v1\n' });
    write(repo, 'README.md', 'v2, not committed\n');
    const { ended, launch, output, fixture } = await launchToRemote(t, {
      repo,
      script: 'train.py',
      server: { url: remote.server.url, token: remote.token },
      experiment: { name: 'remote-launches' },
    });
    assert.match(output, /second run done/);
    assert.equal(ended.status, 'FINISHED');
    assert.equal(ended.remote?.synced, true, ended.remote?.failure);
    const runs = await runsOfLaunch(launch.launchId);
    assert.equal(runs.length, 2, 'the pre-made run and the second one');
    const [first, second] = runs;
    assert.equal(first.info.run_id, launch.remote.runId, 'the first start_run resumed MLFLOW_RUN_ID');
    assert.deepEqual(first.data.params, [{ key: 'lr', value: '0.1' }]);
    assert.equal(second.info.run_name, 'second');
    assert.deepEqual(ended.runs.map((run) => run.info.run_id), [first.info.run_id, second.info.run_id]);
    const experiment = await reader.get<{ experiment: { experiment_id: string } }>('/api/2.0/mlflow/experiments/get-by-name?experiment_name=remote-launches');
    const head = git(repo, 'rev-parse', 'HEAD');
    const diff = git(repo, 'diff', '--no-color', 'HEAD');
    for (const run of runs) {
      const t0 = tagsOf(run);
      assert.equal(run.info.experiment_id, experiment.experiment.experiment_id);
      assert.equal(run.info.status, 'FINISHED');
      assert.equal(t0[CaptureTag.GitCommit], head);
      assert.equal(t0[CaptureTag.GitBranch], 'main');
      assert.equal(t0[CaptureTag.GitDirty], 'true');
      assert.equal(t0[CaptureTag.SourceName], 'train.py', 'the capture names the script, not the client');
      assert.equal(t0[LaunchTag.ExitCode], '0');
      const files = await reader.artifacts(artifactRoot(run));
      assert.equal(files.get(LaunchArtifact.Diff)?.toString(), `${diff}\n`, 'the patch is git diff');
      assert.equal(files.get(LaunchArtifact.OutputLog)?.toString(), output);
    }
    assert.ok(launch.remote.runIds.includes(second.info.run_id));
    const row = fixture.launches.get(launch.launchId);
    assert.equal(row?.status, 'FINISHED');
    assert.deepEqual(JSON.parse(row?.remote_json ?? '{}'), launch.remote, 'the store keeps the record of where it went');
    assert.deepEqual(fixture.tracking.searchRuns({ experimentIds: ['0'] }).runs, [], 'no run in the workspace store');
    assert.equal(existsSync(fixture.launches.filesFolder(launch.launchId)), false, 'the files went once the end arrived');
  });

  test('an exit code leaves what the script left open FAILED, with the exit code; a run the script ended keeps its status', async (t) => {
    const repo = makeRepo(t, { 'train.py': helperScript });
    const { ended, launch } = await launchToRemote(t, { repo, script: 'train.py', args: ['exit', '3'], server: { url: remote.server.url, token: remote.token } });
    assert.equal(ended.status, 'FAILED');
    assert.equal(ended.exitCode, 3);
    const [first, second] = await runsOfLaunch(launch.launchId);
    assert.equal(first.info.experiment_id, '0', "the server's Default when nothing names an experiment");
    assert.equal(first.info.status, 'FINISHED', 'ended by the script itself');
    assert.equal(second.info.status, 'FAILED');
    assert.ok(second.info.end_time);
    assert.equal(tagsOf(second)[LaunchTag.ExitCode], '3');
    assert.equal(tagsOf(first)[LaunchTag.ExitCode], '3');
  });

  test('a raw REST script: its own run is found by script name and user, and a run of someone else is left alone', async (t) => {
    const repo = makeRepo(t, { 'train_rest.py': restScript });
    const decoy = remote.store.createRun({ experimentId: '0', runName: 'colleague', startTime: Date.now() + 60_000, userId: 'colleague' });
    remote.store.setTag(decoy.info.run_id, 'mlflow.source.name', 'train_rest.py');
    remote.store.setTag(decoy.info.run_id, 'mlflow.user', 'someone-else');
    const { ended, launch, output } = await launchToRemote(t, { repo, script: 'train_rest.py', server: { url: remote.server.url, token: remote.token } });
    assert.match(output, /rest done/);
    assert.equal(ended.status, 'FINISHED');
    const runs = await runsOfLaunch(launch.launchId);
    assert.equal(runs.length, 2);
    for (const run of runs) {
      assert.equal(run.info.status, 'FINISHED', 'RunLens ended what the script left RUNNING');
      assert.equal(tagsOf(run)[CaptureTag.GitCommit], git(repo, 'rev-parse', 'HEAD'));
      assert.equal(tagsOf(run)[CaptureTag.GitDirty], 'false');
    }
    assert.ok(runs.every((run) => (run.data.metrics ?? []).some((m) => m.key === 'acc')));
    const colleague = (await reader.run(decoy.info.run_id)).run;
    assert.equal(tagsOf(colleague)[LaunchTag.LaunchId], undefined);
    assert.equal(colleague.info.status, 'RUNNING');
  });

  test('Stop ends the runs still open KILLED, with a note', async (t) => {
    const repo = makeRepo(t, { 'train.py': 'import time\nimport runlens as mlflow\nmlflow.start_run()\nprint("ready", flush=True)\ntime.sleep(30)\n' });
    const { ended, launch } = await launchToRemote(t, {
      repo,
      script: 'train.py',
      server: { url: remote.server.url, token: remote.token },
      whileRunning: async (child, output) => {
        while (!output().includes('ready')) await new Promise((resolve) => setTimeout(resolve, 20));
        child.stop('Stopped with RunLens: Stop Run.');
      },
    });
    assert.equal(ended.status, 'KILLED');
    const [run] = await runsOfLaunch(launch.launchId);
    assert.equal(run.info.status, 'KILLED');
    assert.equal(tagsOf(run)[LaunchTag.Note], 'Stopped with RunLens: Stop Run.');
  });

  test('a remote launch that VS Code left running ends in the store without a run of its own', async (t) => {
    const fixture = await openLaunchFixture(t, { imprintOf: imprintOfCapture });
    const remoteRecord = { server: 'team', url: remote.server.url, experimentId: '0', runId: 'r', runIds: ['r'], synced: false };
    const { launchId } = fixture.launches.open({ capture: { tags: {} }, remote: remoteRecord });
    fixture.launches.setPid(launchId, 999_999);
    const [recovered] = await fixture.launches.recoverAbandoned();
    assert.equal(recovered.launchId, launchId);
    assert.equal(recovered.status, 'FAILED');
    assert.equal(recovered.madeRun, false);
    assert.deepEqual(fixture.tracking.searchRuns({ experimentIds: ['0'] }).runs, []);
  });

  test('a server that is down at launch: a clear error at once, nothing recorded', async (t) => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const repo = makeRepo(t, { 'train.py': helperScript });
    const fixture = await openLaunchFixture(t, { imprintOf: imprintOfCapture });
    const started = Date.now();
    await assert.rejects(launchToRemote(t, { repo, script: 'train.py', server: { url: `http://127.0.0.1:${port}`, token: 'x' } }, fixture), (error: unknown) => {
      assert.ok(RemoteUnavailableError.is(error), String(error));
      assert.match(error.message, /ECONNREFUSED/);
      return true;
    });
    assert.ok(Date.now() - started < 5_000, 'said within seconds');
    assert.deepEqual(fixture.db.all('SELECT launch_id FROM launches'), []);
  });

  test('a server that fails at the end: the failure is reported, the record (with the ending) and files are kept, and settling sends them', async (t) => {
    const proxy = await startFlakyProxy(remote.server.url, () => 'pass');
    t.after(() => proxy.close());
    const repo = makeRepo(t, { 'train.py': helperScript });
    const { ended, launch, fixture, output } = await launchToRemote(t, {
      repo,
      script: 'train.py',
      server: { url: proxy.url, token: remote.token },
      whileRunning: async (child) => {
        await child.ended;
        proxy.decide = () => 'unavailable';
      },
    });
    assert.equal(ended.status, 'FINISHED');
    assert.equal(ended.remote?.synced, false);
    assert.match(ended.remote?.failure ?? '', /HTTP 503/);
    assert.deepEqual(ended.runs, []);
    const kept = JSON.parse(fixture.launches.get(launch.launchId)?.remote_json ?? '{}') as RemoteLaunchRecord;
    assert.equal(kept.synced, false, 'the store says the end is unsent');
    assert.deepEqual(kept.ending, { kind: 'exited', exitCode: 0 }, 'with the ending, for a later session to send');
    assert.deepEqual(fixture.launches.unsentRemoteLaunches().map(({ row }) => row.launch_id), [launch.launchId]);
    assert.ok(existsSync(fixture.launches.filePath(launch.launchId, LaunchArtifact.OutputLog)), 'the output log is kept');

    proxy.decide = () => 'pass';
    const retried = await settleRemoteLaunch({ launches: fixture.launches, launchId: launch.launchId, server: { url: proxy.url, token: remote.token } });
    assert.equal(retried?.remote?.synced, true, retried?.remote?.failure);
    assert.equal(retried.runs.length, 2);
    assert.ok(retried.runs.every((run) => run.info.status === 'FINISHED'));
    assert.deepEqual(fixture.launches.unsentRemoteLaunches(), []);
    const main = (await reader.run(launch.remote.runId)).run;
    const files = await reader.artifacts(artifactRoot(main));
    assert.equal(files.get(LaunchArtifact.OutputLog)?.toString(), output);
    assert.equal(existsSync(fixture.launches.filesFolder(launch.launchId)), false, 'released once sent');
  });
});
