import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { LaunchArtifact } from '../../../../../src/core/launches/launchTags';
import { TrackingReader } from '../../../launchSupport';
import { runLensApi, waitFor } from '../../../support';
import { assertSurvived } from '../../survivalSupport';
import { assertGuestOfServerProcess, assertShownLive, SuiteTitle, readWaiterState, waiterName } from '../processModeSupport';

// Issue 14: with the store served by a RunLens server process, the window is its guest; after Developer: Reload
// Window it takes back the launches it started, which ran on under their supervisors meanwhile.

suite(SuiteTitle.reload, () => {
  test('the reloaded guest window takes back the running launch: live in the Runs view, then FINISHED with every step and its whole output', async function () {
    this.timeout(180_000);
    await assertGuestOfServerProcess();
    await assertSurvived('survivor', (launchId) => assertShownLive('survivor', launchId));
  });

  test('Stop works from the reloaded window on a launch the previous extension host started: its run ends KILLED, once', async function () {
    this.timeout(120_000);
    const waiter = readWaiterState();
    assert.ok(waiter, 'the first extension host launched the waiter');
    const api = await runLensApi();
    const started = Date.now();
    // Wrapped: waitFor would wait for a promise it is given.
    const { ending } = await waitFor(
      'the window took the waiter back',
      () => {
        const ended = api.launches.whenEnded(waiter.launchId);
        return ended && { ending: ended };
      },
      60_000,
    );
    console.log(`process mode: the waiter taken back after ${Date.now() - started} ms`);
    await assertShownLive(waiterName, waiter.launchId);
    console.log(`process mode: the waiter shown live after ${Date.now() - started} ms`);
    const reader = await TrackingReader.open();
    const endpoint = (await api.trackingEndpoint())!;
    const search = await fetch(`${endpoint.url}/api/2.0/mlflow/runs/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${endpoint.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ experiment_ids: ['0'], filter: `attributes.run_name = '${waiterName}'` }),
    });
    const runId = ((await search.json()) as { runs: { info: { run_id: string } }[] }).runs[0]?.info.run_id;
    assert.ok(runId, 'the waiter has its run at the owner');

    await vscode.commands.executeCommand('runlens.stopRun', runId);
    const report = await ending;
    assert.equal(report.ended.status, 'KILLED', JSON.stringify(report.ended));
    const run = await reader.run(runId);
    assert.equal(run.info.status, 'KILLED');
    assert.match((await reader.artifact(run, LaunchArtifact.OutputLog)) ?? '', /tick 0\n[\s\S]*tick 5\n/, 'its output log reached the owner');
    const points = await reader.history(runId, 'tick');
    assert.equal(new Set(points.map((point) => point.step)).size, points.length, 'no step stored twice');
    assert.equal(api.launches.pidOf(waiter.launchId), undefined, 'the window let it go');
  });
});
