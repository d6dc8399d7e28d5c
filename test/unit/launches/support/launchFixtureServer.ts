import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { ModelRegistry } from '../../../../src/core/store/modelRegistry';
import { SpanFiles } from '../../../../src/core/traces/spanFiles';
import { TraceStore } from '../../../../src/core/traces/traceStore';
import { startServer, type RunningServer } from '../../../../src/server/server';
import { HttpClient } from '../../server/support/httpClient';
import type { LaunchFixture } from './launchFixture';

export interface LaunchFixtureServer {
  readonly server: RunningServer;
  /** The server's own token: the one a window (owner or guest) holds. */
  readonly token: string;
  /** Where a window's owner client reaches this server. */
  readonly endpoint: { readonly url: string; readonly token: string };
  /** An HTTP client with `as` for its token (the server's own when null), closed after the test. */
  client(as: string | null): HttpClient;
}

/**
 * A real tracking server on loopback over a launch fixture's store, as a window's owner runs it:
 * with the fixture's launches (unless `launches` is false: a server that follows none), the
 * fixture's artifacts and a trace store beside them, logging into `f.logged`. Closed after the test.
 */
export async function serveLaunchFixture(t: TestContext, f: LaunchFixture, options: { launches?: boolean } = {}): Promise<LaunchFixtureServer> {
  const token = randomBytes(24).toString('base64url');
  const server = await startServer({
    store: f.tracking,
    registry: new ModelRegistry(f.db),
    artifacts: f.artifacts,
    traces: new TraceStore(f.db, new SpanFiles(path.join(f.dir, 'traces'))),
    token,
    ...(options.launches === false ? {} : { launches: f.launches }),
    log: (message) => f.logged.push(message),
  });
  t.after(() => server.close());
  const client = (as: string | null): HttpClient => {
    const http = new HttpClient(server.url, as ?? token);
    t.after(() => http.close());
    return http;
  };
  return { server, token, endpoint: { url: server.url, token }, client };
}
