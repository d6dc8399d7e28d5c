// Issue 11, item 4: the same scripts twice. Once as the real MLflow 3.6 client ran them: its recorded
// HTTP calls (test/fixtures/mlflow-contract/requests.jsonl) replayed against a RunLens server. Once
// with `import runlens as mlflow` against another RunLens server, through a recording proxy. Both
// servers must then hold the same runs, params, metric histories, tags, logged model and registered
// version, read back through the REST API; and the helper must call the endpoints the client called,
// with the same fields.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { isNonJsonBody, isTruncatedJson, loadContract } from '../server/contract/contractRecord';
import { IdMap } from '../server/contract/idMap';
import { sendRecorded } from '../server/contract/replayRequest';
import type { HttpClient } from '../server/support/httpClient';
import { startTestServer, type TestServer } from '../server/support/testServer';
import { pythonHelperPath } from '../support/repoRoot';
import { RecordingProxy } from './support/recordingProxy';

const run = promisify(execFile);
const hasPython = spawnSync('python3', ['--version']).status === 0;

/** The recorded phases that ran the three scripts below, in the recording's order. */
const phases = new Set([
  'goal_a_script',
  'set_experiment_existing',
  'start_run',
  'log_metrics_with_step',
  'log_params_batch',
  'set_tag',
  'log_metric_steps_for_history',
  'end_run',
  'register_model',
]);

/** The scripts those phases ran (ENDPOINTS.md), written for the helper; sklearn's forest becomes JSON data. */
const scripts = {
  'goal_a.py': `import sys
import runlens as mlflow
mlflow.set_experiment("mlflow_demo")
with mlflow.start_run() as run:
    mlflow.log_param("n_estimators", 100)
    mlflow.log_metric("mse", float(sys.argv[1]))
    mlflow.log_model({"trees": 100, "max_depth": 6}, name="random_forest_model")
print(run.info.run_id)
`,
  'extras.py': `import runlens as mlflow
mlflow.set_experiment("mlflow_demo")
mlflow.start_run(run_name="extras")
mlflow.log_metrics({"loss": 0.5, "acc": 0.9}, step=3)
mlflow.log_params({"lr": 0.01, "depth": 5, "optimizer": "adam"})
mlflow.set_tag("team", "ml")
for step in range(3):
    mlflow.log_metric("mse", 1 / (step + 1), step=step)
mlflow.end_run()
`,
  'register.py': `import sys
import runlens as mlflow
print(mlflow.register_model(f"runs:/{sys.argv[1]}/random_forest_model", "rf_model").version)
`,
};

/**
 * What the real client asked that the helper has no use for: MLflow 3 re-logs the run's metrics
 * linked to the new model (it reads each history first), and register_model first looks for the
 * model among the run's artifacts, where MLflow 2 kept it (the reply is empty in 3.x).
 */
const callsTheHelperLeavesOut = ['GET /api/2.0/mlflow-artifacts/artifacts', 'GET /api/2.0/mlflow/metrics/get-history'];

interface Pair {
  readonly key: string;
  readonly value: string;
}
interface RunJson {
  info: { run_id: string; run_name: string; status: string };
  data: { params?: Pair[]; tags?: Pair[]; metrics?: { key: string; value: number; step: number }[] };
  outputs?: { model_outputs?: { model_id: string }[] };
}
interface ModelJson {
  info: { model_id: string; name: string; status: string; source_run_id: string; artifact_uri: string; tags?: Pair[] };
  data?: { params?: Pair[] };
}

/** Every request's endpoint, with ids and artifact file names as placeholders. */
function endpoint(method: string, urlPath: string): string {
  const generic = urlPath
    .replace(/m-[0-9a-f]{32}/g, ':model')
    .replace(/[0-9a-f]{32}/g, ':run')
    .replace(/^(\/api\/2\.0\/mlflow-artifacts\/artifacts\/)\d+\//, '$1:experiment/')
    .replace(/(\/artifacts\/:experiment\/(?:models\/:model|:run)\/artifacts\/).+$/, '$1:file');
  return `${method} ${generic}`;
}

function toObject(pairs: readonly Pair[] | undefined, leaveOut: readonly string[] = []): Record<string, string> {
  return Object.fromEntries((pairs ?? []).filter((p) => !leaveOut.includes(p.key)).map((p) => [p.key, p.value]));
}

/**
 * The experiment as a server holds it, in terms both servers share: runs by their script
 * (mlflow.source.name), models by name. Left out: ids, times, the user (the recording's is root),
 * and the names the server generated for unnamed runs.
 */
async function holdings(client: HttpClient): Promise<unknown> {
  const api = async <T>(method: string, endpointPath: string, body?: unknown): Promise<T> => {
    const reply = await client.request(method, `/api/2.0/mlflow/${endpointPath}`, body === undefined ? {} : { json: body });
    assert.equal(reply.status, 200, `${endpointPath}: ${reply.text}`);
    return reply.json<T>();
  };
  const { experiment } = await api<{ experiment: { experiment_id: string } }>('GET', 'experiments/get-by-name?experiment_name=mlflow_demo');
  const { runs = [] } = await api<{ runs?: RunJson[] }>('POST', 'runs/search', { experiment_ids: [experiment.experiment_id] });
  const { models = [] } = await api<{ models?: ModelJson[] }>('POST', 'logged-models/search', { experiment_ids: [experiment.experiment_id] });
  const scriptOf = (runId: string) => toObject(runs.find((r) => r.info.run_id === runId)?.data.tags)['mlflow.source.name'];
  const modelName = (modelId: string) => models.find((m) => m.info.model_id === modelId)?.info.name;
  const summary: Record<string, unknown> = {};
  for (const r of runs) {
    const tags = toObject(r.data.tags, ['mlflow.user']);
    const named = r.info.run_name === 'extras';
    if (!named) delete tags['mlflow.runName'];
    const histories: Record<string, [number, number][]> = {};
    for (const metric of r.data.metrics ?? []) {
      const history = await api<{ metrics: { step: number; value: number }[] }>('GET', `metrics/get-history?run_id=${r.info.run_id}&metric_key=${metric.key}`);
      histories[metric.key] = history.metrics.map((p): [number, number] => [p.step, p.value]).sort((a, b) => a[0] - b[0]);
    }
    summary[`run ${tags['mlflow.source.name']}`] = {
      status: r.info.status,
      ...(named ? { name: r.info.run_name } : {}),
      params: toObject(r.data.params),
      latest: Object.fromEntries((r.data.metrics ?? []).map((m) => [m.key, [m.step, m.value]])),
      histories,
      tags,
      models: (r.outputs?.model_outputs ?? []).map((o) => modelName(o.model_id)),
    };
  }
  for (const m of models) {
    summary[`model ${m.info.name}`] = {
      status: m.info.status,
      run: scriptOf(m.info.source_run_id),
      params: toObject(m.data?.params),
      tags: toObject(m.info.tags, ['mlflow.user']),
    };
  }
  const { model_version: version } = await api<{ model_version: { version: string; status: string; current_stage: string; source: string; run_id: string } }>(
    'GET',
    'model-versions/get?name=rf_model&version=1',
  );
  const sourceModel = models.find((m) => version.source === `models:/${m.info.model_id}`);
  summary['version rf_model/1'] = { status: version.status, stage: version.current_stage, source: sourceModel?.info.name, run: scriptOf(version.run_id) };
  return summary;
}

describe('the runlens helper and the real MLflow client, on the same scripts', { skip: !hasPython && 'python3 is not installed' }, () => {
  const records = loadContract().filter((r) => phases.has(r.phase));
  let asMlflow: TestServer;
  let asRunlens: TestServer;
  let proxy: RecordingProxy;
  let tmp: string;

  before(async () => {
    [asMlflow, asRunlens] = await Promise.all([startTestServer(), startTestServer()]);
    proxy = await RecordingProxy.start(asRunlens.server.url);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'runlens-contract-'));
    for (const [name, text] of Object.entries(scripts)) writeFileSync(path.join(tmp, name), text);

    const ids = new IdMap();
    for (const record of records) {
      const reply = await sendRecorded(asMlflow.client, ids, record);
      assert.equal(reply.status, record.status, `replaying #${record.seq} ${record.path}: ${reply.text}`);
      if (reply.status === 200 && !isNonJsonBody(record.resp_body) && !isTruncatedJson(record.resp_body)) ids.learn(record.resp_body, reply.json());
    }

    const python = async (script: string, args: string[] = []) =>
      (
        await run('python3', [script, ...args], {
          cwd: tmp,
          env: { ...process.env, PYTHONPATH: pythonHelperPath, MLFLOW_TRACKING_URI: proxy.url, MLFLOW_TRACKING_TOKEN: asRunlens.token },
        })
      ).stdout.trim();
    const recordedMse = records.find((r) => r.phase === 'goal_a_script' && r.path.endsWith('/runs/log-metric'))?.req_body as { value: number };
    const modelRun = await python('goal_a.py', [String(recordedMse.value)]);
    await python('extras.py');
    assert.equal(await python('register.py', [modelRun]), '1');
  });

  after(async () => {
    await proxy?.close();
    await Promise.all([asMlflow?.close(), asRunlens?.close()]);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('both servers hold the same runs, params, metric histories, tags, logged model and registered version', async () => {
    const expected = await holdings(asMlflow.client);
    assert.deepEqual(await holdings(asRunlens.client), expected);
    // The comparison covers what the scripts logged: a sanity check that it is not comparing two empty stores.
    assert.deepEqual(Object.keys(expected as object).sort(), ['model random_forest_model', 'run extras.py', 'run goal_a.py', 'version rf_model/1']);
    const user = os.userInfo().username;
    const helperRuns = asRunlens.store.searchRuns({ experimentIds: ['1'] }).runs;
    assert.ok(helperRuns.every((r) => r.data.tags?.some((t) => t.key === 'mlflow.user' && t.value === user)), 'the helper records the user, as MLflow does');
  });

  test('the helper calls the endpoints the MLflow client called, with the same fields', () => {
    const recorded = records.map((r) => ({ endpoint: endpoint(r.method, r.path), body: r.req_body }));
    const proxied = proxy.requests.map((r) => ({ endpoint: endpoint(r.method, r.path), body: r.json }));
    const clientCalls = new Set(recorded.map((r) => r.endpoint));
    const helperCalls = new Set(proxied.map((r) => r.endpoint));
    assert.deepEqual([...helperCalls].filter((e) => !clientCalls.has(e)), [], 'calls MLflow never makes');
    assert.deepEqual([...clientCalls].filter((e) => !helperCalls.has(e)).sort(), callsTheHelperLeavesOut);

    // The fields each API endpoint was sent, over all its calls (run_uuid is the client's legacy twin
    // of run_id); artifact uploads are files, not fields.
    const fields = (calls: { endpoint: string; body: unknown }[]) => {
      const byEndpoint = new Map<string, Set<string>>();
      for (const call of calls) {
        if (typeof call.body !== 'object' || call.body === null || call.endpoint.includes('mlflow-artifacts')) continue;
        const keys = byEndpoint.get(call.endpoint) ?? new Set<string>();
        for (const key of Object.keys(call.body)) if (key !== 'run_uuid') keys.add(key);
        byEndpoint.set(call.endpoint, keys);
      }
      return Object.fromEntries([...byEndpoint].map(([e, keys]) => [e, [...keys].sort()]).sort());
    };
    assert.deepEqual(fields(proxied), fields(recorded));
  });

  test("the logged model's files: an MLmodel naming the model file beside it", async () => {
    const [model] = asRunlens.store.searchLoggedModels({ experimentIds: ['1'] }).models;
    const root = model.info.artifact_uri.replace(/^mlflow-artifacts:\/*/, '');
    const listing = await asRunlens.client.get(`/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(root)}`);
    assert.deepEqual(listing.json<{ files: { path: string }[] }>().files.map((f) => f.path).sort(), ['MLmodel', 'model.json']);
    const mlmodel = (await asRunlens.client.get(`/api/2.0/mlflow-artifacts/artifacts/${root}/MLmodel`)).text;
    assert.match(mlmodel, new RegExp(`^model_id: "${model.info.model_id}"$`, 'm'));
    assert.match(mlmodel, /^ {4}data: "model\.json"$/m);
    const data = (await asRunlens.client.get(`/api/2.0/mlflow-artifacts/artifacts/${root}/model.json`)).json();
    assert.deepEqual(data, { trees: 100, max_depth: 6 });
  });
});
