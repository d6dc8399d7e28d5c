// Issue 19, item 3: the `runlens` helper retries as MLflow's client does (mlflow/utils/request_utils.py):
// 408, 429 and 5xx replies and refused connections, with urllib3's exponential backoff (none before the
// first retry, then factor × 2^(n-1) seconds), Retry-After honoured, MLFLOW_HTTP_REQUEST_* settings;
// any other error at once. A real proxy on loopback injects the faults in front of a real server.
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { after, before, describe, test, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from '../server/support/testServer';
import { pythonHelperPath } from '../support/repoRoot';
import { RecordingProxy } from './support/recordingProxy';

const run = promisify(execFile);
const hasPython = spawnSync('python3', ['--version']).status === 0;

const unavailable = { status: 503, body: '{"error_code": "TEMPORARILY_UNAVAILABLE", "message": "restarting"}' };

describe('the runlens helper retries as MLflow\'s client does', { skip: !hasPython && 'python3 is not installed' }, () => {
  let remote: TestServer;

  before(async () => {
    remote = await startTestServer();
  });
  after(() => remote.close());

  async function proxyFor(t: TestContext): Promise<RecordingProxy> {
    const proxy = await RecordingProxy.start(remote.server.url);
    t.after(() => proxy.close());
    return proxy;
  }

  function env(proxy: RecordingProxy, settings: Record<string, string> = {}): NodeJS.ProcessEnv {
    return { ...process.env, PYTHONPATH: pythonHelperPath, MLFLOW_TRACKING_URI: proxy.url, MLFLOW_TRACKING_TOKEN: remote.token, ...settings };
  }

  const loggingScript = (experiment: string, before = '') => `import time
import runlens as mlflow
mlflow.set_experiment("${experiment}")
with mlflow.start_run(run_name="survivor") as run:
    print(run.info.run_id, flush=True)
${before}    for step in range(3):
        mlflow.log_metric("loss", 1 / (step + 1), step=step)
`;

  function history(runId: string): number[] {
    return remote.store.getMetricHistory(runId, 'loss').metrics.map((point) => point.step);
  }

  test('503s, then the server is back: the script survives, every point arrives, the waits grow exponentially', async (t) => {
    const proxy = await proxyFor(t);
    let failures = 0;
    proxy.intercept = (request) => (request.path.endsWith('/runs/log-metric') && failures++ < 2 ? unavailable : undefined);
    const { stdout, stderr } = await run('python3', ['-c', loggingScript('retry-503')], {
      env: env(proxy, { MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '1', MLFLOW_HTTP_REQUEST_BACKOFF_JITTER: '0' }),
    });
    const runId = stdout.trim();
    assert.deepEqual(history(runId), [0, 1, 2]);
    assert.equal(remote.store.getRun(runId).info.status, 'FINISHED');
    const attempts = proxy.requests.filter((r) => r.path.endsWith('/runs/log-metric')).slice(0, 3).map((r) => r.at);
    assert.ok(attempts[1] - attempts[0] < 1000, `the first retry is immediate (urllib3 waits 0): ${attempts[1] - attempts[0]} ms`);
    assert.ok(attempts[2] - attempts[1] >= 1900, `the second waits factor × 2 = 2 s: ${attempts[2] - attempts[1]} ms`);
    assert.match(stderr, /runs\/log-metric: status 503; retry 2 of 7/);
  });

  test('a server that is down for a moment (connection refused) and comes back: the script waits for it', async (t) => {
    const proxy = await proxyFor(t);
    // Under the default settings the third attempt comes 4 s after the second (plus up to 1 s of jitter).
    const child = spawn('python3', ['-c', loggingScript('retry-down', '    time.sleep(1)\n')], { env: env(proxy) });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('\n')) resolve();
      }),
    );
    await proxy.pause();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await proxy.resume();
    assert.equal(await exited, 0, stderr);
    const runId = stdout.trim();
    assert.deepEqual(history(runId), [0, 1, 2]);
    assert.equal(remote.store.getRun(runId).info.status, 'FINISHED');
    assert.match(stderr, /runs\/log-metric: .*refused.*; retry 1 of 7/i);
  });

  test('a 400 is not retried: the script stops at once with the server\'s error', async (t) => {
    const proxy = await proxyFor(t);
    proxy.intercept = (request) =>
      request.path.endsWith('/runs/log-parameter') ? { status: 400, body: '{"error_code": "INVALID_PARAMETER_VALUE", "message": "no"}' } : undefined;
    const script = 'import runlens as mlflow\nwith mlflow.start_run():\n    mlflow.log_param("lr", 0.1)\n';
    await assert.rejects(run('python3', ['-c', script], { env: env(proxy) }), (error: { stderr: string }) => {
      assert.match(error.stderr, /RunLensError: INVALID_PARAMETER_VALUE \(400\): no/);
      return true;
    });
    assert.equal(proxy.requests.filter((r) => r.path.endsWith('/runs/log-parameter')).length, 1);
  });

  test('429 waits as long as Retry-After says; after MLFLOW_HTTP_REQUEST_MAX_RETRIES the error is raised', async (t) => {
    const proxy = await proxyFor(t);
    proxy.intercept = (request) =>
      request.path.endsWith('/runs/log-parameter')
        ? { status: 429, body: '{"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "slow down"}', headers: { 'retry-after': '1' } }
        : undefined;
    const script = 'import runlens as mlflow\nwith mlflow.start_run():\n    mlflow.log_param("lr", 0.1)\n';
    await assert.rejects(run('python3', ['-c', script], { env: env(proxy, { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '2' }) }), (error: { stderr: string }) => {
      assert.match(error.stderr, /REQUEST_LIMIT_EXCEEDED \(429\): slow down/);
      return true;
    });
    const attempts = proxy.requests.filter((r) => r.path.endsWith('/runs/log-parameter')).map((r) => r.at);
    assert.equal(attempts.length, 3, 'the call and two retries');
    assert.ok(attempts[1] - attempts[0] >= 950, `Retry-After, where the backoff would be 0: ${attempts[1] - attempts[0]} ms`);
  });

  test('settings MLflow refuses are refused with the reason', async (t) => {
    const proxy = await proxyFor(t);
    const script = 'import runlens as mlflow\nmlflow.start_run()\n';
    await assert.rejects(run('python3', ['-c', script], { env: env(proxy, { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '10' }) }), (error: { stderr: string }) => {
      assert.match(error.stderr, /MLFLOW_HTTP_REQUEST_MAX_RETRIES must be at least 0 and below 10/);
      return true;
    });
    assert.equal(proxy.requests.length, 0);
  });
});
