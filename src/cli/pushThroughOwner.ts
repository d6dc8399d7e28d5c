import os from 'node:os';
import type { PushSummary } from '../remote/push/pushRuns';
import type { RemoteServer } from '../remote/client/remoteServer';
import { followOwnerJob } from '../server/routes/guest/followOwnerJob';
import { pushJobPrefix, pushRequest, type PushUpdate } from '../server/routes/pushRoute';
import { progressPrinter, type StoreOwner } from './storeCommandSupport';

/**
 * `runlens push` while a VS Code window (or `runlens serve`) owns the store: the owner pushes with
 * the store it has open, asked through its tracking server (the address and token it published in
 * `owner.json`), and this prints its progress and the summary. Aborting `signal` (Ctrl+C) cancels
 * the owner's push; pushing again resumes it.
 */
export async function pushThroughOwner(
  found: StoreOwner,
  server: RemoteServer,
  selection: { readonly experiments: readonly string[]; readonly runs: readonly string[]; readonly models: readonly string[] },
  signal: AbortSignal,
): Promise<PushSummary> {
  const { owner } = found;
  if (owner.hostname !== os.hostname()) throw new Error(`${found.message} Push from that machine, or stop that process first.`);
  if (owner.port === undefined || owner.token === undefined) throw new Error(`${found.message} It is not serving the store yet; try again in a moment.`);
  const url = `http://127.0.0.1:${owner.port}`;
  const token = owner.token;
  console.error(`runlens push: ${found.message} Pushing through it (${url}).`);
  const request = async (route: string, body?: unknown): Promise<unknown> => {
    const reply = await fetch(`${url}${route}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const answer = (await reply.json().catch(() => ({}))) as Record<string, unknown>;
    if (!reply.ok) throw new Error(`process ${owner.pid} could not push: ${typeof answer.message === 'string' ? answer.message : `HTTP ${reply.status}`}`);
    return answer;
  };
  const what = { experiments: selection.experiments, runIds: selection.runs, models: selection.models };
  return followOwnerJob<PushUpdate, PushSummary>(request, pushJobPrefix, pushRequest(server, what), { signal, onProgress: progressPrinter('runlens push:') });
}
