import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { launchEnvironment } from '../../../src/vscode/launch/launchEnvironment';

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
});
