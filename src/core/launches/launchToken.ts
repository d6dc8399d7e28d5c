import { createHash, randomBytes } from 'node:crypto';

/** A launch's bearer token and the hash the store keeps in its place. */
export interface LaunchToken {
  /** Given to the launched process only (MLFLOW_TRACKING_TOKEN); never stored. */
  readonly token: string;
  readonly sha256: string;
}

export function newLaunchToken(): LaunchToken {
  const token = randomBytes(32).toString('base64url');
  return { token, sha256: tokenSha256(token) };
}

/** Hex SHA-256 of a presented token, the form `launches.token_sha256` holds. */
export function tokenSha256(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** 32 lowercase hex digits, like run ids. */
export function newLaunchId(): string {
  return randomBytes(16).toString('hex');
}
