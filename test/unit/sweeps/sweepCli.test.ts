// `runlens sweep FILE` as a real child process: real Python scripts, a real .runlens/ store in a
// temp folder (no store yet: the CLI serves it for the sweep), a real git repository, read back afterwards.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Run } from '../../../src/core/entities';
import { storeRootOf } from '../../../src/core/store/runArtifactRoot';
import { WorkspaceStore } from '../../../src/core/store/workspaceStore';
import { SweepTag } from '../../../src/core/sweeps/sweepTags';
import { startServer } from '../../../src/server/server';
import { tempDir } from '../store/storeTestKit';

const cli = path.join(__dirname, '../../../src/cli/main.js');
const helper = path.join(__dirname, '../../../../python');

const script = `import argparse, os, sys
import runlens

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float)
parser.add_argument("--batch", type=int)
args = parser.parse_args()
if args.lr == 0.01 and args.batch == 32:
    sys.exit("this point fails")
with runlens.start_run():
    runlens.log_metric("val_loss", args.lr * args.batch + float(os.environ["OFFSET"]))
`;

function tags(run: Run): Record<string, string> {
  return Object.fromEntries((run.data.tags ?? []).map((tag) => [tag.key, tag.value]));
}

function runSweep(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, 'sweep', ...args], { env: { ...process.env, PYTHONPATH: helper, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('runlens sweep', () => {
  test('runs a 3x2 grid file two at a time into a workspace with no store yet: six points, one failed, grouped under a parent run', async (t) => {
    const dir = tempDir(t, 'runlens-sweep-');
    writeFileSync(path.join(dir, 'train.py'), script);
    writeFileSync(
      path.join(dir, 'grid.sweep.yaml'),
      'script: train.py\nexperiment: sweeps\nconcurrency: 2\nparameters:\n  lr: [0.1, 0.01, 0.001]\n  batch: [16, 32]\nenv:\n  OFFSET: ["1"]\n',
    );
    const result = await runSweep([path.join(dir, 'grid.sweep.yaml'), '--dir', dir]);
    assert.equal(result.code, 1, `a failed point fails the command\n${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /6 runs of train\.py under run \w+ at http:\/\/127\.0\.0\.1:\d+, 2 at once/);
    assert.match(result.stdout, /runlens sweep: 5\/6 done, 0 running, 1 failed, 0 queued\n/);

    const store = await WorkspaceStore.open(path.join(dir, '.runlens'));
    t.after(() => store.close());
    const experiment = store.tracking.getExperimentByName('sweeps');
    assert.ok(experiment);
    const runs = store.tracking.searchRuns({ experimentIds: [experiment.experiment_id], maxResults: 100 }).runs;
    const parent = runs.find((run) => tags(run)[SweepTag.Progress] !== undefined);
    assert.ok(parent, 'a parent run');
    assert.equal(parent.info.status, 'FAILED');
    assert.equal(tags(parent)[SweepTag.Progress], '5/6 done, 0 running, 1 failed, 0 queued');
    const children = runs.filter((run) => tags(run)[SweepTag.ParentRunId] === parent.info.run_id);
    assert.equal(children.length, 6, 'the failing point exits before it starts a run: RunLens makes its run, as for any launch');
    const failed = children.filter((run) => run.info.status === 'FAILED');
    assert.deepEqual(failed.map((run) => JSON.parse(tags(run)[SweepTag.Values]) as unknown), [{ lr: '0.01', batch: '32', 'env.OFFSET': '1' }]);
    assert.equal(tags(failed[0])['runlens.exitCode'], '1');
    const finished = children.filter((run) => run.info.status === 'FINISHED');
    const losses = finished.map((run) => run.data.metrics?.find((metric) => metric.key === 'val_loss')?.value).sort((a, b) => a! - b!);
    assert.deepEqual(losses, [0.016 + 1, 0.032 + 1, 0.16 + 1, 1.6 + 1, 3.2 + 1].sort((a, b) => a - b), 'each point got its arguments and variables');
    for (const run of children) {
      const params = Object.fromEntries((run.data.params ?? []).map((param) => [param.key, param.value]));
      const values = JSON.parse(tags(run)[SweepTag.Values]) as Record<string, string>;
      assert.deepEqual(params, values, 'the varied values the script did not log become params: the dashboard\'s axes');
    }
  });

  test('each point is a captured launch: git state, diff with untracked files, packages, interpreter, command and its output log', async (t) => {
    const dir = tempDir(t, 'runlens-sweep-git-');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'sweeper@example.com');
    git('config', 'user.name', 'Sweeper');
    writeFileSync(path.join(dir, 'train.py'), 'import sys\nimport runlens\nwith runlens.start_run():\n    print("training", sys.argv[1:])\n');
    git('add', 'train.py');
    git('commit', '-q', '-m', 'train');
    const commit = git('rev-parse', 'HEAD');
    // Uncommitted work: a changed line in the script, and a file git does not know yet.
    writeFileSync(path.join(dir, 'train.py'), 'import sys\nimport runlens\nwith runlens.start_run():\n    print("training at", sys.argv[1:])\n');
    writeFileSync(path.join(dir, 'notes_untracked.txt'), 'try a smaller lr\n');
    writeFileSync(path.join(dir, 'lr.sweep.json'), JSON.stringify({ script: 'train.py', parameters: { lr: ['0.1', '0.2'] } }));

    const result = await runSweep([path.join(dir, 'lr.sweep.json'), '--dir', dir]);
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /training at \['--lr', '0\.1'\]/, 'the output still reaches the shell');

    const store = await WorkspaceStore.open(path.join(dir, '.runlens'));
    t.after(() => store.close());
    const runs = store.tracking.searchRuns({ experimentIds: ['0'], maxResults: 100 }).runs;
    const points = runs.filter((run) => tags(run)[SweepTag.ParentRunId] !== undefined);
    assert.equal(points.length, 2);
    const artifact = async (run: Run, artifactPath: string) => {
      const file = await store.artifacts.read(`${storeRootOf(run.info.artifact_uri)}/${artifactPath}`);
      const chunks: Buffer[] = [];
      for await (const chunk of file.stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    };
    for (const run of points) {
      const lr = (JSON.parse(tags(run)[SweepTag.Values]) as { lr: string }).lr;
      assert.equal(run.info.status, 'FINISHED');
      assert.equal(tags(run)['mlflow.source.git.commit'], commit);
      assert.equal(tags(run)['mlflow.source.git.branch'], 'main');
      assert.equal(tags(run)['runlens.git.dirty'], 'true');
      assert.match(tags(run)['runlens.command'], new RegExp(`train\\.py --lr ${lr.replace('.', '\\.')}$`));
      assert.match(tags(run)['runlens.python.version'], /^3\./);
      assert.match(tags(run)['runlens.launch.id'] ?? '', /^[0-9a-f]{32}$/, 'started with a launch token');
      assert.match(tags(run)['runlens.env.sha256'] ?? '', /^[0-9a-f]{64}$/, 'the package listing arrived');
      assert.match(await artifact(run, 'runlens/output.log'), new RegExp(`training at \\['--lr', '${lr.replace('.', '\\.')}'\\]`));
      const patch = await artifact(run, 'runlens/diff.patch');
      assert.match(patch, /\+    print\("training at"/);
      assert.match(patch, /notes_untracked\.txt/);
      await artifact(run, 'runlens/requirements.txt');
    }
  });

  test('to a server it does not own (--tracking-uri), each point is a remote launch: its run made there with the capture and the output log', async (t) => {
    const dir = tempDir(t, 'runlens-sweep-remote-');
    writeFileSync(path.join(dir, 'train.py'), 'import sys\nimport runlens\nwith runlens.start_run():\n    print("remote point", sys.argv[2])\n    runlens.log_metric("m", float(sys.argv[2]))\n');
    writeFileSync(path.join(dir, 'm.sweep.json'), JSON.stringify({ script: 'train.py', experiment: 'far', parameters: { m: ['1', '2'] } }));
    const remoteDir = tempDir(t, 'runlens-sweep-server-');
    const remote = await WorkspaceStore.open(path.join(remoteDir, '.runlens'));
    const token = 'remote-token-0123456789';
    const server = await startServer({ store: remote.tracking, registry: remote.registry, artifacts: remote.artifacts, traces: remote.traces, token });
    try {
      const result = await runSweep([path.join(dir, 'm.sweep.json'), '--dir', dir, '--tracking-uri', server.url], { MLFLOW_TRACKING_TOKEN: token });
      assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
      assert.ok(!existsSync(path.join(dir, '.runlens')), 'the workspace gets no store of its own');

      const experiment = remote.tracking.getExperimentByName('far');
      assert.ok(experiment);
      const runs = remote.tracking.searchRuns({ experimentIds: [experiment.experiment_id], maxResults: 100 }).runs;
      const parent = runs.find((run) => tags(run)[SweepTag.Progress] !== undefined);
      assert.ok(parent);
      const points = runs.filter((run) => tags(run)[SweepTag.ParentRunId] === parent.info.run_id);
      assert.equal(points.length, 2, 'one run per point: the run made beforehand is the one the script logged to');
      for (const run of points) {
        const m = (JSON.parse(tags(run)[SweepTag.Values]) as { m: string }).m;
        assert.equal(run.info.status, 'FINISHED');
        assert.equal(run.data.metrics?.find((metric) => metric.key === 'm')?.value, Number(m));
        assert.match(tags(run)['runlens.command'], /train\.py --m \d$/);
        assert.match(tags(run)['runlens.launch.id'] ?? '', /^[0-9a-f]{32}$/);
        const log = await remote.artifacts.read(`${storeRootOf(run.info.artifact_uri)}/runlens/output.log`);
        const chunks: Buffer[] = [];
        for await (const chunk of log.stream) chunks.push(chunk as Buffer);
        assert.equal(Buffer.concat(chunks).toString('utf8'), `remote point ${m}\n`);
      }
    } finally {
      await server.close();
      remote.close();
    }
  });

  test('a bad sweep file is refused before anything runs, with the field named', async (t) => {
    const dir = tempDir(t, 'runlens-sweep-');
    writeFileSync(path.join(dir, 'bad.sweep.json'), '{"script": "train.py", "parameters": {"lr": {"min": 0, "max": 1}}}');
    const result = await runSweep([path.join(dir, 'bad.sweep.json'), '--dir', dir]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /bad\.sweep\.json: parameters\.lr: a grid takes a list of values, not a range/);
  });
});
