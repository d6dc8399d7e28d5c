import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { storePathOf } from '../../../src/server/routes/artifacts/artifactRoots';

describe('storePathOf', () => {
  test('takes the path of every mlflow-artifacts URI form the client writes', () => {
    assert.equal(storePathOf('mlflow-artifacts:/1/abc/artifacts'), '1/abc/artifacts');
    assert.equal(storePathOf('mlflow-artifacts:///1/models/m-1/artifacts'), '1/models/m-1/artifacts');
    assert.equal(storePathOf('mlflow-artifacts://127.0.0.1:5000/2/r/artifacts'), '2/r/artifacts');
    assert.equal(storePathOf('mlflow-artifacts:/0'), '0');
  });

  test('refuses other schemes and paths that would leave the store', () => {
    assert.throws(() => storePathOf('file:///tmp/mlruns/1/abc/artifacts'), /not kept in this RunLens store/);
    assert.throws(() => storePathOf('s3://bucket/1/abc'), /not kept in this RunLens store/);
    assert.throws(() => storePathOf('mlflow-artifacts:/1/../../etc'), /'\.\.' segments/);
  });
});
