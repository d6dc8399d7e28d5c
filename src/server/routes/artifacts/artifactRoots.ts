import { invalidParameter } from '../../../core/errors';
import { artifactPathSegments } from '../../../core/store/artifactStore';

const scheme = 'mlflow-artifacts:';

/**
 * The store-relative path behind an `mlflow-artifacts:` URI, the form this server gives every run
 * (`mlflow-artifacts:/<experiment>/<run>/artifacts`) and logged model
 * (`mlflow-artifacts:/<experiment>/models/<model>/artifacts`). The client turns such a URI into
 * requests on `/api/2.0/mlflow-artifacts/artifacts/<path>`.
 */
export function storePathOf(uri: string): string {
  if (!uri.startsWith(scheme)) {
    throw invalidParameter(`Artifacts at '${uri}' are not kept in this RunLens store.`);
  }
  let rest = uri.slice(scheme.length);
  // mlflow-artifacts://host:port/path names a server; the path is what matters here.
  if (rest.startsWith('//')) {
    const pathStart = rest.indexOf('/', 2);
    rest = pathStart === -1 ? '' : rest.slice(pathStart);
  }
  return artifactPathSegments(rest.replace(/^\/+/, '')).join('/');
}
