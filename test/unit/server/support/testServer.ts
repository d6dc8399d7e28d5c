import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ArtifactStore } from '../../../../src/core/store/artifactStore';
import { Database } from '../../../../src/core/store/database';
import { ModelRegistry } from '../../../../src/core/store/modelRegistry';
import { TrackingStore } from '../../../../src/core/store/trackingStore';
import type { ConnectionLimits } from '../../../../src/server/connectionLimits';
import { startServer, type RunningServer } from '../../../../src/server/server';
import { HttpClient } from './httpClient';
import { SpanFiles } from '../../../../src/core/traces/spanFiles';
import { TraceStore } from '../../../../src/core/traces/traceStore';

export interface TestServerOptions {
  readonly maxJsonBytes?: number;
  readonly maxArtifactBytes?: number;
  readonly connectionLimits?: ConnectionLimits;
}

export interface TestServer {
  readonly server: RunningServer;
  readonly token: string;
  readonly client: HttpClient;
  readonly db: Database;
  readonly store: TrackingStore;
  readonly registry: ModelRegistry;
  readonly artifacts: ArtifactStore;
  readonly traces: TraceStore;
  /** A fresh temporary folder; the artifact root is `artifactRoot` inside it. */
  readonly dir: string;
  readonly artifactRoot: string;
  /** Bugs the server logged (500s); a test that expects none asserts this stays empty. */
  readonly logged: string[];
  close(): Promise<void>;
}

/** A real server on loopback over a fresh in-memory database and a temporary artifact folder. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'runlens-server-'));
  const artifactRoot = path.join(dir, 'artifacts');
  const db = await Database.open();
  const store = new TrackingStore(db);
  const registry = new ModelRegistry(db);
  const artifacts = new ArtifactStore(artifactRoot, { maxFileBytes: options.maxArtifactBytes });
  const traces = new TraceStore(db, new SpanFiles(path.join(dir, 'traces')));
  const token = randomBytes(24).toString('base64url');
  const logged: string[] = [];
  const server = await startServer({
    store,
    registry,
    artifacts,
    traces,
    token,
    maxJsonBytes: options.maxJsonBytes,
    connectionLimits: options.connectionLimits,
    log: (message) => logged.push(message),
  });
  const client = new HttpClient(server.url, token);
  return {
    server,
    token,
    client,
    db,
    store,
    registry,
    artifacts,
    traces,
    dir,
    artifactRoot,
    logged,
    async close() {
      client.close();
      await server.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
