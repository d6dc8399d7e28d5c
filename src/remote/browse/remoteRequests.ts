import { MlflowRestClient } from '../client/mlflowRestClient';
import type { RemoteServer } from '../client/remoteServer';
import { ExpiringCache } from './expiringCache';
import { RequestLimiter } from './requestLimiter';

export interface RemoteRequestLimits {
  /** Requests in flight to the server at once. */
  readonly concurrency: number;
  /** How long a cached answer is used before the server is asked again. */
  readonly ttlMs: number;
  /** For one request. */
  readonly timeoutMs: number;
}

/**
 * The one way a mirror and its helpers (artifacts, run search) talk to a server: one REST client,
 * one limiter, so together they ask only a few things at a time, and one cache of answers.
 */
export class RemoteRequests {
  readonly url: string;
  private readonly client: MlflowRestClient;
  private readonly limiter: RequestLimiter;
  private readonly answers: ExpiringCache<unknown>;

  constructor(server: RemoteServer, limits: RemoteRequestLimits, now: () => number) {
    this.client = new MlflowRestClient(server, { retry: { maxAttempts: 2, baseDelayMs: 300, maxDelayMs: 1000 }, timeoutMs: limits.timeoutMs });
    this.url = this.client.baseUrl;
    this.limiter = new RequestLimiter(limits.concurrency);
    this.answers = new ExpiringCache({ maxEntries: 500, ttlMs: limits.ttlMs }, now);
  }

  call<T>(request: (client: MlflowRestClient) => Promise<T>): Promise<T> {
    return this.limiter.run(() => request(this.client));
  }

  /** The answer under `key` while it is fresh; otherwise `load`'s, which then is kept. */
  cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    return this.answers.getOrLoad(key, load) as Promise<T>;
  }
}
