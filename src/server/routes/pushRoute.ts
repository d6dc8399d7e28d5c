import { ErrorCode, MlflowError } from '../../core/errors';
import { pushRuns } from '../../remote/push/pushRuns';
import { normalizeServerUrl, type RemoteServer } from '../../remote/client/remoteServer';
import { readJsonBody } from '../body';
import { sendJson } from '../reply';
import type { Route } from '../route';

/** Where `runlens push` asks the process that owns the store (a VS Code window, `runlens serve`) to push for it. */
export const pushPath = '/api/2.0/runlens/push';

/** What `runlens push` sends: the server to push to, its credentials, and which runs and registered models. */
export interface PushRequest {
  readonly to: string;
  readonly token?: string;
  readonly username?: string;
  readonly password?: string;
  readonly experiments?: readonly string[];
  readonly runs?: readonly string[];
  readonly models?: readonly string[];
}

const maxPushRequestBytes = 1024 * 1024;

/**
 * `runlens push` while another process owns the store: only the owner may write the store (the
 * push remembers each run's copy in its tags), so the owner pushes, with the store it has open, and
 * answers with the summary when done. The caller's disconnect (Ctrl+C) stops the push; pushing
 * again resumes it. Only the server's own token may ask, not a launched script's.
 */
export const pushRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: pushPath,
    raw: true,
    handler: async ({ req, res, store, artifacts, registry, launchId }) => {
      if (launchId !== undefined) throw new MlflowError(ErrorCode.PermissionDenied, 'A launched script may not push the store.');
      const request = pushRequestOf(await readJsonBody(req!, maxPushRequestBytes));
      const cancel = new AbortController();
      res!.on('close', () => {
        if (!res!.writableFinished) cancel.abort(new Error('runlens push disconnected'));
      });
      const summary = await pushRuns(
        { tracking: store, artifacts, registry },
        { runIds: request.runs ?? [], experiments: request.experiments ?? [], models: request.models ?? [] },
        serverOf(request),
        { signal: cancel.signal },
      );
      sendJson(res!, 200, summary);
    },
  },
];

function pushRequestOf(body: Record<string, unknown>): PushRequest {
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
