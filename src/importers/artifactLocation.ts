import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArtifactLocation } from './stagedImport';

/**
 * Finds an entity's artifacts on this machine. The recorded URI comes first when it names a local
 * folder (`file:` URIs, absolute paths, paths relative to `baseDir`); then the fallbacks, such as
 * the run's own `artifacts/` folder beside its meta.yaml: an mlruns/ folder that was moved or
 * copied from another machine still records the old absolute path. A local URI whose folder is
 * nowhere is unavailable with a reason (to report); a remote one (s3:, http:, a server's
 * mlflow-artifacts:) is unavailable with a reason only when no fallback holds it either.
 */
export async function locateArtifacts(uri: string, fallbacks: readonly string[], baseDir: string): Promise<ArtifactLocation> {
  const local = localPathOf(uri, baseDir);
  for (const candidate of local === undefined ? fallbacks : [local, ...fallbacks]) {
    if (await isFolder(candidate)) return { kind: 'folder', path: candidate };
  }
  if (local !== undefined) return { kind: 'unavailable', reason: `artifact folder not found: ${local}` };
  if (uri === '' || uri.startsWith('mlflow-artifacts:')) return { kind: 'unavailable' };
  return { kind: 'unavailable', reason: `artifacts at ${uri} are not on this machine; the URI is kept` };
}

/** The local path a URI names, or undefined for a URI with another scheme. */
function localPathOf(uri: string, baseDir: string): string | undefined {
  if (uri === '') return undefined;
  if (uri.startsWith('file:')) {
    try {
      // `file:/abs` (one slash) is what some MLflow versions wrote; URL reads it too.
      return fileURLToPath(new URL(uri));
    } catch {
      return undefined;
    }
  }
  if (path.isAbsolute(uri)) return uri;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri)) return undefined;
  return path.resolve(baseDir, uri);
}

async function isFolder(candidate: string): Promise<boolean> {
  try {
    return (await stat(candidate)).isDirectory();
  } catch {
    return false;
  }
}
