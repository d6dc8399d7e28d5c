import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { SupervisorFiles, supervisedFolder } from '../../../src/core/launches/supervisorFiles';
import { LaunchTag } from '../../../src/core/launches/launchTags';
import { abandonedReason } from '../../../src/core/launches/launchService';
import { tokenSha256 } from '../../../src/core/launches/launchToken';
import { openLaunchFixture, tagsOf } from './support/launchFixture';

const capture = {
  tags: { 'mlflow.source.name': 'train.py', 'mlflow.source.type': 'LOCAL', 'runlens.git.dirty': 'true' },
  datasets: [
    {
      tags: [{ key: 'mlflow.data.context', value: 'input' }],
      dataset: { name: 'data/train.csv', digest: 'abcd1234', source_type: 'local', source: '{"uri":"file:///data/train.csv"}' },
    },
  ],
};

describe('launch records', () => {
  test('the store keeps the token only as its hash, and knows the launch by it while it is live and for a grace after', async (t) => {
    const f = await openLaunchFixture(t, { tokenGraceMs: 30_000 });
    const { launchId, token } = f.launches.open({ capture });
    assert.match(launchId, /^[0-9a-f]{32}$/);
    assert.ok(token.length >= 40, 'a launch token has at least 32 random bytes');
    const row = f.launches.get(launchId);
    assert.equal(row?.token_sha256, tokenSha256(token));
    assert.equal(row?.status, 'RUNNING');
    assert.ok(!JSON.stringify(f.db.all('SELECT * FROM launches')).includes(token), 'the token itself is stored nowhere');

    assert.equal(f.launches.launchIdForToken(tokenSha256(token)), launchId);
    assert.equal(f.launches.launchIdForToken(tokenSha256(`${token}x`)), undefined);

    await f.launches.end(launchId, { kind: 'exited', exitCode: 0 });
    f.clock.now += 30_000;
    assert.equal(f.launches.launchIdForToken(tokenSha256(token)), launchId, 'still accepted within the grace');
    f.clock.now += 1;
    assert.equal(f.launches.launchIdForToken(tokenSha256(token)), undefined, 'refused after the grace');
  });

  test('a run created under a launch carries its tags, launch id, dataset inputs and files; the capture wins over the client', async (t) => {
    const f = await openLaunchFixture(t);
    const { launchId } = f.launches.open({
      capture,
      files: { 'runlens/diff.patch': 'diff --git a/train.py b/train.py\n', 'runlens/source/train.py': 'print(1)\n' },
    });
    const created: string[] = [];
    f.launches.onRunCreated((id, run) => created.push(`${id}/${run.info.run_id}`));

    const run = await f.launches.createRun(launchId, {
      runName: 'baseline',
      tags: [
        { key: 'mlflow.source.name', value: '/abs/path/train.py' },
        { key: 'team', value: 'vision' },
      ],
    });
    const tags = tagsOf(run);
    assert.equal(tags['mlflow.source.name'], 'train.py', "the capture's value replaces the client's guess");
    assert.equal(tags['mlflow.source.type'], 'LOCAL');
    assert.equal(tags['runlens.git.dirty'], 'true');
    assert.equal(tags.team, 'vision', "the script's own tags stay");
    assert.equal(tags['mlflow.runName'], 'baseline');
    assert.deepEqual(
      run.inputs.dataset_inputs?.map((input) => [input.dataset.name, input.dataset.digest]),
      [['data/train.csv', 'abcd1234']],
    );
    assert.deepEqual(created, [`${launchId}/${run.info.run_id}`]);
    assert.equal(f.launches.launchOfRun(run.info.run_id), launchId);
    assert.deepEqual(await f.launchArtifacts(run), ['runlens/diff.patch', 'runlens/source/train.py']);
    assert.equal(await f.artifactText(run, 'runlens/source/train.py'), 'print(1)\n');
  });

  test('a capture the store would refuse is left out of the run, never failing runs/create', async (t) => {
    const f = await openLaunchFixture(t);
    const { launchId } = f.launches.open({ capture: { tags: { 'bad key with spaces?!': 'x', 'runlens.ok': 'yes' } } });
    const run = await f.launches.createRun(launchId, {});
    assert.equal(tagsOf(run)['runlens.ok'], 'yes');
    assert.equal(tagsOf(run)['bad key with spaces?!'], undefined);
    assert.ok(f.logged.some((line) => line.includes('bad key with spaces?!')), 'what was left out is reported');
  });
});

describe('the end of a launch', () => {
  test('exit 0: runs still RUNNING finish, runs the script ended keep their status, every run records the exit code', async (t) => {
    const f = await openLaunchFixture(t);
    const { launchId } = f.launches.open({ capture });
    const first = await f.launches.createRun(launchId, { runName: 'first' });
    f.tracking.updateRun(first.info.run_id, { status: 'FAILED', endTime: f.clock.now });
    const second = await f.launches.createRun(launchId, { runName: 'second' });
    f.clock.now += 5_000;

    const ended = await f.launches.end(launchId, { kind: 'exited', exitCode: 0 });
    assert.equal(ended.status, 'FINISHED');
    assert.equal(ended.madeRun, false);
    assert.deepEqual(
      ended.runs.map((run) => [run.info.run_name, run.info.status]),
      [
        ['first', 'FAILED'],
        ['second', 'FINISHED'],
      ],
    );
    assert.equal(ended.runs[1].info.end_time, f.clock.now);
    for (const run of ended.runs) assert.equal(tagsOf(run)[LaunchTag.ExitCode], '0');
    assert.equal(f.launches.get(launchId)?.status, 'FINISHED');
    assert.equal(f.launches.get(launchId)?.exit_code, 0);
    assert.equal(second.info.status, 'RUNNING');
  });

  test('a non-zero exit fails the run with its exit code; a second report of the end changes nothing', async (t) => {
    const f = await openLaunchFixture(t);
    const { launchId } = f.launches.open({ capture });
    await f.launches.createRun(launchId, {});
    const ended = await f.launches.end(launchId, { kind: 'exited', exitCode: 3 });
    assert.equal(ended.status, 'FAILED');
    assert.equal(ended.exitCode, 3);
    assert.equal(ended.runs[0].info.status, 'FAILED');
    assert.equal(tagsOf(ended.runs[0])[LaunchTag.ExitCode], '3');

    const again = await f.launches.end(launchId, { kind: 'stopped', reason: 'late' });
    assert.equal(again.status, 'FAILED');
    assert.equal(again.runs[0].info.status, 'FAILED');
    assert.equal(tagsOf(again.runs[0])[LaunchTag.Note], undefined);
  });

  test('stopped: KILLED, with the signal and a note that does not overwrite the run description', async (t) => {
    const f = await openLaunchFixture(t);
    const { launchId } = f.launches.open({ capture });
    const described = await f.launches.createRun(launchId, { tags: [{ key: 'mlflow.note.content', value: 'my own words' }] });
    await f.launches.createRun(launchId, {});
    const ended = await f.launches.end(launchId, { kind: 'stopped', signal: 'SIGTERM', reason: 'Stopped from the status bar.' });
    assert.equal(ended.status, 'KILLED');
    for (const run of ended.runs) {
      assert.equal(run.info.status, 'KILLED');
      assert.equal(tagsOf(run)[LaunchTag.ExitSignal], 'SIGTERM');
      assert.equal(tagsOf(run)[LaunchTag.Note], 'Stopped from the status bar.');
    }
    const own = ended.runs.find((run) => run.info.run_id === described.info.run_id);
    assert.equal(tagsOf(own!)[LaunchTag.MlflowNote], 'my own words');
    const other = ended.runs.find((run) => run.info.run_id !== described.info.run_id);
    assert.equal(tagsOf(other!)[LaunchTag.MlflowNote], 'Stopped from the status bar.');
  });

  test('a script that created no run gets one, in the experiment named (made when missing), with the capture and the files', async (t) => {
    const f = await openLaunchFixture(t);
    const opened = f.clock.now;
    const { launchId } = f.launches.open({ capture, files: { 'runlens/output.log': 'hello\n' } });
    const announced: string[] = [];
    f.launches.onRunCreated((_id, run) => announced.push(run.info.run_id));
    f.clock.now += 2_000;
    const ended = await f.launches.end(launchId, { kind: 'exited', exitCode: 0 }, { fallbackExperiment: 'quiet scripts' });
    assert.equal(ended.madeRun, true);
    assert.equal(ended.runs.length, 1);
    const [run] = ended.runs;
    assert.equal(run.info.status, 'FINISHED');
    assert.equal(run.info.start_time, opened);
    assert.equal(run.info.end_time, f.clock.now);
    assert.equal(f.tracking.getExperiment(run.info.experiment_id).name, 'quiet scripts');
    assert.equal(tagsOf(run)['mlflow.source.name'], 'train.py');
    assert.equal(run.inputs.dataset_inputs?.length, 1);
    assert.equal(await f.artifactText(run, 'runlens/output.log'), 'hello\n');
    assert.deepEqual(announced, [run.info.run_id]);

    const { launchId: other } = f.launches.open({ capture });
    const second = await f.launches.end(other, { kind: 'exited', exitCode: 1 }, { fallbackExperiment: 'quiet scripts' });
    assert.equal(second.runs[0].info.experiment_id, run.info.experiment_id, 'the experiment is reused, not made twice');
    const { launchId: defaulted } = f.launches.open({ capture });
    assert.equal((await f.launches.end(defaulted, { kind: 'exited', exitCode: 0 })).runs[0].info.experiment_id, '0');
  });

  test('an interpreter that never started yields no run', async (t) => {
    const f = await openLaunchFixture(t);
    const { launchId } = f.launches.open({ capture });
    const ended = await f.launches.end(launchId, { kind: 'notStarted', reason: 'python9 was not found' });
    assert.equal(ended.status, 'FAILED');
    assert.deepEqual(ended.runs, []);
  });
});

describe('files and capture that arrive late', () => {
  test('the package list arrives after the end: every run gets the file and the changed tag', async (t) => {
    const f = await openLaunchFixture(t);
    const { launchId } = f.launches.open({ capture });
    await f.launches.createRun(launchId, {});
    await f.launches.createRun(launchId, {});
    await f.launches.end(launchId, { kind: 'exited', exitCode: 0 });

    f.launches.updateCapture(launchId, { ...capture, tags: { ...capture.tags, 'runlens.env.sha256': 'e'.repeat(64) } });
    await f.launches.addFile(launchId, 'runlens/requirements.txt', 'numpy==2.0.0\n');
    const runs = f.launches.runsOf(launchId);
    assert.equal(runs.length, 2);
    for (const run of runs) {
      assert.equal(tagsOf(run)['runlens.env.sha256'], 'e'.repeat(64));
      assert.equal(run.info.status, 'FINISHED', 'late tags do not reopen the run');
      assert.equal(await f.artifactText(run, 'runlens/requirements.txt'), 'numpy==2.0.0\n');
    }
    const later = await f.launches.createRun(launchId, {});
    assert.equal(tagsOf(later)['runlens.env.sha256'], 'e'.repeat(64), 'runs created later get the new capture whole');
  });

  test('the growing output log is copied in order: the last copy holds everything', async (t) => {
    const f = await openLaunchFixture(t);
    const { launchId } = f.launches.open({ capture, files: { 'runlens/output.log': '' } });
    const run = await f.launches.createRun(launchId, {});
    const log = f.launches.filePath(launchId, 'runlens/output.log');
    const { appendFileSync } = await import('node:fs');
    const copies: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      appendFileSync(log, `line ${i}\n`);
      copies.push(f.launches.publishFile(launchId, 'runlens/output.log'));
    }
    await Promise.all(copies);
    const expected = Array.from({ length: 20 }, (_, i) => `line ${i}\n`).join('');
    assert.equal(await f.artifactText(run, 'runlens/output.log'), expected);

    await f.launches.end(launchId, { kind: 'exited', exitCode: 0 });
    await f.launches.release(launchId);
    assert.ok(!existsSync(log), 'the launch folder is gone once released');
    assert.equal(await f.artifactText(run, 'runlens/output.log'), expected, 'the run keeps its copy');
  });
});

describe('crash recovery', () => {
  test('launches left RUNNING whose process is gone end FAILED with a note and keep their output; live ones are left alone', async (t) => {
    const f = await openLaunchFixture(t);
    const dead = f.launches.open({ capture, files: { 'runlens/output.log': 'epoch 1\n' } });
    f.launches.setPid(dead.launchId, 4_000_001);
    const crashed = await f.launches.createRun(dead.launchId, {});
    const finishedEarlier = await f.launches.createRun(dead.launchId, {});
    f.tracking.updateRun(finishedEarlier.info.run_id, { status: 'FINISHED', endTime: f.clock.now });
    const neverStarted = f.launches.open({ capture });
    const alive = f.launches.open({ capture });
    f.launches.setPid(alive.launchId, 4_000_002);
    f.alivePids.add(4_000_002);
    const running = await f.launches.createRun(alive.launchId, {});

    const recovered = await f.launches.recoverAbandoned();
    assert.deepEqual(recovered.map((launch) => launch.launchId).sort(), [dead.launchId, neverStarted.launchId].sort());
    const after = f.tracking.getRun(crashed.info.run_id);
    assert.equal(after.info.status, 'FAILED');
    assert.equal(tagsOf(after)[LaunchTag.Note], abandonedReason);
    assert.equal(tagsOf(after)[LaunchTag.MlflowNote], abandonedReason);
    assert.equal(await f.artifactText(after, 'runlens/output.log'), 'epoch 1\n');
    assert.equal(f.tracking.getRun(finishedEarlier.info.run_id).info.status, 'FINISHED');
    assert.equal(f.launches.get(dead.launchId)?.status, 'FAILED');
    assert.equal(f.tracking.getRun(running.info.run_id).info.status, 'RUNNING');
    assert.equal(f.launches.get(alive.launchId)?.status, 'RUNNING');
    assert.ok(!existsSync(f.launches.filePath(dead.launchId, 'runlens/output.log')), 'the files of a recovered launch are released');
  });

  test("a script that ended while no window watched ends as its supervisor recorded it, FINISHED, not FAILED", async (t) => {
    const f = await openLaunchFixture(t);
    const launch = f.launches.open({ capture, files: { 'runlens/output.log': 'epoch 1\nepoch 2\n' } });
    f.launches.setPid(launch.launchId, 4_000_003);
    const run = await f.launches.createRun(launch.launchId, {});
    const supervised = new SupervisorFiles(path.join(f.dir, supervisedFolder));
    supervised.writeEnding(launch.launchId, { kind: 'exited', exitCode: 0 });

    const [recovered] = await f.launches.recoverAbandoned();
    assert.equal(recovered?.recorded, true);
    assert.equal(recovered?.status, 'FINISHED');
    const after = f.tracking.getRun(run.info.run_id);
    assert.equal(after.info.status, 'FINISHED');
    assert.equal(tagsOf(after)[LaunchTag.Note], undefined, 'no crash note on a run that ended well');
    assert.equal(await f.artifactText(after, 'runlens/output.log'), 'epoch 1\nepoch 2\n');
    assert.equal(supervised.has(launch.launchId), false, "the supervisor's files go once the end is in the store");
  });
});
