// `runlens sweep FILE` as a real child process: real Python scripts, a real .runlens/ store in a
// temp folder (no store yet: the CLI serves it for the sweep), read back afterwards.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { WorkspaceStore } from '../../../src/core/store/workspaceStore';
import { SweepTag } from '../../../src/core/sweeps/sweepTags';
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

function runSweep(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cli, 'sweep', ...args], { env: { ...process.env, PYTHONPATH: helper } });
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
    const tags = (run: (typeof runs)[number]) => Object.fromEntries((run.data.tags ?? []).map((tag) => [tag.key, tag.value]));
    const parent = runs.find((run) => tags(run)[SweepTag.Progress] !== undefined);
    assert.ok(parent, 'a parent run');
    assert.equal(parent.info.status, 'FAILED');
    assert.equal(tags(parent)[SweepTag.Progress], '5/6 done, 0 running, 1 failed, 0 queued');
    const children = runs.filter((run) => tags(run)[SweepTag.ParentRunId] === parent.info.run_id);
    assert.equal(children.length, 5, 'the failing point exits before it starts a run');
    const losses = children.map((run) => run.data.metrics?.find((metric) => metric.key === 'val_loss')?.value).sort((a, b) => a! - b!);
    assert.deepEqual(losses, [0.016 + 1, 0.032 + 1, 0.16 + 1, 1.6 + 1, 3.2 + 1].sort((a, b) => a - b), 'each point got its arguments and variables');
    assert.ok(children.every((run) => run.info.status === 'FINISHED'));
  });

  test('a bad sweep file is refused before anything runs, with the field named', async (t) => {
    const dir = tempDir(t, 'runlens-sweep-');
    writeFileSync(path.join(dir, 'bad.sweep.json'), '{"script": "train.py", "parameters": {"lr": {"min": 0, "max": 1}}}');
    const result = await runSweep([path.join(dir, 'bad.sweep.json'), '--dir', dir]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /bad\.sweep\.json: parameters\.lr: a grid takes a list of values, not a range/);
  });
});
