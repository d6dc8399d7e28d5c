// The dependency-free `runlens` Python helper (python/runlens) against the real server on loopback:
// the example script logs through it exactly as an MLflow script would, and the results are read
// back through the same REST API the MLflow client uses.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  info: { run_id: string; run_name: string; status: string; artifact_uri: string };
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

  /** A file under an artifact location (a run's or a logged model's `mlflow-artifacts:/…` URI), as bytes. */
  async function download(artifactUri: string, file: string): Promise<Buffer> {
    const root = artifactUri.replace(/^mlflow-artifacts:\/*/, '');
    const response = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/${root}/${file}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200, `${file}: ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  }

  async function runsOf(experimentName: string): Promise<RunJson[]> {
    const { experiment } = await api<{ experiment: { experiment_id: string } }>(
      'GET',
      `experiments/get-by-name?experiment_name=${encodeURIComponent(experimentName)}`,
    );
    const { runs = [] } = await api<{ runs?: RunJson[] }>('POST', 'runs/search', { experiment_ids: [experiment.experiment_id] });
    return runs;
  }

  test('the example script logs params, a metric history and a tag, logs its model and registers it; each run has its own name', async () => {
    const example = path.join(repoRoot, 'examples/train_runlens.py');
    const { stdout } = await python(example, ['0.1', '30']);
    await python(example, ['0.1', '30']);
    const runs = await runsOf('line-fit');
    // The first run registered version 1: that run printed `stdout`.
    const { model_versions: versions = [] } = await api<{ model_versions?: { version: string; source: string; run_id: string }[] }>(
      'GET',
      `model-versions/search?filter=${encodeURIComponent("name='line-fit'")}`,
    );
    assert.deepEqual(versions.map((v) => v.version).sort(), ['1', '2'], 'one version per run');
    assert.match(stdout, /line-fit version 1$/m);
    const first = versions.find((v) => v.version === '1');
    const logged = runs.find((r) => r.info.run_id === first?.run_id);
    assert.ok(logged, 'version 1 comes from a run of the example');
    assert.equal(logged.info.status, 'FINISHED');
    assert.match(logged.info.run_name, /^lr=0\.1 epochs=30 [0-9a-f]{4}$/, 'the arguments that vary and a short id');
    assert.notEqual(runs[0].info.run_name, runs[1].info.run_name, 'the same arguments twice still read apart');
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

    // The model version's source is the logged model its run made, which holds the fitted coefficients.
    const modelId = first?.source.replace(/^models:\//, '') ?? '';
    const { model } = await api<{ model: { info: { name: string; source_run_id: string; artifact_uri: string; status: string } } }>('GET', `logged-models/${modelId}`);
    assert.equal(model.info.name, 'line');
    assert.equal(model.info.status, 'LOGGED_MODEL_READY');
    assert.equal(model.info.source_run_id, first?.run_id);
    const coefficients = JSON.parse((await download(model.info.artifact_uri, 'model.json')).toString()) as { slope: number };
    const printedSlope = Number(/slope=([\d.]+)/.exec(stdout)?.[1]);
    assert.ok(Math.abs(coefficients.slope - printedSlope) < 1e-3, `model slope ${coefficients.slope} vs printed ${printedSlope}`);
  });

  test("MLflow's objects: the run, active_run, get_run's params, metrics and tags, last_active_run; artifacts from files, text and dicts", async () => {
    const files = path.join(tmp, 'outputs');
    mkdirSync(path.join(files, 'plots'), { recursive: true });
    writeFileSync(path.join(files, 'summary.txt'), 'ok\n');
    writeFileSync(path.join(files, 'plots', 'curve.csv'), 'step,loss\n0,1\n');
    const script = path.join(tmp, 'objects.py');
    writeFileSync(
      script,
      [
        'import json, sys',
        'import runlens as mlflow',
        'mlflow.set_experiment("objects")',
        'with mlflow.start_run(run_name="objects") as run:',
        '    assert mlflow.active_run().info.run_id == run.info.run_id',
        '    mlflow.log_params({"lr": 0.1})',
        '    mlflow.log_metric("loss", 0.5, step=1)',
        '    mlflow.log_metric("loss", 0.25, step=2)',
        '    mlflow.set_tags({"team": "ml", "stage": 2})',
        `    mlflow.log_artifacts(${JSON.stringify(files)}, artifact_path="outputs")`,
        '    mlflow.log_text("hello", "notes/readme.txt")',
        '    mlflow.log_dict({"a": 1}, "config.yaml")',
        'assert mlflow.active_run() is None',
        'data = mlflow.get_run(run.info.run_id).data',
        'last = mlflow.last_active_run()',
        'print(json.dumps({"params": data.params, "metrics": data.metrics, "team": data.tags["team"], "stage": data.tags["stage"],',
        '                  "last": [last.info.run_id == run.info.run_id, last.info.status, last.info.end_time is not None]}))',
      ].join('\n'),
    );
    const { stdout } = await python(script);
    assert.deepEqual(JSON.parse(stdout), {
      params: { lr: '0.1' },
      metrics: { loss: 0.25 },
      team: 'ml',
      stage: '2',
      last: [true, 'FINISHED', true],
    });
    const [logged] = await runsOf('objects');
    const listing = async (folder: string) =>
      (await api<{ files?: { path: string }[] }>('GET', `artifacts/list?run_id=${logged.info.run_id}&path=${folder}`)).files?.map((f) => f.path);
    assert.deepEqual(await listing('outputs'), ['outputs/plots', 'outputs/summary.txt']);
    assert.deepEqual(await listing('outputs/plots'), ['outputs/plots/curve.csv']);
    assert.deepEqual(await listing('notes'), ['notes/readme.txt']);
    assert.equal((await download(logged.info.artifact_uri, 'notes/readme.txt')).toString(), 'hello');
    assert.deepEqual(JSON.parse((await download(logged.info.artifact_uri, 'config.yaml')).toString()), { a: 1 }, 'JSON, which YAML readers read too');
  });

  test('log_model pickles a model that is not JSON data, and the pickle loads back', async () => {
    const script = path.join(tmp, 'pickled.py');
    writeFileSync(
      script,
      [
        'import runlens as mlflow',
        'mlflow.set_experiment("pickled")',
        'with mlflow.start_run():',
        '    info = mlflow.log_model({3, 1, 2}, name="lookup")',
        'print(info.model_id, info.model_uri, info.registered_model_version)',
      ].join('\n'),
    );
    const { stdout } = await python(script);
    const [modelId, modelUri, version] = stdout.trim().split(' ');
    assert.equal(modelUri, `models:/${modelId}`);
    assert.equal(version, 'None', 'not registered without registered_model_name');
    const { model } = await api<{ model: { info: { artifact_uri: string } } }>('GET', `logged-models/${modelId}`);
    assert.match((await download(model.info.artifact_uri, 'MLmodel')).toString(), /^ {4}format: "pickle"$/m);
    const pickled = await download(model.info.artifact_uri, 'model.pkl');
    const loaded = spawnSync('python3', ['-c', 'import pickle, sys; print(sorted(pickle.load(sys.stdin.buffer)))'], { input: pickled });
    assert.equal(loaded.stdout.toString().trim(), '[1, 2, 3]', loaded.stderr.toString());
  });

  test('log_figure saves a matplotlib figure in the format its name asks for', async (t) => {
    if (spawnSync('python3', ['-c', 'import matplotlib']).status !== 0) {
      t.skip('matplotlib is not installed');
      return;
    }
    const script = path.join(tmp, 'figure.py');
    writeFileSync(
      script,
      [
        'import matplotlib',
        'matplotlib.use("Agg")',
        'import matplotlib.pyplot as plt',
        'import runlens as mlflow',
        'mlflow.set_experiment("figures")',
        'figure, axes = plt.subplots()',
        'axes.plot([0, 1], [1, 0])',
        'with mlflow.start_run():',
        '    mlflow.log_figure(figure, "plots/curve.png")',
      ].join('\n'),
    );
    await python(script);
    const [logged] = await runsOf('figures');
    const png = await download(logged.info.artifact_uri, 'plots/curve.png');
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
  });

  test('log_figure refuses an object that is no figure, as MLflow does', async () => {
    const script = path.join(tmp, 'not-figure.py');
    writeFileSync(script, 'import runlens as mlflow\nwith mlflow.start_run():\n    mlflow.log_figure(object(), "x.png")\n');
    await assert.rejects(python(script), /TypeError: Unsupported figure object type/);
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
