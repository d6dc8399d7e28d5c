import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ErrorCode, MlflowError } from '../core/errors';

/** Tokens of RunLens launches: a launched process logs with one of its own (src/core/launches). */
export interface LaunchTokens {
  /** The launch whose token hashes to this hex SHA-256, while that token is valid. */
  launchIdForToken(tokenSha256: string): string | undefined;
}

/** Who a request that passed the guard comes from. */
export interface RequestCaller {
  /** Set when the request carried a launch's token rather than the server's own. */
  readonly launchId?: string;
}

/**
 * The two checks every request passes before anything else happens (no body read, nothing written).
 *
 * Host: a web page the user visits can make its own host name resolve to 127.0.0.1 (DNS rebinding)
 * and then talk to this server as a same-origin site; its requests carry that foreign name in the
 * Host header. Only the loopback names with our port are accepted; anything else is 403
 * PERMISSION_DENIED, as MLflow's own host check answers.
 *
 * Token: `Authorization: Bearer <token>`, which the MLflow client sends for MLFLOW_TRACKING_TOKEN,
 * compared in constant time; otherwise 401 UNAUTHENTICATED. A live launch's own token is accepted
 * too, and names the launch (looked up by its hash, which is all the store keeps).
 */
export class RequestGuard {
  private readonly tokenDigest: Buffer;
  private allowedHosts: ReadonlySet<string> = new Set();

  constructor(
    token: string,
    private readonly launchTokens?: LaunchTokens,
  ) {
    if (token.length < 16) throw new Error('the server token must be at least 16 characters long');
    this.tokenDigest = digest(token);
  }

  /** Called once the port is known. */
  setPort(port: number): void {
    this.allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  }

  check(headers: IncomingHttpHeaders): RequestCaller {
    const host = headers.host?.toLowerCase();
    if (host === undefined || !this.allowedHosts.has(host)) {
      throw new MlflowError(
        ErrorCode.PermissionDenied,
        `Invalid Host header ${JSON.stringify(headers.host ?? '')}: this server answers only to 127.0.0.1, localhost or [::1] with its port.`,
      );
    }
    const presented = bearerToken(headers.authorization);
    if (presented === undefined) {
      throw new MlflowError(
        ErrorCode.Unauthenticated,
        'Missing bearer token: set MLFLOW_TRACKING_TOKEN to the token that RunLens printed or copied.',
      );
    }
    const presentedDigest = digest(presented);
    if (timingSafeEqual(presentedDigest, this.tokenDigest)) return {};
    const launchId = this.launchTokens?.launchIdForToken(presentedDigest.toString('hex'));
    if (launchId !== undefined) return { launchId };
    throw new MlflowError(ErrorCode.Unauthenticated, 'Invalid bearer token for this RunLens server.');
  }
}

function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

// Hashing first gives both sides the same length, which timingSafeEqual requires, without
// revealing the token's length through timing.
function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
