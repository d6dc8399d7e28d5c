import { request } from 'node:http';
import os from 'node:os';
import type { OwnerInfo } from '../core/store/ownership';
import { signInPath } from '../server/server';

/** What the process named in `owner.json` turned out to be. */
export type OwnerVerdict =
  /** A RunLens server that knows the recorded token; `signInPath` when it serves dashboards. */
  | { readonly kind: 'runlens'; readonly signInPath?: string }
  /** Not a RunLens server for this store (nothing listens there, or it does not know the token). */
  | { readonly kind: 'stranger'; readonly why: string }
  /** Cannot tell: on another host, not published yet, or it does not answer. */
  | { readonly kind: 'unsure'; readonly why: string };

const probeTimeoutMs = 3000;

/**
 * A live pid in `owner.json` proves little: after a crash the pid may belong to any process now. A
 * RunLens owner publishes its server's port and token, so ask that server: it must refuse a request
 * without the token (401) and answer one with it. Anything else listening there, or nothing, is a
 * stranger whose claim may be taken over.
 */
export async function probeOwner(owner: OwnerInfo): Promise<OwnerVerdict> {
  if (owner.hostname !== os.hostname()) return { kind: 'unsure', why: `it runs on another host, ${owner.hostname}` };
  if (owner.port === undefined || owner.token === undefined) return { kind: 'unsure', why: 'it has not published a server yet' };
  try {
    const anonymous = await call(owner.port, 'GET', '/health');
    const authorized = await call(owner.port, 'GET', '/health', owner.token);
    if (anonymous.status !== 401 || authorized.status !== 200) {
      return { kind: 'stranger', why: `what listens on port ${owner.port} is not a RunLens server with the recorded token` };
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET') return { kind: 'stranger', why: `nothing that answers as RunLens listens on port ${owner.port}` };
    return { kind: 'unsure', why: `its server on port ${owner.port} does not answer (${error instanceof Error ? error.message : String(error)})` };
  }
  const signIn = await call(owner.port, 'POST', signInPath, owner.token).catch(() => undefined);
  const path = signIn?.status === 200 ? (JSON.parse(signIn.body) as { path?: unknown }).path : undefined;
  return { kind: 'runlens', ...(typeof path === 'string' ? { signInPath: path } : {}) };
}

function call(port: number, method: string, path: string, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        timeout: probeTimeoutMs,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(method === 'POST' ? { 'content-type': 'application/json', 'content-length': 2 } : {}) },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk.length + body.length < 65536 ? chunk : ''));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${probeTimeoutMs} ms`)));
    req.on('error', reject);
    req.end(method === 'POST' ? '{}' : undefined);
  });
}
