import path from 'node:path';
import { invalidParameter } from '../../../core/errors';
import type { ImportOptions, ImportSummary, ImportTarget, ImportUpdate } from '../../../importers/importMlflowData';
import { resolveMlflowSource } from '../../../importers/mlflowSource';
import type { OwnerJobKind } from './ownerJobRoutes';

/** Where a guest asks the owner to import MLflow data into the store: this, then `start`, `progress` or `cancel`. */
export const importJobPrefix = '/api/2.0/runlens/import/';

/** What `start` takes: the source on this machine (absolute) and what to do with its artifacts (default: copy). */
export interface ImportJobRequest {
  readonly source: string;
  readonly artifacts?: NonNullable<ImportOptions['artifacts']>;
}

/**
 * "Import MLflow Data…" in a guest window, run by the owner: it has the store open, and the source
 * is on the same machine. Cancelled, the import leaves the store and its artifacts as they were.
 */
export function importJobKind(target: ImportTarget): OwnerJobKind<ImportJobRequest, ImportUpdate, ImportSummary> {
  return {
    prefix: importJobPrefix,
    what: 'an import',
    parse: importRequestOf,
    // The importers (and yaml) load with the first import, not at every server start.
    run: async (request, signal, onProgress) =>
      (await import('../../../importers/importMlflowData')).importMlflowData(target, request.source, { artifacts: request.artifacts ?? 'copy', signal, onProgress }),
  };
}

/** The arguments of `start`, from untrusted JSON: an absolute path to MLflow data on this machine, and the artifact mode. */
export function importRequestOf(body: Readonly<Record<string, unknown>>): ImportJobRequest {
  const { source, artifacts } = body;
  if (typeof source !== 'string' || source === '') throw invalidParameter("'source' (the mlruns/ folder or mlflow.db to import) must be a non-empty string.");
  // The owner's working folder is not the guest's: a relative path would name another place.
  if (!path.isAbsolute(source)) throw invalidParameter(`'source' must be an absolute path on this machine, not '${source}'.`);
  if (artifacts !== undefined && artifacts !== 'copy' && artifacts !== 'reference') {
    throw invalidParameter("'artifacts' must be 'copy' (into the store) or 'reference' (leave them where they are).");
  }
  try {
    // Checked now, so that a wrong path is refused at once rather than as a failed job.
    resolveMlflowSource(source);
  } catch (error) {
    throw invalidParameter(`Cannot import '${source}': ${(error as Error).message}`);
  }
  return { source, artifacts: artifacts ?? 'copy' };
}
