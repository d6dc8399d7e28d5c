// A training script written with Python's standard library only (urllib) logs a run with a model
// and reads it back through the REST API, as the MLflow client would; it asserts as it goes. Here
// we check that it succeeded and that the store holds what it logged.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from './support/repoRoot';
import { startTestServer, type TestServer } from './support/testServer';

const script = path.join(repoRoot(), 'test/fixtures/python/train_and_read.py');
const hasPython = spawnSync('python3', ['--version']).status === 0;

describe('a stdlib-only Python training script against the server', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  test('logs a run and a model, then finds, registers and downloads them', async (context) => {
    if (!hasPython) {
      context.skip('python3 is not installed: this test needs it to run test/fixtures/python/train_and_read.py');
      return;
    }
    const { stdout } = await promisify(execFile)('python3', [script], {
      env: { ...process.env, MLFLOW_TRACKING_URI: t.server.url, MLFLOW_TRACKING_TOKEN: t.token },
      timeout: 60_000,
    }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      assert.fail(`train_and_read.py failed:\n${error.stderr || error.stdout || error.message}`);
    });
    const logged = JSON.parse(stdout.trim().split('\n').at(-1)!) as { run_id: string; model_id: string; version: string };

    // What the script saw through the API is what the store holds.
    const run = t.db.get<{ status: string; name: string }>('SELECT status, name FROM runs WHERE run_id = ?', [logged.run_id]);
    assert.deepEqual(run, { status: 'FINISHED', name: 'stdlib-run' });
    const points = t.db.get<{ n: number }>("SELECT point_count AS n FROM latest_metrics WHERE run_id = ? AND key = 'loss'", [logged.run_id]);
    assert.equal(points?.n, 10);
    const nan = t.store.getMetricHistory(logged.run_id, 'grad_norm').metrics.find((point) => point.step === 1);
    assert.ok(Number.isNaN(nan?.value), 'NaN sent as a bare json.dumps literal is stored as NaN');
    const version = t.db.get<{ model_id: string }>("SELECT model_id FROM model_versions WHERE name = 'stdlib_registered' AND version = 1");
    assert.equal(version?.model_id, logged.model_id);
    assert.deepEqual(t.logged, []);
  });

  test('a mismatch makes the script fail (it does assert)', async (context) => {
    if (!hasPython) {
      context.skip('python3 is not installed');
      return;
    }
    // Run against the same store again: the experiment now exists, which the script's first check refuses.
    // (Asynchronously: this process serves the script's requests.)
    const failure = await promisify(execFile)('python3', [script], {
      env: { ...process.env, MLFLOW_TRACKING_URI: t.server.url, MLFLOW_TRACKING_TOKEN: t.token },
      timeout: 60_000,
    }).then(
      () => assert.fail('the script passed against a store it should have refused'),
      (error: { code?: number; stderr?: string }) => error,
    );
    assert.equal(failure.code, 1);
    assert.match(String(failure.stderr), /should start without this experiment/);
  });
});
