import type { StoreOperationArgs, StoreOperationName, StoreOperationResult } from '../core/store/storeOperations';
import { storeOperationPrefix } from '../server/routes/guest/guestRoutes';
import type { StoreAccess } from './storeAccess';

/** The owner process's server: its URL and its own token (from owner.json). */
export interface OwnerEndpoint {
  readonly url: string;
  readonly token: string;
}

/** What the owner answered when it refused: MLflow's `{error_code, message}`. */
export class OwnerRequestError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    /** For a dashboard request: the dashboards' own error code (`invalidFilter`, `notFound`...). */
    readonly dashboardCode?: string,
  ) {
    super(message);
  }
}

/** A bound on one request; the change feed's long poll waits longer (the owner answers it within 25 s). */
const requestTimeoutMs = 30_000;

/** Sends one request to the owner with its token and returns the parsed JSON reply; throws what it refused with. */
export async function ownerRequest(endpoint: OwnerEndpoint, path: string, body?: unknown, signal?: AbortSignal): Promise<unknown> {
  const timeout = AbortSignal.timeout(requestTimeoutMs);
  const response = await fetch(`${endpoint.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${endpoint.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  });
  const text = await response.text();
  let reply: unknown;
  try {
    reply = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new OwnerRequestError(response.status, 'INTERNAL_ERROR', `the RunLens process serving this store answered ${response.status} with no JSON`);
  }
  if (!response.ok) {
    const { error_code: code, message, dashboard_code: dashboardCode } = (reply ?? {}) as { error_code?: string; message?: string; dashboard_code?: string };
    throw new OwnerRequestError(response.status, code ?? 'INTERNAL_ERROR', message ?? `the RunLens process serving this store answered ${response.status}`, dashboardCode);
  }
  return reply;
}

/** The store as another RunLens process serves it: each call is one request to its private route. */
export function ownerAccess(endpoint: OwnerEndpoint, artifactsRoot: string): StoreAccess {
  return {
    artifactsRoot,
    call: async <K extends StoreOperationName>(name: K, args: StoreOperationArgs<K>) => {
      const reply = (await ownerRequest(endpoint, `${storeOperationPrefix}${name}`, args)) as { result: StoreOperationResult<K> };
      return reply.result;
    },
  };
}
