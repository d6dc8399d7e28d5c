// Issue 14: a guest window launches scripts and runs sweeps while the owner process keeps their records. Over
// real HTTP on loopback: the launch recorded through the owner's private routes gets a token its script logs
// with, its runs get the capture and files, its end is recorded once; the sweep's records land in the owner's
// store; a launch to a remote server leaves only its record with the owner; only the owner's token gets in, and
// bad arguments are refused with a clear message.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import type { Run } from '../../../src/core/entities';
import { fileContentJson, type LaunchOperations } from '../../../src/core/launches/launchOperations';
import { LaunchArtifact } from '../../../src/core/launches/launchTags';
import { isProcessAlive } from '../../../src/core/launches/processAlive';
import type { RemoteLaunchRecord } from '../../../src/core/launches/remoteLaunchRecord';
import { SupervisorFiles, supervisedFolder } from '../../../src/core/launches/supervisorFiles';
import type { SweepOperations } from '../../../src/core/sweeps/sweepOperations';
import { SweepTag } from '../../../src/core/sweeps/sweepTags';
import { launchOperationPrefix, sweepOperationPrefix } from '../../../src/server/routes/guest/guestLaunchRoutes';
import type { OwnerRequestError } from '../../../src/vscode/ownerClient';
import { ownerCall } from '../../../src/vscode/ownerOperations';
import { openLaunchFixture, tagsOf, type LaunchFixture } from '../launches/support/launchFixture';
import { serveLaunchFixture } from '../launches/support/launchFixtureServer';
import { settleRemoteLaunch, type RemoteSettlementRecords } from '../../../src/remote/launches/remoteLaunchSettlement';
import { startTestServer } from './support/testServer';

async function serve(t: TestContext, f: LaunchFixture, withLaunches = true) {
  const { token, endpoint, client } = await serveLaunchFixture(t, f, { launches: withLaunches });
  return {
    owner: client(token),
    client,
    launch: ownerCall<LaunchOperations>(endpoint, launchOperationPrefix),
    sweep: ownerCall<SweepOperations>(endpoint, sweepOperationPrefix),
  };
}

const launchId = () => randomBytes(16).toString('hex');
const capture = { tags: { 'mlflow.source.name': 'train.py', 'runlens.git.commit': 'abc123' } };
const remoteRecord: RemoteLaunchRecord = {
  server: 'team',
  url: 'https://mlflow.example',
  experimentId: '3',
  runId: 'r1',
  runIds: ['r1'],
  synced: false,
  since: 1_700_000_000_000,
  scriptPath: '/w/train.py',
};

describe("a guest window's launches and sweeps, recorded by the owner", () => {
  test("a launch opened through the owner: its script's token, its runs' capture and files, its output log, one end", async (t) => {
    const f = await openLaunchFixture(t);
    const { launch, client } = await serve(t, f);
    const id = launchId();
    const files = { [LaunchArtifact.Diff]: fileContentJson('diff --git a/x b/x\n'), [LaunchArtifact.OutputLog]: fileContentJson(Buffer.from('')) };
    const { token } = await launch('open', { launchId: id, capture, files, holderPid: process.pid });
    await launch('setPid', { launchId: id, pid: 4242 });
    assert.equal(f.launches.get(id)?.pid, 4242);

    const created = await client(token).api('runs/create', { experiment_id: '0', run_name: 'from-script' });
    assert.equal(created.status, 200, created.text);
    const runId = created.json<{ run: Run }>().run.info.run_id;
    assert.equal(tagsOf(f.tracking.getRun(runId))['runlens.git.commit'], 'abc123', 'the run carries the capture');
    assert.deepEqual(
      (await launch('runs', { launchId: id })).map((run) => run.info.run_id),
      [runId],
    );
    assert.deepEqual(await launch('launchOfRun', { runId }), { launchId: id });

    // The supervisor appends the output log on this machine, in the folder the owner copies it from.
    appendFileSync(f.launches.filePath(id, LaunchArtifact.OutputLog), 'epoch 1\n');
    await launch('publishFile', { launchId: id, artifactPath: LaunchArtifact.OutputLog });
    assert.equal(await f.artifactText(f.tracking.getRun(runId), LaunchArtifact.OutputLog), 'epoch 1\n');
    await launch('updateCapture', { launchId: id, capture: { tags: { ...capture.tags, 'runlens.env.sha256': 'f00d' } } });
    await launch('addFile', { launchId: id, artifactPath: LaunchArtifact.Requirements, content: fileContentJson('numpy==2.0\n') });
    assert.equal(tagsOf(f.tracking.getRun(runId))['runlens.env.sha256'], 'f00d');

    appendFileSync(f.launches.filePath(id, LaunchArtifact.OutputLog), 'done\n');
    const ended = await launch('end', { launchId: id, ending: { kind: 'exited', exitCode: 0 }, fallbackExperiment: undefined });
    assert.equal(ended.status, 'FINISHED');
    assert.deepEqual(
      ended.runs.map((run) => [run.info.run_id, run.info.status]),
      [[runId, 'FINISHED']],
    );
    const run = f.tracking.getRun(runId);
    assert.equal(await f.artifactText(run, LaunchArtifact.OutputLog), 'epoch 1\ndone\n');
    assert.equal(await f.artifactText(run, LaunchArtifact.Diff), 'diff --git a/x b/x\n');
    assert.equal(await f.artifactText(run, LaunchArtifact.Requirements), 'numpy==2.0\n');

    // An end told twice (another process took the launch over) changes nothing.
    const again = await launch('end', { launchId: id, ending: { kind: 'stopped', reason: 'late' }, fallbackExperiment: undefined });
    assert.equal(again.status, 'FINISHED');
    assert.equal(f.tracking.getRun(runId).info.status, 'FINISHED');
    await launch('release', { launchId: id });
    assert.equal(existsSync(f.launches.filesFolder(id)), false, 'the launch files are gone once released');
    assert.deepEqual(f.logged, []);
  });

  test("a guest's launch to a remote server: the owner keeps its record and files, makes no run, and ends it as told", async (t) => {
    const f = await openLaunchFixture(t);
    const { launch } = await serve(t, f);
    const id = launchId();
    await launch('open', { launchId: id, capture, files: { [LaunchArtifact.Diff]: fileContentJson('diff\n') }, remote: remoteRecord, holderPid: process.pid });
    assert.deepEqual(JSON.parse(f.launches.get(id)?.remote_json ?? 'null'), remoteRecord);
    assert.equal(readFileSync(f.launches.filePath(id, LaunchArtifact.Diff), 'utf8'), 'diff\n', 'the window uploads the files from the store folder');

    const ending = { kind: 'exited', exitCode: 1 } as const;
    await launch('setRemote', { launchId: id, remote: { ...remoteRecord, ending } });
    const ended = await launch('end', { launchId: id, ending, fallbackExperiment: undefined });
    assert.equal(ended.status, 'FAILED');
    assert.deepEqual(ended.runs, [], "a remote launch's runs are on its server");
    assert.equal(ended.madeRun, false);
    const synced = { ...remoteRecord, runIds: ['r1', 'r2'], synced: true };
    await launch('setRemote', { launchId: id, remote: synced });
    assert.deepEqual(JSON.parse(f.launches.get(id)?.remote_json ?? 'null'), synced);
    const store = f.tracking.searchRuns({ experimentIds: f.tracking.listExperiments('ALL').map((e) => e.experiment_id) });
    assert.deepEqual(store.runs, [], 'the store has no run of it');
    await launch('release', { launchId: id });
    assert.equal(existsSync(f.launches.filesFolder(id)), false);
    assert.deepEqual(f.logged, []);
  });

  test('a guest window that came back takes back its launches still running, once; those that ended meanwhile the owner ends as they ended', async (t) => {
    const f = await openLaunchFixture(t);
    const { launch } = await serve(t, f);
    const [oldWindow, otherWindow, newWindow, racingWindow] = [7_000_001, 7_000_002, 7_000_003, 7_000_004];
    f.alivePids.add(otherWindow).add(newWindow).add(racingWindow);
    const open = async (holderPid: number, supervisorPid: number, script: string) => {
      const id = launchId();
      await launch('open', { launchId: id, capture: { command: { script } }, files: {}, holderPid });
      await launch('setPid', { launchId: id, pid: supervisorPid });
      return id;
    };
    // The old extension host (gone: not in the fake process table) left two launches: one still runs, one ended.
    const running = await open(oldWindow, 8_000_001, '/w/train.py');
    f.alivePids.add(8_000_001);
    const endedMeanwhile = await open(oldWindow, 8_000_002, '/w/short.py');
    const run = await f.launches.createRun(endedMeanwhile, {});
    new SupervisorFiles(path.join(f.dir, supervisedFolder)).writeEnding(endedMeanwhile, { kind: 'exited', exitCode: 0 });
    // Another window that is still there runs its own, and the owner runs one itself: neither is taken.
    const othersLaunch = await open(otherWindow, 8_000_003, '/w/other.py');
    f.alivePids.add(8_000_003);
    const ownersLaunch = f.launches.open({ capture: {} }).launchId;
    f.launches.setPid(ownersLaunch, 8_000_004);
    f.alivePids.add(8_000_004);
    const remote = f.launches.open({ capture: {}, remote: { url: 'http://remote' }, holderPid: oldWindow }).launchId;
    f.launches.setPid(remote, 8_000_005);
    f.alivePids.add(8_000_005);

    const [first, second] = await Promise.all([launch('takeBack', { holderPid: newWindow }), launch('takeBack', { holderPid: racingWindow })]);
    // The remote launch still runs: nobody takes it, each asker learns it is there.
    assert.deepEqual(first, { taken: [{ launchId: running, capture: { command: { script: '/w/train.py' } } }], ended: 1, remoteEnded: [], remoteRunning: 1 });
    assert.deepEqual(second, { taken: [], ended: 0, remoteEnded: [], remoteRunning: 1 }, 'two windows asking at once: each launch goes to one');
    assert.equal(f.tracking.getRun(run.info.run_id).info.status, 'FINISHED', 'ended as its supervisor recorded');
    assert.equal(f.launches.get(running)?.status, 'RUNNING', 'a taken launch is the new window\'s to end');
    for (const kept of [othersLaunch, ownersLaunch, remote]) assert.equal(f.launches.get(kept)?.status, 'RUNNING');

    // Once the new window is gone too, the next one takes it; once it ended, nobody does.
    f.alivePids.delete(newWindow);
    assert.deepEqual((await launch('takeBack', { holderPid: racingWindow })).taken.map((taken) => taken.launchId), [running]);
    await launch('end', { launchId: running, ending: { kind: 'exited', exitCode: 0 }, fallbackExperiment: undefined });
    await launch('release', { launchId: running });
    f.alivePids.delete(racingWindow);
    assert.deepEqual(await launch('takeBack', { holderPid: newWindow }), { taken: [], ended: 0, remoteEnded: [], remoteRunning: 1 });
  });

  test("a remote launch whose window is gone: ended by the owner once its process is gone, and its end sent through the owner by the guest that asked", async (t) => {
    const f = await openLaunchFixture(t);
    const { launch } = await serve(t, f);
    const remote = await startTestServer();
    t.after(() => remote.close());
    const remoteRun = (await remote.client.api('runs/create', { experiment_id: '0', start_time: 1 })).json<{ run: Run }>().run;
    const [goneWindow, newWindow, supervisor] = [7_000_001, 7_000_003, 8_000_001];
    f.alivePids.add(newWindow).add(supervisor);
    const record: RemoteLaunchRecord = { ...remoteRecord, url: remote.server.url, experimentId: '0', runId: remoteRun.info.run_id, runIds: [remoteRun.info.run_id] };
    const id = launchId();
    await launch('open', { launchId: id, capture, files: { [LaunchArtifact.OutputLog]: fileContentJson('epoch 1\n') }, remote: record, holderPid: goneWindow });
    await launch('setPid', { launchId: id, pid: supervisor });

    assert.deepEqual(await launch('takeBack', { holderPid: newWindow }), { taken: [], ended: 0, remoteEnded: [], remoteRunning: 1 }, 'still running: left for the next ask');
    // The script ends while no window watches: its supervisor records how.
    new SupervisorFiles(path.join(f.dir, supervisedFolder)).writeEnding(id, { kind: 'exited', exitCode: 0 });
    f.alivePids.delete(supervisor);
    assert.deepEqual(await launch('takeBack', { holderPid: newWindow }), { taken: [], ended: 1, remoteEnded: [id], remoteRunning: 0 });
    assert.equal(f.launches.get(id)?.status, 'FINISHED');
    assert.deepEqual((await launch('unsentRemote', {})).map(({ row }) => row.launch_id), [id]);

    // The guest sends it with the records the owner keeps.
    const queue: Promise<unknown>[] = [];
    const records: RemoteSettlementRecords = {
      get: async (launchId) => (await launch('get', { launchId })).row,
      imprintOfLaunch: (row) => launch('imprint', { launchId: row.launch_id }),
      filesFolder: (launchId) => f.launches.filesFolder(launchId),
      setRemote: (launchId, remote) => void queue.push(launch('setRemote', { launchId, remote })),
      release: async (launchId) => {
        await Promise.all(queue);
        await launch('release', { launchId });
      },
    };
    const ended = await settleRemoteLaunch({ launches: records, launchId: id, server: { url: remote.server.url, token: remote.token } });
    assert.equal(ended?.status, 'FINISHED');
    const sent = (await remote.client.get(`/api/2.0/mlflow/runs/get?run_id=${remoteRun.info.run_id}`)).json<{ run: Run }>().run;
    assert.equal(sent.info.status, 'FINISHED', 'the run on the server ends as the script did');
    assert.equal(tagsOf(sent)['mlflow.source.name'], 'train.py', "it carries the capture's tags");
    assert.deepEqual(await launch('unsentRemote', {}), [], 'sent once: nothing left pending');
    assert.equal(JSON.parse(f.launches.get(id)?.remote_json ?? '{}').synced, true);
    assert.equal(existsSync(f.launches.filesFolder(id)), false, 'its kept files are released');
    assert.deepEqual(f.logged, []);
  });

  test("only the owner's token calls them: no token, a wrong one or a launched script's are refused", async (t) => {
    const f = await openLaunchFixture(t);
    const { launch, client, owner } = await serve(t, f);
    const id = launchId();
    const { token } = await launch('open', { launchId: id, capture, files: {}, holderPid: process.pid });
    for (const prefix of [launchOperationPrefix, sweepOperationPrefix]) {
      const body = { launchId: id, sweepId: id };
      const anonymous = await owner.request('POST', `${prefix}active`, { json: body, token: null });
      assert.equal(anonymous.status, 401);
      const wrong = await owner.request('POST', `${prefix}active`, { json: body, token: 'x'.repeat(32) });
      assert.equal(wrong.status, 401);
      const script = await client(token).post(`${prefix}runs`, body);
      assert.equal(script.status, 403, script.text);
      assert.match(script.json<{ message: string }>().message, /launched script may not use RunLens's private routes/);
    }
    assert.equal(f.launches.get(id)?.status, 'RUNNING', 'nothing the refused requests asked was done');
  });

  test('bad arguments are refused with a clear message and write nothing', async (t) => {
    const f = await openLaunchFixture(t);
    const { launch, owner } = await serve(t, f);
    const id = launchId();
    await launch('open', { launchId: id, capture, files: {}, holderPid: process.pid });
    const cases: [string, unknown, number, string, RegExp][] = [
      ['launch/nothing', { launchId: id }, 404, 'ENDPOINT_NOT_FOUND', /No RunLens launch operation 'nothing'/],
      ['launch/constructor', {}, 404, 'ENDPOINT_NOT_FOUND', /constructor/],
      ['launch/open', { launchId: 'ABC', capture }, 400, 'INVALID_PARAMETER_VALUE', /launchId/],
      ['launch/open', { launchId: id, capture, holderPid: 1 }, 400, 'INVALID_PARAMETER_VALUE', /already recorded/],
      ['launch/open', { launchId: launchId(), capture }, 400, 'INVALID_PARAMETER_VALUE', /Missing value for required parameter 'holderPid'/],
      ['launch/open', { launchId: launchId(), capture, holderPid: 'me' }, 400, 'INVALID_PARAMETER_VALUE', /holderPid.*expected a process id/],
      ['launch/takeBack', { holderPid: 0 }, 400, 'INVALID_PARAMETER_VALUE', /holderPid/],
      ['launch/open', { launchId: launchId(), capture: 'x' }, 400, 'INVALID_PARAMETER_VALUE', /capture/],
      ['launch/open', { launchId: launchId(), capture, files: { '../escape': { text: 'x' } } }, 400, 'INVALID_PARAMETER_VALUE', /'\.\.' segments/],
      ['launch/open', { launchId: launchId(), capture, files: { 'a.txt': 42 } }, 400, 'INVALID_PARAMETER_VALUE', /files\.a\.txt/],
      ['launch/setPid', { launchId: id, pid: -1 }, 400, 'INVALID_PARAMETER_VALUE', /pid/],
      ['launch/publishFile', { launchId: id, artifactPath: '/etc/passwd' }, 400, 'INVALID_PARAMETER_VALUE', /must be relative/],
      ['launch/end', { launchId: id, ending: { kind: 'vanished' } }, 400, 'INVALID_PARAMETER_VALUE', /ending.*exited, signalled, stopped/],
      ['launch/end', { launchId: id, ending: { kind: 'exited' } }, 400, 'INVALID_PARAMETER_VALUE', /ending\.exitCode/],
      ['launch/end', { launchId: launchId(), ending: { kind: 'exited', exitCode: 0 } }, 404, 'RESOURCE_DOES_NOT_EXIST', /no launch/],
      ['launch/open', { launchId: launchId(), capture, holderPid: process.pid, remote: 'https://mlflow.example' }, 400, 'INVALID_PARAMETER_VALUE', /remote/],
      ['launch/setRemote', { launchId: id, remote: remoteRecord }, 400, 'INVALID_PARAMETER_VALUE', /logs to this store, not to a remote server/],
      ['launch/setRemote', { launchId: launchId(), remote: remoteRecord }, 404, 'RESOURCE_DOES_NOT_EXIST', /no launch/],
      ['launch/setRemote', { launchId: id }, 400, 'INVALID_PARAMETER_VALUE', /remote/],
      ['sweep/start', { sweepId: id, script: '/w/train.py', spec: { method: 'grid' }, concurrency: 1, experimentName: 'e', sourceName: 'train.py' }, 400, 'INVALID_PARAMETER_VALUE', /Invalid sweep spec: parameters/],
      ['sweep/start', { sweepId: id, script: '/w/train.py', spec: { parameters: { lr: [1] } }, concurrency: 0, experimentName: 'e', sourceName: 'train.py' }, 400, 'INVALID_PARAMETER_VALUE', /concurrency/],
      ['sweep/savePoint', { sweepId: id, point: { index: 0, status: 'done', attempts: 1 } }, 400, 'INVALID_PARAMETER_VALUE', /point\.status/],
      ['sweep/end', { sweepId: id, status: 'FINISHED' }, 404, 'RESOURCE_DOES_NOT_EXIST', /no sweep/],
    ];
    for (const [route, body, status, code, message] of cases) {
      const reply = await owner.post(`/api/2.0/runlens/${route}`, body);
      assert.equal(reply.status, status, `${route} ${JSON.stringify(body)}: ${reply.text}`);
      assert.equal(reply.json().error_code, code, route);
      assert.match(reply.json<{ message: string }>().message, message, route);
    }
    assert.equal(f.launches.get(id)?.status, 'RUNNING');
    assert.equal(f.launches.get(id)?.remote_json, null, 'a launch to this store stays one');
    assert.equal(f.tracking.listExperiments().length, 1, 'no experiment made for a refused sweep');
    assert.deepEqual(f.logged, [], 'no refusal is a server bug (500)');
  });

  test('a server that keeps no launches says so', async (t) => {
    const f = await openLaunchFixture(t);
    const { launch } = await serve(t, f, false);
    await assert.rejects(launch('open', { launchId: launchId(), capture, files: {}, holderPid: process.pid }), (error: OwnerRequestError) => {
      assert.equal(error.errorCode, 'INVALID_STATE');
      assert.match(error.message, /keeps no launches/);
      return true;
    });
  });

  test("a sweep's records land in the owner's store: parent run, points, progress, end", async (t) => {
    const f = await openLaunchFixture(t);
    const { sweep } = await serve(t, f);
    const sweepId = launchId();
    const spec = { parameters: { lr: [0.1, 0.01] } };
    const { record, points } = await sweep('start', {
      sweepId,
      script: '/work/train.py',
      spec: spec as never,
      concurrency: 1,
      experimentName: 'sweeps',
      runName: undefined,
      sourceName: 'train.py',
      holderPid: process.pid,
    });
    assert.equal(points.length, 2);
    assert.deepEqual(
      points.map((point) => [point.status, point.point.args]),
      [
        ['queued', ['--lr', '0.1']],
        ['queued', ['--lr', '0.01']],
      ],
    );
    const parent = f.tracking.getRun(record.parentRunId);
    assert.equal(parent.info.run_name, 'sweep train.py (2 runs)');
    assert.equal(f.tracking.getExperimentByName('sweeps')?.experiment_id, parent.info.experiment_id);
    assert.deepEqual(await sweep('sweepOfParentRun', { runId: record.parentRunId }), { sweepId });
    assert.deepEqual(await sweep('takeBack', { holderPid: process.pid }), { sweeps: [], heldElsewhere: 0 }, 'the window that started it runs it');

    const child = f.tracking.createRun({ experimentId: parent.info.experiment_id });
    await sweep('savePoint', { sweepId, point: { index: 0, status: 'finished', attempts: 1, runId: child.info.run_id } });
    await sweep('savePoint', { sweepId, point: { index: 1, status: 'running', attempts: 1 } });
    assert.match(tagsOf(f.tracking.getRun(record.parentRunId))[SweepTag.Progress] ?? '', /1\/2/);
    await sweep('recordValues', { runId: child.info.run_id, values: { lr: '0.1' } });
    assert.deepEqual(f.tracking.getRun(child.info.run_id).data.params, [{ key: 'lr', value: '0.1' }]);

    await sweep('savePoint', { sweepId, point: { index: 1, status: 'finished', attempts: 1 } });
    await sweep('end', { sweepId, status: 'FINISHED' });
    assert.equal(f.tracking.getRun(record.parentRunId).info.status, 'FINISHED');
    assert.deepEqual(await sweep('takeBack', { holderPid: await liveProcess(t) }), { sweeps: [], heldElsewhere: 0 }, 'an ended sweep is not resumed');
    const reopened = await sweep('reopen', { sweepId, holderPid: process.pid });
    assert.deepEqual(
      reopened.points.map((point) => point.status),
      ['finished', 'finished'],
    );
    assert.deepEqual(f.logged, []);
  });

  test("a sweep whose window is gone is taken back by one window only, with its running points' launches; one a live window runs stays with it", async (t) => {
    const f = await openLaunchFixture(t);
    const { sweep } = await serve(t, f);
    const [otherWindow, newWindow, racingWindow] = await Promise.all([liveProcess(t), liveProcess(t), liveProcess(t)]);
    const start = (holderPid: number) =>
      sweep('start', { sweepId: launchId(), script: '/w/train.py', spec: { parameters: { lr: [1, 2, 3] } } as never, concurrency: 2, experimentName: 'sweeps', runName: undefined, sourceName: 'train.py', holderPid });
    const left = await start(goneProcess());
    const others = await start(otherWindow);
    // The extension host that went away had point 0 running under its supervisor and point 1 still being captured.
    const { sweepId } = left.record;
    f.clock.now = Date.now();
    const pointLaunch = f.launches.open({ capture: { sweep: { sweepId, parentRunId: left.record.parentRunId, values: { lr: '1' }, pointIndex: 0 } } }).launchId;
    const pointRun = await f.launches.createRun(pointLaunch, {});
    await sweep('savePoint', { sweepId, point: { index: 0, status: 'running', attempts: 1 } });
    await sweep('savePoint', { sweepId, point: { index: 1, status: 'running', attempts: 1 } });

    const answers = await Promise.all([sweep('takeBack', { holderPid: newWindow }), sweep('takeBack', { holderPid: racingWindow })]);
    const [winner, loser] = answers[0].sweeps.length > 0 ? [newWindow, racingWindow] : [racingWindow, newWindow];
    const [won, lost] = winner === newWindow ? answers : [answers[1], answers[0]];
    assert.deepEqual(
      won.sweeps.map((taken) => taken.record.sweepId),
      [sweepId],
      'the sweep whose window is gone, not the one a live window runs',
    );
    assert.deepEqual(won.sweeps[0].points.map((point) => point.status), ['running', 'running', 'queued']);
    assert.deepEqual(won.sweeps[0].launches, [{ index: 0, launchId: pointLaunch, status: 'RUNNING', runId: pointRun.info.run_id }], 'point 1 never launched');
    assert.equal(won.heldElsewhere, 1);
    assert.deepEqual(lost, { sweeps: [], heldElsewhere: 2 }, 'two windows asking at once: the sweep goes to one');

    // Retry Failed from another window while one runs it is refused; once its holder is gone, the sweep is the next one's.
    await assert.rejects(sweep('reopen', { sweepId, holderPid: loser }), (error: OwnerRequestError) => {
      assert.equal(error.errorCode, 'INVALID_STATE');
      assert.match(error.message, new RegExp(`running in another VS Code window \\(process ${winner}\\)`));
      return true;
    });
    process.kill(winner, 'SIGKILL');
    await until(() => !isProcessAlive(winner));
    assert.deepEqual((await sweep('takeBack', { holderPid: loser })).sweeps.map((taken) => taken.record.sweepId), [sweepId]);
    assert.equal((await sweep('reopen', { sweepId: others.record.sweepId, holderPid: otherWindow })).record.sweepId, others.record.sweepId, 'its own holder may');
    assert.deepEqual(f.logged, []);
  });
});

/** A process that is alive until the test ends: a window's extension host, as the owner sees it. */
async function liveProcess(t: TestContext): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  await once(child, 'spawn');
  return child.pid!;
}

/** The pid of a process that has exited: an extension host that went away. */
function goneProcess(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid;
}

async function until(probe: () => boolean): Promise<void> {
  for (let waited = 0; !probe(); waited += 20) {
    if (waited > 10_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
