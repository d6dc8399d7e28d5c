import type { LaunchRecorder } from '../core/launches/launchRecorder';
import { LaunchArtifact } from '../core/launches/launchTags';
import type { CaptureRecord } from './captureRecord';
import { freezePackages } from './packageFreeze';

/**
 * The launch's package listing, taken while the script already runs (it takes about a second): its
 * hash becomes a tag and its text an artifact of every run of the launch, or the failure is said in
 * the capture. Nothing is written once `signal` aborted (the launcher is going away).
 */
export async function recordPackages(
  recorder: LaunchRecorder,
  record: CaptureRecord,
  interpreter: string,
  where: { readonly env: NodeJS.ProcessEnv; readonly cwd: string; readonly signal: AbortSignal },
): Promise<void> {
  const result = await freezePackages(interpreter, where);
  if (where.signal.aborted) return;
  if ('error' in result) {
    recorder.updateCapture(record.launchId, { ...record, environment: { error: result.error } });
    return;
  }
  const { sha256, packageCount, source } = result;
  recorder.updateCapture(record.launchId, { ...record, environment: { sha256, packageCount, source } });
  await recorder.addFile(record.launchId, LaunchArtifact.Requirements, result.text);
}
