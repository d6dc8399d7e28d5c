// The `runlens` helper's MLflow environment, as MLflow's client reads it: MLFLOW_RUN_ID resumed by the
// first start_run and unset at its end, MLFLOW_RUN_CONTEXT's tags on every new run, and basic auth
// from MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from '../server/support/testServer';
import { pythonHelperPath as helperPath } from '../support/repoRoot';

const run = promisify(execFile);
const hasPython = spawnSync('python3', ['--version']).status === 0;


function python(code: string, env: Record<string, string>) {
  return run('python3', ['-c', code], { env: { ...process.env, PYTHONPATH: helperPath, ...env } });
}

describe('the runlens helper in an MLflow launch environment', { skip: !hasPython && 'python3 is not installed' }, () => {
  let remote: TestServer;

  before(async () => {
    remote = await startTestServer();
  });
  after(() => remote.close());

  test('the first start_run resumes MLFLOW_RUN_ID once; later runs are new and carry MLFLOW_RUN_CONTEXT', async () => {
    const experimentId = remote.store.createExperiment({ name: 'resume' });
    const made = remote.store.createRun({ experimentId, runName: 'made-before' }).info.run_id;
    const code = [
      'import os, runlens as mlflow',
      'with mlflow.start_run() as first:',
      '    mlflow.log_param("p", "1")',
      'print(first.info.run_id, os.environ.get("MLFLOW_RUN_ID"))',
      'with mlflow.start_run() as second:',
      '    pass',
      'print(second.info.run_id)',
    ].join('\n');
    const { stdout } = await python(code, {
      MLFLOW_TRACKING_URI: remote.server.url,
      MLFLOW_TRACKING_TOKEN: remote.token,
      MLFLOW_RUN_ID: made,
      MLFLOW_EXPERIMENT_ID: experimentId,
      MLFLOW_RUN_CONTEXT: JSON.stringify({ 'runlens.launch.id': 'abc', 'mlflow.source.name': 'train.py' }),
    });
    const [firstLine, secondLine] = stdout.trim().split('\n');
    assert.equal(firstLine, `${made} None`, 'resumed, and unset at end_run');
    assert.notEqual(secondLine, made);
    const resumed = remote.store.getRun(made);
    assert.equal(resumed.info.status, 'FINISHED');
    assert.deepEqual(resumed.data.params, [{ key: 'p', value: '1' }]);
    const second = remote.store.getRun(secondLine);
    assert.equal(second.info.experiment_id, experimentId);
    const tags = Object.fromEntries((second.data.tags ?? []).map((tag) => [tag.key, tag.value]));
    assert.equal(tags['runlens.launch.id'], 'abc');
    assert.equal(tags['mlflow.source.name'], 'train.py', "the context's tags win over the helper's own guesses");
    assert.equal(tags['mlflow.source.type'], 'LOCAL');
  });

  test("resuming MLFLOW_RUN_ID with a run_name renames the run, as MLflow's client does (issue 19)", async () => {
    const experimentId = remote.store.createExperiment({ name: 'resume-named' });
    const made = remote.store.createRun({ experimentId }).info.run_id;
    const generated = remote.store.getRun(made).info.run_name;
    const code = [
      'import runlens as mlflow',
      'with mlflow.start_run(run_name="lr=0.05", tags={"phase": "resumed"}) as run:',
      '    print(run.info.run_name, run.data.tags["phase"])',
      'print(mlflow.last_active_run().info.status)',
    ].join('\n');
    const { stdout } = await python(code, {
      MLFLOW_TRACKING_URI: remote.server.url,
      MLFLOW_TRACKING_TOKEN: remote.token,
      MLFLOW_RUN_ID: made,
      MLFLOW_EXPERIMENT_ID: experimentId,
    });
    assert.equal(stdout, 'lr=0.05 resumed\nFINISHED\n', 'the active run reads its new name; last_active_run reads the ended run');
    const renamed = remote.store.getRun(made);
    assert.notEqual(generated, 'lr=0.05');
    assert.equal(renamed.info.run_name, 'lr=0.05');
    assert.equal(renamed.data.tags?.find((tag) => tag.key === 'mlflow.runName')?.value, 'lr=0.05');
  });

  test('resuming a run of another experiment than set_experiment chose is refused, as MLflow refuses it', async () => {
    const made = remote.store.createRun({ runName: 'in-default' }).info.run_id;
    const code = 'import runlens as mlflow\nmlflow.set_experiment("elsewhere")\nmlflow.start_run()\n';
    await assert.rejects(python(code, { MLFLOW_TRACKING_URI: remote.server.url, MLFLOW_TRACKING_TOKEN: remote.token, MLFLOW_RUN_ID: made }), (error: { stderr: string }) => {
      assert.match(error.stderr, new RegExp(`cannot resume run ${made}: it is in experiment 0`));
      return true;
    });
    assert.equal(remote.store.getRun(made).info.status, 'RUNNING', 'left as it was');
  });

  test('basic authentication when a user name and password are set, in place of the token', async (t) => {
    const seen: (string | undefined)[] = [];
    const server = createServer((request, response) => {
      seen.push(request.headers.authorization);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"run": {"info": {"run_id": "r", "experiment_id": "0"}}}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await python('import runlens\nrunlens.start_run()\n', {
      MLFLOW_TRACKING_URI: url,
      MLFLOW_TRACKING_TOKEN: 'token',
      MLFLOW_TRACKING_USERNAME: 'ana',
      MLFLOW_TRACKING_PASSWORD: 's3cret',
    });
    assert.deepEqual(seen, [`Basic ${Buffer.from('ana:s3cret').toString('base64')}`]);
  });
});
