import os from 'node:os';
import type { PushSummary } from '../remote/push/pushRuns';
import type { RemoteServer } from '../remote/client/remoteServer';
import { pushPath, type PushRequest } from '../server/routes/pushRoute';
import type { StoreOwner } from './storeCommandSupport';

/**
 * `runlens push` while a VS Code window (or `runlens serve`) owns the store: the owner pushes with
 * the store it has open, asked through its tracking server (the address and token it published in
 * `owner.json`), and answers with the summary. Aborting `signal` (Ctrl+C) disconnects, which stops
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
  const url = `http://127.0.0.1:${owner.port}${pushPath}`;
  console.error(`runlens push: ${found.message} Pushing through it (${url}).`);
  const request: PushRequest = {
    to: server.url,
    ...(server.token ? { token: server.token } : {}),
    ...(server.username ? { username: server.username, password: server.password ?? '' } : {}),
    experiments: selection.experiments,
    runs: selection.runs,
    models: selection.models,
  };
  const reply = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(request),
    signal,
  });
  const body = (await reply.json().catch(() => ({}))) as Record<string, unknown>;
  if (!reply.ok) throw new Error(`process ${owner.pid} could not push: ${typeof body.message === 'string' ? body.message : `HTTP ${reply.status}`}`);
  return body as unknown as PushSummary;
}
