import { ErrorCode, MlflowError } from '../../core/errors';
import { pushRuns, type PushSelection, type PushSource, type PushSummary } from '../../remote/push/pushRuns';
import { normalizeServerUrl, type RemoteServer } from '../../remote/client/remoteServer';
import type { OwnerJobKind } from './guest/ownerJobRoutes';

/** Where a guest (a VS Code window, `runlens push`) asks the process that owns the store to push: this, then `start`, `progress` or `cancel`. */
export const pushJobPrefix = '/api/2.0/runlens/push/';

/** What `start` takes: the server to push to, its credentials, and which runs and registered models. */
export interface PushRequest {
  readonly to: string;
  readonly token?: string;
  readonly username?: string;
  readonly password?: string;
  readonly experiments?: readonly string[];
  readonly runs?: readonly string[];
  readonly models?: readonly string[];
}

/** A push's progress: runs and models done of the total. */
export interface PushUpdate {
  readonly done: number;
  readonly total: number;
  readonly message: string;
}

/**
 * A push while another process owns the store: only the owner may write the store (the push
 * remembers each run's copy in its tags), so the owner pushes, with the store it has open, while
 * the guest follows. Cancelled, pushing again resumes where it stopped.
 */
export function pushJobKind(source: PushSource): OwnerJobKind<PushRequest, PushUpdate, PushSummary> {
  return {
    prefix: pushJobPrefix,
    what: 'a push',
    parse: pushRequestOf,
    run: (request, signal, onProgress) =>
      pushRuns(source, { runIds: request.runs ?? [], experiments: request.experiments ?? [], models: request.models ?? [] }, serverOf(request), { signal, onProgress }),
  };
}

/** The request that asks the owner to push `selection` to `server`. */
export function pushRequest(server: RemoteServer, selection: PushSelection): PushRequest {
  return {
    to: server.url,
    ...(server.token ? { token: server.token } : {}),
    ...(server.username ? { username: server.username, password: server.password ?? '' } : {}),
    experiments: selection.experiments ?? [],
    runs: selection.runIds ?? [],
    models: selection.models ?? [],
  };
}

function pushRequestOf(body: Readonly<Record<string, unknown>>): PushRequest {
  const text = (name: string): string | undefined => {
    const value = body[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new MlflowError(ErrorCode.InvalidParameterValue, `'${name}' must be a string.`);
    return value;
  };
  const list = (name: string): string[] | undefined => {
    const value = body[name];
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new MlflowError(ErrorCode.InvalidParameterValue, `'${name}' must be a list of strings.`);
    return value as string[];
  };
  const to = text('to');
  if (!to) throw new MlflowError(ErrorCode.InvalidParameterValue, "'to' (the server to push to) is required.");
  try {
    normalizeServerUrl(to);
  } catch (error) {
    throw new MlflowError(ErrorCode.InvalidParameterValue, (error as Error).message);
  }
  return { to, token: text('token'), username: text('username'), password: text('password'), experiments: list('experiments'), runs: list('runs'), models: list('models') };
}

function serverOf(request: PushRequest): RemoteServer {
  if (request.token) return { url: request.to, token: request.token };
  if (request.username) return { url: request.to, username: request.username, password: request.password ?? '' };
  return { url: request.to };
}
