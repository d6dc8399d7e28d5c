// `runlens push` as a real child process, from a workspace store to a second `runlens serve`.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildFixture, fixtureRuns } from '../../fixtures/mlflow-data/fixtureSpec';
import { writeMlruns } from '../../fixtures/mlflow-data/writeMlruns';
import { tempFolder } from '../importers/support/importKit';
import { RemoteReader } from './support/remoteReads';
import { runlens, serveInChild, type Served } from './support/runlensProcess';

describe('runlens push', () => {
  let work: string;
  let remote: Served;
  const fixture = buildFixture({ seed: 5 });

  before(async () => {
    work = tempFolder('runlens-push-cli-');
    writeMlruns(fixture, path.join(work, 'mlruns'));
    const imported = await runlens(['import', path.join(work, 'mlruns'), '--dir', path.join(work, 'local')]);
    assert.equal(imported.code, 0, imported.stderr);
    remote = await serveInChild(path.join(work, 'remote'));
  });
  after(async () => {
    await remote.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('pushes the active runs of an experiment with the token from the environment, then nothing more', async () => {
    const env = { MLFLOW_TRACKING_TOKEN: remote.token };
    const args = ['push', '--dir', path.join(work, 'local'), '--to', remote.url, '--experiment', 'Default', '--json'];
    const first = await runlens(args, env);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    const summary = JSON.parse(first.stdout) as { runs: { pushed: number }; counts: { metricPoints: number } };
    const defaultRuns = fixture.experiments[0].runs;
    assert.equal(summary.runs.pushed, defaultRuns.length);
    assert.equal(summary.counts.metricPoints, defaultRuns.reduce((n, r) => n + r.metrics.length, 0));

    const reader = new RemoteReader(remote.url, remote.token);
    const search = await reader.post<{ runs?: { info: { run_name: string } }[] }>('/api/2.0/mlflow/runs/search', { experiment_ids: ['0'] });
    assert.deepEqual(search.runs?.map((r) => r.info.run_name).sort(), defaultRuns.map((r) => r.name).sort());

    const second = await runlens(args, env);
    assert.equal(second.code, 0, second.stderr);
    assert.equal((JSON.parse(second.stdout) as { runs: { pushed: number; upToDate: number } }).runs.upToDate, defaultRuns.length);
    assert.ok(fixtureRuns(fixture).length > defaultRuns.length, 'only the chosen experiment was pushed');
  });

  test('while another process owns the store (as a VS Code window does), push goes through it', async () => {
    const owner = await serveInChild(path.join(work, 'local'));
    try {
      const experiment = fixture.experiments[1];
      const active = experiment.runs.filter((r) => !r.deleted);
      const pushed = await runlens(['push', '--dir', path.join(work, 'local'), '--to', remote.url, '--experiment', experiment.name, '--json'], {
        MLFLOW_TRACKING_TOKEN: remote.token,
      });
      assert.equal(pushed.code, 0, pushed.stderr + pushed.stdout);
      assert.match(pushed.stderr, /in use by process \d+\. Pushing through it/);
      assert.equal((JSON.parse(pushed.stdout) as { runs: { pushed: number } }).runs.pushed, active.length);
      const reader = new RemoteReader(remote.url, remote.token);
      const remoteExperiment = (await reader.get<{ experiment: { experiment_id: string } }>(`/api/2.0/mlflow/experiments/get-by-name?experiment_name=${encodeURIComponent(experiment.name)}`)).experiment;
      const search = await reader.post<{ runs?: { info: { run_name: string } }[] }>('/api/2.0/mlflow/runs/search', { experiment_ids: [remoteExperiment.experiment_id] });
      assert.deepEqual(search.runs?.map((r) => r.info.run_name).sort(), active.map((r) => r.name).sort());
      // The owner wrote where each run went into its own store: pushing again sends nothing.
      const local = new RemoteReader(owner.url, owner.token);
      const run = await local.get<{ run: { data: { tags?: { key: string }[] } } }>(`/api/2.0/mlflow/runs/get?run_id=${active[0].runId}`);
      assert.ok(run.run.data.tags?.some((tag) => /^runlens\.sync\..*\.runId$/.test(tag.key)), 'the sync tags are in the owner’s store');
      const again = await runlens(['push', '--dir', path.join(work, 'local'), '--to', remote.url, '--experiment', experiment.name, '--json'], { MLFLOW_TRACKING_TOKEN: remote.token });
      assert.equal(again.code, 0, again.stderr);
      assert.equal((JSON.parse(again.stdout) as { runs: { upToDate: number } }).runs.upToDate, active.length);
      const badUrl = await runlens(['push', '--dir', path.join(work, 'local'), '--to', 'ftp://example.com']);
      assert.equal(badUrl.code, 1);
      assert.match(badUrl.stderr, /not an http\(s\) URL/);
    } finally {
      await owner.stop();
    }
  });

  test('a refused token fails the runs with the server’s answer; bad arguments print the usage', async () => {
    const refused = await runlens(['push', '--dir', path.join(work, 'local'), '--to', remote.url, '--run', fixture.experiments[0].runs[0].runId], { MLFLOW_TRACKING_TOKEN: 'not-the-right-token-at-all' });
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /failed: run [0-9a-f]{32}: .*401 UNAUTHENTICATED/);
    const usage = await runlens(['push', '--dir', path.join(work, 'local')]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--to URL is required/);
    const badUrl = await runlens(['push', '--dir', path.join(work, 'local'), '--to', 'ftp://example.com']);
    assert.equal(badUrl.code, 1);
    assert.match(badUrl.stderr, /not an http\(s\) URL/);
  });
});
