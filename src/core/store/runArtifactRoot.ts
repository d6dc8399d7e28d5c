import type { Run } from '../entities';
import { notFound } from '../errors';
import { artifactPathSegments } from './artifactStore';

const scheme = 'mlflow-artifacts:';

/**
 * The ArtifactStore path of a run's artifact root, from its `mlflow-artifacts:` URI (the form the
 * embedded server gives every run: `mlflow-artifacts:/<experiment>/<run>/artifacts`). Runs whose
 * artifacts live elsewhere (imported with an outside URI) have none here: undefined.
 */
export function storeRootOf(artifactUri: string): string | undefined {
  if (!artifactUri.startsWith(scheme)) return undefined;
  let rest = artifactUri.slice(scheme.length);
  // mlflow-artifacts://host:port/path names a server; the path is what matters here.
  if (rest.startsWith('//')) {
    const pathStart = rest.indexOf('/', 2);
    rest = pathStart === -1 ? '' : rest.slice(pathStart);
  }
  return artifactPathSegments(rest.replace(/^\/+/, '')).join('/');
}

/** The store path of one artifact of a run; `relativePath` is untrusted and checked by the same rules as uploads. */
export function storePathOf(artifactUri: string, relativePath: string): string {
  const root = storeRootOf(artifactUri);
  if (root === undefined) throw notFound(`This run's artifacts (${artifactUri}) are not kept in this RunLens store.`);
  const segments = artifactPathSegments(relativePath);
  return [root, ...segments].join('/');
}

/**
 * What purging removes on disk: the run's own folder (`<experiment>/<run>` holding `artifacts/`)
 * when its artifacts live in the store as the server lays them out, else just its artifact root.
 */
export function purgeablePath(run: Run): string | undefined {
  const root = storeRootOf(run.info.artifact_uri);
  if (root === undefined) return undefined;
  const suffix = `/${run.info.run_id}/artifacts`;
  return root.endsWith(suffix) ? root.slice(0, -'/artifacts'.length) : root;
}
