import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalidParameter, MlflowError } from '../../errors';

/**
 * A model version's source, checked and resolved to where its artifacts are (`storage_location`),
 * as MLflow's registry does: `models:/<model_id>` through the logged model, `models:/<name>/<version>`
 * (or `/<stage>`, `/latest`, `@<alias>`) through the registry, `runs:/<run_id>/<path>` through the
 * run's artifact root. Local paths must lie inside the run's or logged model's artifacts, and no
 * source may climb with `..` (also when percent-encoded) or carry NUL.
 */

/** A reference to a registered model's version inside a `models:/` URI. */
export type RegistryReference =
  | { readonly name: string; readonly version: number }
  | { readonly name: string; readonly stage: string }
  | { readonly name: string; readonly alias: string }
  | { readonly name: string; readonly latest: true };

export interface SourceLookups {
  loggedModel(modelId: string): { readonly artifactLocation: string; readonly sourceRunId: string } | undefined;
  runArtifactUri(runId: string): string | undefined;
  /** The storage location of the version the reference names; throws when there is none. */
  registryLocation(reference: RegistryReference): string;
}

export interface ResolvedSource {
  readonly storageLocation: string;
  readonly runId: string;
  readonly modelId: string;
}

export function resolveSource(
  source: string,
  ids: { readonly runId: string; readonly modelId: string },
  lookups: SourceLookups,
): ResolvedSource {
  const scheme = uriScheme(source);
  if (scheme === undefined || scheme === 'file') {
    checkLocalSource(source, ids, lookups);
    return { storageLocation: source, ...ids };
  }
  checkNoClimbing(source);
  if (scheme === 'models') return resolveModelsUri(source, ids, lookups);
  if (scheme === 'runs') return resolveRunsUri(source, ids, lookups);
  return { storageLocation: source, ...ids };
}

function resolveModelsUri(
  source: string,
  ids: { readonly runId: string; readonly modelId: string },
  lookups: SourceLookups,
): ResolvedSource {
  const reference = parseModelsUri(source);
  if ('modelId' in reference) {
    const model = lookups.loggedModel(reference.modelId);
    if (!model) {
      throw invalidParameter(
        `Unable to fetch model from model URI source artifact location '${source}'. ` +
          `Error: Logged model with ID '${reference.modelId}' not found.`,
      );
    }
    return {
      storageLocation: model.artifactLocation,
      runId: ids.runId || model.sourceRunId,
      modelId: ids.modelId || reference.modelId,
    };
  }
  try {
    return { storageLocation: lookups.registryLocation(reference), ...ids };
  } catch (error) {
    if (!MlflowError.is(error)) throw error;
    throw invalidParameter(`Unable to fetch model from model URI source artifact location '${source}'. Error: ${error.message}`);
  }
}

function resolveRunsUri(
  source: string,
  ids: { readonly runId: string; readonly modelId: string },
  lookups: SourceLookups,
): ResolvedSource {
  const match = /^runs:\/+([^/]+)(?:\/(.*))?$/.exec(source);
  if (!match) {
    throw invalidParameter(`Invalid runs URI '${source}'. Expected runs:/<run_id>/<artifact path>.`);
  }
  const [, runId, artifactPath = ''] = match;
  const artifactUri = lookups.runArtifactUri(runId);
  // A run this store does not hold (another tracking server's) keeps its URI as the location.
  const storageLocation = artifactUri === undefined ? source : joinUri(artifactUri, artifactPath);
  return { storageLocation, runId: ids.runId || runId, modelId: ids.modelId };
}

/** MLflow's model URIs: `models:/<model_id>`, `models:/<name>/<version|stage|latest>`, `models:/<name>@<alias>`. */
function parseModelsUri(uri: string): RegistryReference | { readonly modelId: string } {
  const invalid = () =>
    invalidParameter(
      `Not a proper models:/ URI: '${uri}'. Models URIs must be of the form 'models:/model_name/suffix', ` +
        "'models:/model_name@alias' or 'models:/model_id'.",
    );
  const pathPart = uri.slice('models:'.length).replace(/^\/+/, '');
  const parts = pathPart.split('/');
  if (pathPart === '' || parts.length > 2 || parts[0].trim() === '') throw invalid();
  if (parts.length === 2) {
    const [name, suffix] = parts;
    if (suffix === '') throw invalid();
    if (/^\d+$/.test(suffix)) return { name, version: Number.parseInt(suffix, 10) };
    if (suffix.toLowerCase() === 'latest') return { name, latest: true };
    return { name, stage: suffix };
  }
  const at = parts[0].lastIndexOf('@');
  if (at >= 0) {
    const name = parts[0].slice(0, at);
    const alias = parts[0].slice(at + 1);
    if (name === '' || alias === '') throw invalid();
    return { name, alias };
  }
  return { modelId: parts[0] };
}

function checkLocalSource(
  source: string,
  ids: { readonly runId: string; readonly modelId: string },
  lookups: SourceLookups,
): void {
  const [owner, root] = ids.modelId
    ? ['model_id', lookups.loggedModel(ids.modelId)?.artifactLocation]
    : ['run_id', ids.runId ? lookups.runArtifactUri(ids.runId) : undefined];
  const directory = root === undefined ? undefined : localPath(root);
  const target = localPath(source);
  if (directory !== undefined && target !== undefined) {
    if (target === directory || target.startsWith(directory + path.sep)) return;
  }
  throw invalidParameter(
    `Invalid model version source: '${source}'. To use a local path as a model version source, the ${owner} ` +
      `request parameter has to be specified and the local path has to be contained within the artifact ` +
      `directory of the ${owner === 'run_id' ? 'run' : 'logged model'} specified by the ${owner}.`,
  );
}

function checkNoClimbing(source: string): void {
  let decoded = source;
  for (let previous = ''; previous !== decoded; ) {
    previous = decoded;
    decoded = safeDecode(decoded.replace(/\+/g, ' '));
  }
  if (decoded.includes('\0') || decoded.split(/[/\\]/).some((segment) => segment === '..')) {
    throw invalidParameter(
      `Invalid model version source: '${source}'. If supplying a source as an http, https, local file path, ` +
        'ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path ' +
        'references present. Please provide an absolute path.',
    );
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The URI's scheme in lower case, or undefined for a plain path (a one-letter "scheme" is a Windows drive). */
function uriScheme(uri: string): string | undefined {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri);
  return match && match[1].length > 1 ? match[1].toLowerCase() : undefined;
}

/** The absolute local path a plain path or file: URI names; undefined for other URIs and bad file: URIs. */
function localPath(uriOrPath: string): string | undefined {
  const scheme = uriScheme(uriOrPath);
  if (scheme === undefined) return path.resolve(uriOrPath);
  if (scheme !== 'file') return undefined;
  try {
    return path.resolve(fileURLToPath(uriOrPath));
  } catch {
    return undefined;
  }
}

function joinUri(base: string, relative: string): string {
  if (relative === '') return base;
  return `${base.replace(/\/+$/, '')}/${relative.replace(/^\/+/, '')}`;
}
