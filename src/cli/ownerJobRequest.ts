import os from 'node:os';
import type { OwnerJobRequest } from '../server/routes/guest/followOwnerJob';
import type { StoreOwner } from './storeCommandSupport';

/**
 * How a command (`runlens push`, `runlens import`) asks the process that owns the store to do its
 * work: requests to that process's server on loopback with the token it published in `owner.json`.
 * Refused when that process runs on another machine (it could not read this machine's paths, and its
 * address is not this loopback) or has not published its server yet. Says on stderr that it goes through it.
 */
export function ownerJobRequest(found: StoreOwner, command: string, doing: string): OwnerJobRequest {
  const { owner } = found;
  if (owner.hostname !== os.hostname()) throw new Error(`${found.message} Run this on that machine, or stop that process first.`);
  if (owner.port === undefined || owner.token === undefined) throw new Error(`${found.message} It is not serving the store yet; try again in a moment.`);
  const url = `http://127.0.0.1:${owner.port}`;
  const token = owner.token;
  console.error(`runlens ${command}: ${found.message} ${doing} through it (${url}).`);
  return async (route, body) => {
    const reply = await fetch(`${url}${route}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const answer = (await reply.json().catch(() => ({}))) as Record<string, unknown>;
    if (!reply.ok) throw new Error(`process ${owner.pid}: ${typeof answer.message === 'string' ? answer.message : `HTTP ${reply.status}`}`);
    return answer;
  };
}
