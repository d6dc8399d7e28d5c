import { invalidParameter } from '../../core/errors';
import type { ArtifactEntry, ArtifactStore } from '../../core/store/artifactStore';
import { refuseDeclaredOversize } from '../body';
import type { Route } from '../route';
import { sendArtifact } from './artifacts/sendArtifact';
import { storePathOf } from './artifacts/artifactRoots';

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
      await artifacts.write(pathParams.path, req!);
      return {};
    },
  },
  {
    method: 'GET',
    path: `${artifactsBase}/*path`,
    raw: true,
    handler: ({ artifacts, pathParams, res }) => sendArtifact(res!, artifacts, pathParams.path),
  },
  {
    method: 'DELETE',
    path: `${artifactsBase}/*path`,
    handler: async ({ artifacts, pathParams }) => {
      await artifacts.delete(pathParams.path);
      return {};
    },
  },
  {
    method: 'GET',
    path: artifactsBase,
    handler: async ({ artifacts, query }) => filesReply(await artifacts.list(query.get('path') ?? '')),
  },
  {
    method: 'GET',
    path: '/api/2.0/mlflow/artifacts/list',
    handler: async ({ artifacts, store, query }) => {
      const runId = query.get('run_id') || query.get('run_uuid');
      if (!runId) throw invalidParameter("Missing value for required parameter 'run_id'.");
      const rootUri = store.getRun(runId).info.artifact_uri;
      return listUnder(artifacts, rootUri, query.get('path') ?? '');
    },
  },
  {
    method: 'GET',
    path: '/api/2.0/mlflow/logged-models/:modelId/artifacts/directories',
    handler: async ({ artifacts, store, pathParams, query }) => {
      const rootUri = store.getLoggedModel(pathParams.modelId).info.artifact_uri;
      return listUnder(artifacts, rootUri, query.get('artifact_directory_path') ?? '');
    },
  },
];

/** A listing relative to a run's or model's artifact root: paths include the listed folder. */
async function listUnder(
  artifacts: ArtifactStore,
  rootUri: string,
  relative: string,
): Promise<Record<string, unknown>> {
  const prefix = relative.replace(/^\/+|\/+$/g, '');
  const entries = await artifacts.list(joinPath(storePathOf(rootUri), prefix));
  const files = entries.map((entry) => ({ ...entry, path: joinPath(prefix, entry.path) }));
  return { root_uri: rootUri, ...filesReply(files) };
}

// proto3 JSON leaves out an empty repeated field: MLflow answers `{}` for an empty listing.
function filesReply(files: readonly ArtifactEntry[]): Record<string, unknown> {
  return files.length === 0 ? {} : { files };
}

function joinPath(a: string, b: string): string {
  return a === '' ? b : b === '' ? a : `${a}/${b}`;
}
