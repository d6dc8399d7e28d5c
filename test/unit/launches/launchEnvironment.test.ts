import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { launchEnvironment } from '../../../src/core/launches/launchEnvironment';

const options = { trackingUri: 'http://127.0.0.1:5000', token: 't'.repeat(43), helperPath: '/ext/dist/python' };

describe('the environment of a launched script', () => {
  test("points MLflow at the workspace's server with the launch token and puts the helper first on PYTHONPATH", () => {
    const env = launchEnvironment({ PATH: '/usr/bin', PYTHONPATH: '/mine', MLFLOW_TRACKING_URI: 'http://remote' }, options);
    assert.equal(env.MLFLOW_TRACKING_URI, 'http://127.0.0.1:5000');
    assert.equal(env.MLFLOW_TRACKING_TOKEN, options.token);
    assert.equal(env.PYTHONPATH, ['/ext/dist/python', '/mine'].join(path.delimiter));
    assert.equal(env.PYTHONUNBUFFERED, '1');
    assert.equal(env.PATH, '/usr/bin');
    assert.equal(env.MLFLOW_EXPERIMENT_NAME, undefined);
  });

  test('drops inherited variables that would log elsewhere, and names the experiment only when it is not Default', () => {
    const inherited = {
      MLFLOW_TRACKING_USERNAME: 'u',
      MLFLOW_TRACKING_PASSWORD: 'p',
      MLFLOW_RUN_ID: 'r',
      MLFLOW_EXPERIMENT_ID: '7',
      MLFLOW_EXPERIMENT_NAME: 'theirs',
      MLFLOW_REGISTRY_URI: 'databricks',
    };
    const env = launchEnvironment(inherited, { ...options, experiment: 'Default' });
    for (const name of Object.keys(inherited)) assert.equal(env[name], undefined, name);
    assert.equal(launchEnvironment({}, { ...options, experiment: 'sweeps' }).MLFLOW_EXPERIMENT_NAME, 'sweeps');
    assert.equal(launchEnvironment({}, options).PYTHONPATH, '/ext/dist/python');
  });

  test('a launch to a remote server: its URL and credentials, the run to resume, its experiment by id, and the tags every new run gets', () => {
    const remote = { trackingUri: 'https://mlflow.example.com', helperPath: '/ext/dist/python', run: { runId: 'r'.repeat(32), experimentId: '7' } };
    const inherited = { MLFLOW_TRACKING_TOKEN: 'from-vscode', MLFLOW_RUN_CONTEXT: '{"other": "launcher"}' };
    const basic = launchEnvironment(inherited, { ...remote, basicAuth: { username: 'ana', password: 's3cret' }, experiment: 'ignored', runTags: { 'runlens.launch.id': 'abc' } });
    assert.equal(basic.MLFLOW_TRACKING_URI, 'https://mlflow.example.com');
    assert.equal(basic.MLFLOW_TRACKING_USERNAME, 'ana');
    assert.equal(basic.MLFLOW_TRACKING_PASSWORD, 's3cret');
    assert.equal(basic.MLFLOW_TRACKING_TOKEN, undefined, "VS Code's own token is not sent to the server");
    assert.equal(basic.MLFLOW_RUN_ID, 'r'.repeat(32));
    assert.equal(basic.MLFLOW_EXPERIMENT_ID, '7');
    assert.equal(basic.MLFLOW_EXPERIMENT_NAME, undefined, 'the id alone: MLflow refuses a name and an id that disagree');
    assert.deepEqual(JSON.parse(basic.MLFLOW_RUN_CONTEXT ?? ''), { 'runlens.launch.id': 'abc' });
    const token = launchEnvironment({}, { ...remote, token: 'team-token' });
    assert.equal(token.MLFLOW_TRACKING_TOKEN, 'team-token');
    assert.equal(token.MLFLOW_TRACKING_USERNAME, undefined);
    assert.equal(launchEnvironment(inherited, options).MLFLOW_RUN_CONTEXT, undefined);
  });
});
