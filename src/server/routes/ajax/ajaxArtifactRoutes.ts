import { Readable } from 'node:stream';
import { ErrorCode, MlflowError, invalidParameter } from '../../../core/errors';
import { readCapped } from '../../body';
import type { Route } from '../../route';
import { storePathOf } from '../artifacts/artifactRoots';
import { joinPath } from '../artifacts/rootListing';
import { safeArtifactPath } from '../artifacts/safePath';
import { sendArtifact } from '../artifacts/sendArtifact';

/** MLflow's `upload-artifact` takes at most 10 MB, read whole. */
const maxUploadBytes = 10 * 1024 * 1024;

/**
 * The artifact downloads and the upload that MLflow's web UI uses, outside the artifact service:
 * `/get-artifact` (a run's file), `/model-versions/get-artifact` (a registered version's file),
 * `/ajax-api/2.0/mlflow/logged-models/<id>/artifacts/files` and `/ajax-api/2.0/mlflow/upload-artifact`.
 */
export const ajaxArtifactRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/get-artifact',
    raw: true,
    handler: ({ store, artifacts, query, res }) => {
      const path = safeArtifactPath(requiredQuery(query, 'path'));
      const runId = query.get('run_id') || query.get('run_uuid') || '';
      const rootUri = store.getRun(runId).info.artifact_uri;
      return sendArtifact(res!, artifacts, joinPath(storePathOf(rootUri), path));
    },
  },
  {
    method: 'GET',
    path: '/model-versions/get-artifact',
    raw: true,
    handler: ({ registry, artifacts, query, res }) => {
      const path = safeArtifactPath(requiredQuery(query, 'path'));
      const rootUri = registry.getModelVersionDownloadUri(query.get('name') ?? '', query.get('version') ?? '');
      return sendArtifact(res!, artifacts, joinPath(storePathOf(rootUri), path));
    },
  },
  {
    method: 'GET',
    path: '/ajax-api/2.0/mlflow/logged-models/:modelId/artifacts/files',
    raw: true,
    handler: ({ store, artifacts, query, pathParams, res }) => {
      const path = query.get('artifact_file_path');
      if (!path) throw new MlflowError(ErrorCode.BadRequest, 'Request must include the "artifact_file_path" query parameter.');
      safeArtifactPath(path);
      const rootUri = store.getLoggedModel(pathParams.modelId).info.artifact_uri;
      return sendArtifact(res!, artifacts, joinPath(storePathOf(rootUri), path));
    },
  },
  {
    method: 'POST',
    path: '/ajax-api/2.0/mlflow/upload-artifact',
    raw: true,
    handler: async ({ store, artifacts, query, req, res }) => {
      const runId = query.get('run_uuid');
      if (!runId) throw invalidParameter('Request must specify run_uuid.');
      const path = query.get('path');
      if (!path) throw invalidParameter('Request must specify path.');
      safeArtifactPath(path);
      if (Number(req!.headers['content-length'] ?? 0) > maxUploadBytes) {
        throw invalidParameter('Artifact size is too large. Max size is 10MB.');
      }
      const data = await readCapped(req!, maxUploadBytes);
      if (data.length === 0) throw invalidParameter('Request must specify data.');
      const rootUri = store.getRun(runId).info.artifact_uri;
      await artifacts.write(joinPath(storePathOf(rootUri), path), Readable.from([data]));
      // MLflow answers an empty body typed as JSON.
      res!.writeHead(200, { 'content-type': 'application/json', 'content-length': 0 });
      res!.end();
    },
  },
];

// Flask answers a missing required query argument with its own 400 page; RunLens with MLflow's JSON error shape.
function requiredQuery(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (value === null) throw new MlflowError(ErrorCode.BadRequest, `Missing value for required parameter '${name}'.`);
  return value;
}
