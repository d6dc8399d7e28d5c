import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MlflowError } from '../../../src/core/errors';
import type { Route } from '../../../src/server/route';
import { Router } from '../../../src/server/router';

const route = (method: Route['method'], path: string): Route => ({ method, path, handler: () => path });

describe('Router', () => {
  const routes = [
    route('GET', '/api/2.0/mlflow/runs/get'),
    route('POST', '/api/2.0/mlflow/runs/get'),
    route('GET', '/api/2.0/mlflow/logged-models/:modelId'),
    route('DELETE', '/api/2.0/mlflow/logged-models/:modelId/tags/:key'),
    route('PUT', '/api/2.0/mlflow-artifacts/artifacts/*path'),
  ];
  const router = new Router(routes);

  test('matches static paths by method', () => {
    assert.equal(router.match('GET', '/api/2.0/mlflow/runs/get')?.route, routes[0]);
    assert.equal(router.match('POST', '/api/2.0/mlflow/runs/get')?.route, routes[1]);
    assert.equal(router.match('DELETE', '/api/2.0/mlflow/runs/get'), undefined);
    assert.equal(router.match('GET', '/api/2.0/mlflow/runs/get/'), undefined);
  });

  test('binds :name segments, percent-decoded', () => {
    const match = router.match('DELETE', '/api/2.0/mlflow/logged-models/m-1/tags/a%20b%2Fc');
    assert.equal(match?.route, routes[3]);
    assert.deepEqual(match?.pathParams, { modelId: 'm-1', key: 'a b/c' });
    assert.equal(router.match('GET', '/api/2.0/mlflow/logged-models/'), undefined);
    assert.equal(router.match('GET', '/api/2.0/mlflow/logged-models/m-1/extra'), undefined);
  });

  test('gives a *rest segment the rest of the path, decoded as a whole', () => {
    assert.deepEqual(router.match('PUT', '/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/a%2e%2e%2Fb.txt')?.pathParams, {
      path: '1/r/artifacts/a../b.txt',
    });
    assert.equal(router.match('PUT', '/api/2.0/mlflow-artifacts/artifacts/'), undefined);
    assert.equal(router.match('PUT', '/api/2.0/mlflow-artifacts/artifacts'), undefined);
  });

  test('refuses malformed percent-encoding as a client error', () => {
    assert.throws(
      () => router.match('GET', '/api/2.0/mlflow/logged-models/%zz'),
      (error: unknown) => MlflowError.is(error, 'INVALID_PARAMETER_VALUE'),
    );
  });

  test('refuses a route table with a duplicate or a *rest segment that is not last', () => {
    assert.throws(() => new Router([route('GET', '/a'), route('GET', '/a')]), /defined twice/);
    assert.throws(() => new Router([route('GET', '/a/*rest/b')]), /must come last/);
  });
});
