// The dependency-free `runlens` Python helper (python/runlens) against the real server on loopback:
// the example script logs through it exactly as an MLflow script would, and the results are read
// back through the same REST API the MLflow client uses.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { ArtifactStore } from '../../../src/core/store/artifactStore';
import { Database } from '../../../src/core/store/database';
import { ModelRegistry } from '../../../src/core/store/modelRegistry';
import { TrackingStore } from '../../../src/core/store/trackingStore';
import { startServer, type RunningServer } from '../../../src/server/server';
import { repoRoot } from '../support/repoRoot';
import { SpanFiles } from '../../../src/core/traces/spanFiles';
import { TraceStore } from '../../../src/core/traces/traceStore';

const run = promisify(execFile);
const token = 'helper-test-token';

interface RunJson {
  info: { run_id: string; run_name: string; status: string };
  data: { params?: { key: string; value: string }[]; tags?: { key: string; value: string }[]; metrics?: { key: string; value: number }[] };
}

describe('runlens Python helper', () => {
  let server: RunningServer;
  let tmp: string;

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'runlens-helper-'));
    const db = await Database.open();
    server = await startServer({
      store: new TrackingStore(db),
      registry: new ModelRegistry(db),
      artifacts: new ArtifactStore(path.join(tmp, 'artifacts')),
      traces: new TraceStore(db, new SpanFiles(path.join(tmp, 'traces'))),
      token,
    });
  });

  after(async () => {
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function api<T>(method: string, endpoint: string, body?: unknown): Promise<T> {
    const response = await fetch(`${server.url}/api/2.0/mlflow/${endpoint}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.equal(response.status, 200, `${endpoint}: ${await response.clone().text()}`);
    return (await response.json()) as T;
  }

  function python(script: string, args: string[] = []) {
    return run('python3', [script, ...args], {
      cwd: tmp,
      env: {
        ...process.env,
        PYTHONPATH: path.join(repoRoot, 'python'),
        MLFLOW_TRACKING_URI: server.url,
        MLFLOW_TRACKING_TOKEN: token,
      },
    });
  }

  async function runsOf(experimentName: string): Promise<RunJson[]> {
    const { experiment } = await api<{ experiment: { experiment_id: string } }>(
      'GET',
      `experiments/get-by-name?experiment_name=${encodeURIComponent(experimentName)}`,
    );
    const { runs = [] } = await api<{ runs?: RunJson[] }>('POST', 'runs/search', { experiment_ids: [experiment.experiment_id] });
    return runs;
  }

  test('the example script logs params, a metric history, a tag and an artifact, and finishes', async () => {
    const { stdout } = await python(path.join(repoRoot, 'examples/train_runlens.py'), ['0.1', '30']);
    const [logged] = await runsOf('line-fit');
    assert.equal(logged.info.status, 'FINISHED');
    assert.equal(logged.info.run_name, 'lr=0.1');
    const params = Object.fromEntries((logged.data.params ?? []).map((p) => [p.key, p.value]));
    assert.deepEqual(params, { learning_rate: '0.1', epochs: '30', samples: '200' });
    assert.equal(logged.data.tags?.find((t) => t.key === 'model')?.value, 'linear');

    const history = await api<{ metrics: { step: number; value: number }[] }>(
      'GET',
      `metrics/get-history?run_id=${logged.info.run_id}&metric_key=mse`,
    );
    assert.deepEqual(history.metrics.map((m) => m.step), [...Array(30).keys()]);
    const printedMse = Number(/mse=([\d.]+)/.exec(stdout)?.[1]);
    assert.ok(Math.abs(history.metrics[29].value - printedMse) < 1e-4, `last mse ${history.metrics[29].value} vs printed ${printedMse}`);

    const files = await api<{ files?: { path: string }[] }>('GET', `artifacts/list?run_id=${logged.info.run_id}&path=model`);
    assert.deepEqual(files.files?.map((f) => f.path), ['model/coefficients.json']);
  });

  test('an exception inside the run marks it FAILED; nested runs carry their parent; NaN and infinities survive', async () => {
    const script = path.join(tmp, 'nested.py');
    writeFileSync(
      script,
      [
        'import runlens as mlflow',
        'mlflow.set_experiment("nested-demo")',
        'with mlflow.start_run(run_name="parent") as parent:',
        '    with mlflow.start_run(run_name="child", nested=True):',
        '        mlflow.log_metrics({"nan": float("nan"), "up": float("inf"), "down": float("-inf")})',
        '    raise ValueError("boom")',
      ].join('\n'),
    );
    await assert.rejects(python(script), /boom/);
    const runs = await runsOf('nested-demo');
    const parent = runs.find((r) => r.info.run_name === 'parent');
    const child = runs.find((r) => r.info.run_name === 'child');
    assert.equal(parent?.info.status, 'FAILED');
    assert.equal(child?.info.status, 'FINISHED');
    assert.equal(child?.data.tags?.find((t) => t.key === 'mlflow.parentRunId')?.value, parent?.info.run_id);
    const metrics = Object.fromEntries((child?.data.metrics ?? []).map((m) => [m.key, m.value]));
    assert.ok(Number.isNaN(Number(metrics.nan)), `nan came back as ${metrics.nan}`);
    assert.equal(Number(metrics.up), Infinity);
    assert.equal(Number(metrics.down), -Infinity);
  });
});
