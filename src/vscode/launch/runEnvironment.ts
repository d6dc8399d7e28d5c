import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { fingerprintPaths } from '../../capture/dataFingerprint';
import { captureInterpreter, isInterpreterFailure } from '../../capture/interpreterCapture';
import { freezePackages } from '../../capture/packageFreeze';
import { relativePosixPath } from '../../capture/relativePath';
import { CaptureTag } from '../../core/launches/captureTags';
import type { Run } from '../../core/entities';
import { environmentDiff, type EnvironmentDiff, type EnvironmentSide } from '../../core/launches/environmentDiff';
import { LaunchArtifact } from '../../core/launches/launchTags';
import type * as vscode from 'vscode';
import type { StoreAccess } from '../storeAccess';
import { artifactFile } from '../runs/runArtifactFiles';
import { chooseInterpreter } from './interpreterChoice';

/** The interpreter to compare a run with: its own (`runlens.python.path`) while that is on this machine, else the one chosen for `script`. */
export async function interpreterNowFor(run: Run, script: vscode.Uri): Promise<{ readonly path: string; readonly own: boolean }> {
  const ranWith = run.data.tags?.find((tag) => tag.key === CaptureTag.PythonPath)?.value;
  if (ranWith && existsSync(ranWith)) return { path: ranWith, own: true };
  return { path: (await chooseInterpreter(script)).path, own: false };
}

/**
 * The run's environment (its `runlens/requirements.txt`, Python version and data fingerprints)
 * against the same things now: the packages and version of `interpreter`, the data files hashed again.
 */
export async function runEnvironmentDiff(access: StoreAccess, run: Run, interpreter: string, cwd: string): Promise<EnvironmentDiff> {
  const then = environmentThen(access, run);
  const [requirementsThen, now] = await Promise.all([then.requirements, environmentNow(interpreter, cwd, then.data)]);
  const diff = environmentDiff({ ...then, requirements: requirementsThen }, now);
  // Inputs are recorded as file URIs; people read a data file by its place in the workspace.
  const shown = (file: string) => relativePosixPath(cwd, file) || file;
  return { ...diff, data: { changed: diff.data.changed.map(shown), missing: diff.data.missing.map(shown) } };
}

function environmentThen(access: StoreAccess, run: Run): Omit<EnvironmentSide, 'requirements'> & { requirements: Promise<string | undefined>; data: { path: string; sha256: string }[] } {
  const tags = Object.fromEntries((run.data.tags ?? []).map((t) => [t.key, t.value]));
  const listing = artifactFile(access, run, LaunchArtifact.Requirements);
  return {
    requirements: listing ? readFile(listing, 'utf8') : Promise.resolve(undefined),
    pythonVersion: tags[CaptureTag.PythonVersion],
    data: (run.inputs?.dataset_inputs ?? []).flatMap((input) => {
      const file = localPath(input.dataset.source);
      const sha256 = profileSha256(input.dataset.profile);
      return file && sha256 ? [{ path: file, sha256 }] : [];
    }),
  };
}

async function environmentNow(interpreter: string, cwd: string, data: readonly { path: string }[]): Promise<EnvironmentSide> {
  const [freeze, python, fingerprints] = await Promise.all([
    freezePackages(interpreter, { cwd }),
    captureInterpreter(interpreter, { cwd }),
    fingerprintPaths(cwd, data.map((file) => file.path)),
  ]);
  const hashes = new Map(fingerprints.fingerprints.map((fingerprint) => [fingerprint.path, fingerprint.sha256]));
  return {
    requirements: 'error' in freeze ? undefined : freeze.text,
    pythonVersion: isInterpreterFailure(python) ? undefined : python.version,
    data: data.map((file) => ({ path: file.path, sha256: hashes.get(file.path) })),
  };
}

/** The file a dataset input names, for the inputs a launch recorded (`{"uri": "file:///..."}`). */
function localPath(source: string): string | undefined {
  try {
    const uri = (JSON.parse(source) as { uri?: unknown }).uri;
    return typeof uri === 'string' && uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

function profileSha256(profile: string | undefined): string | undefined {
  try {
    const sha256 = (JSON.parse(profile ?? '') as { sha256?: unknown }).sha256;
    return typeof sha256 === 'string' ? sha256 : undefined;
  } catch {
    return undefined;
  }
}
