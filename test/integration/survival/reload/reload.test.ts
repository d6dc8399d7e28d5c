import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LaunchReport } from '../../../src/vscode/launch/runningLaunch';
import { TrackingReader } from '../launchSupport';
import { runLensApi } from '../support';
import { readReloadState, steps } from './reloadState';

suite('Developer: Reload Window while a launched script logs', () => {
  test('a launched script survives the reload: the new window takes it over, and its run ends FINISHED with every step and its whole output', async function () {
    this.timeout(180_000);
    const state = readReloadState();
    assert.ok(state, 'the first extension host launched the script and reloaded the window');
    const api = await runLensApi();
    // The window takes over the scripts still running shortly after it starts (not during activation).
    let ending: Promise<LaunchReport> | undefined;
    const deadline = Date.now() + 60_000;
    while (!(ending = api.launches.whenEnded(state.launchId))) {
      assert.ok(Date.now() < deadline, 'the new window took over the running launch');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const report = await ending;
    assert.equal(report.ended.status, 'FINISHED', JSON.stringify(report.ended));
    assert.equal(report.ended.runs.length, 1);
    const runId = report.ended.runs[0].info.run_id;
    const reader = await TrackingReader.open();
    const run = await reader.run(runId);
    assert.equal(run.info.run_name, 'survivor');
    assert.equal(run.info.status, 'FINISHED');
    assert.ok(run.info.end_time! > state.reloadedAt, 'it ended after the reload');

    const endpoint = (await api.trackingEndpoint())!;
    const history = await fetch(`${endpoint.url}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss&max_results=25000`, {
      headers: { authorization: `Bearer ${endpoint.token}` },
    });
    const points = ((await history.json()) as { metrics: { step: number }[] }).metrics;
    assert.deepEqual(
      points.map((point) => point.step).sort((a, b) => a - b),
      Array.from({ length: steps }, (_, step) => step),
      'every step logged before, during and after the reload is stored once',
    );
    const output = await reader.artifact(run, 'runlens/output.log');
    assert.ok(output);
    // In "window" mode the tracking server went away with the window for a moment: the helper said it retried.
    const printed = output.split('\n').filter((line) => !line.startsWith('runlens: POST '));
    assert.deepEqual(printed, [...Array.from({ length: steps }, (_, step) => `step ${step}`), 'training done', ''], 'the output log is complete');
    assert.equal(vscode.window.terminals.some((terminal) => terminal.name.includes('survivor')), true, 'the new window shows it in a terminal');
  });
});
