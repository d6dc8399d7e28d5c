import { invalidParameter } from '../../core/errors';
import { refuseDeclaredOversize } from '../body';
import type { Route } from '../route';
import { sendArtifact } from './artifacts/sendArtifact';
import { filesReply, listUnder } from './artifacts/rootListing';
import { safeArtifactPath } from './artifacts/safePath';

const artifactsBase = '/api/2.0/mlflow-artifacts/artifacts';

/**
 * MLflow's artifact service (`mlflow server --serve-artifacts`, on by default): raw-body uploads and
 * streamed downloads under the store's artifact root, plus the listings that the client and the UI
 * use for runs and logged models.
 */
export const artifactRoutes: readonly Route[] = [
  {
    method: 'PUT',
    path: `${artifactsBase}/*path`,
    raw: true,
    handler: async ({ artifacts, pathParams, req }) => {
      refuseDeclaredOversize(req!, artifacts.maxFileBytes, 'artifact');
      await artifacts.write(safeArtifactPath(pathParams.path), req!);
      return {};
    },
  },
  {
    method: 'GET',
    path: `${artifactsBase}/*path`,
    raw: true,
    handler: ({ artifacts, pathParams, res }) => sendArtifact(res!, artifacts, safeArtifactPath(pathParams.path)),
  },
  {
    method: 'DELETE',
    path: `${artifactsBase}/*path`,
    handler: async ({ artifacts, pathParams }) => {
      await artifacts.delete(safeArtifactPath(pathParams.path));
      return {};
    },
  },
  {
    method: 'GET',
    path: artifactsBase,
    handler: async ({ artifacts, query }) => filesReply(await artifacts.list(safeArtifactPath(query.get('path') ?? ''))),
  },
  {
    method: 'GET',
    path: '/api/2.0/mlflow/artifacts/list',
    handler: async ({ artifacts, store, query }) => {
      const runId = query.get('run_id') || query.get('run_uuid');
      if (!runId) throw invalidParameter("Missing value for required parameter 'run_id'.");
      const rootUri = store.getRun(runId).info.artifact_uri;
      return listUnder(artifacts, rootUri, safeArtifactPath(query.get('path') ?? ''));
    },
  },
  {
    method: 'GET',
    path: '/api/2.0/mlflow/logged-models/:modelId/artifacts/directories',
    handler: async ({ artifacts, store, pathParams, query }) => {
      const rootUri = store.getLoggedModel(pathParams.modelId).info.artifact_uri;
      return listUnder(artifacts, rootUri, safeArtifactPath(query.get('artifact_directory_path') ?? ''));
    },
  },
];
