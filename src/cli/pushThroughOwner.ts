import type { PushSummary } from '../remote/push/pushRuns';
import type { RemoteServer } from '../remote/client/remoteServer';
import { followOwnerJob } from '../server/routes/guest/followOwnerJob';
import { pushJobPrefix, pushRequest, type PushUpdate } from '../server/routes/pushRoute';
import { ownerJobRequest } from './ownerJobRequest';
import { progressPrinter, type StoreOwner } from './storeCommandSupport';

/**
 * `runlens push` while a VS Code window (or `runlens serve`) owns the store: the owner pushes with
 * the store it has open, and this prints its progress and the summary. Aborting `signal` (Ctrl+C)
 * cancels the owner's push; pushing again resumes it.
 */
export async function pushThroughOwner(
  found: StoreOwner,
  server: RemoteServer,
  selection: { readonly experiments: readonly string[]; readonly runs: readonly string[]; readonly models: readonly string[] },
  signal: AbortSignal,
): Promise<PushSummary> {
  const request = ownerJobRequest(found, 'push', 'Pushing');
  const what = { experiments: selection.experiments, runIds: selection.runs, models: selection.models };
  return followOwnerJob<PushUpdate, PushSummary>(request, pushJobPrefix, pushRequest(server, what), { signal, onProgress: progressPrinter('runlens push:') });
}
