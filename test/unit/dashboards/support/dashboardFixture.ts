import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { toResponseError } from '../../../../src/dashboards/dashboardError';
import { DashboardService } from '../../../../src/dashboards/dashboardService';
import { storePathOf } from '../../../../src/core/store/runArtifactRoot';
import { ArtifactStore } from '../../../../src/core/store/artifactStore';
import { Database } from '../../../../src/core/store/database';
import type { MetricInput } from '../../../../src/core/store/tracking/metricWrites';
import { TrackingStore } from '../../../../src/core/store/trackingStore';

/** A real in-memory store, a real artifact folder in a temp dir, and the service over both. */
export interface DashboardFixture {
  readonly tracking: TrackingStore;
  readonly artifacts: ArtifactStore;
  readonly service: DashboardService;
  /** Fixed clock for durations. */
  readonly now: number;
  close(): Promise<void>;
}

export async function openDashboardFixture(): Promise<DashboardFixture> {
  const tracking = new TrackingStore(await Database.open());
  const dir = await mkdtemp(path.join(os.tmpdir(), 'runlens-dashboards-'));
  const artifacts = new ArtifactStore(path.join(dir, 'artifacts'));
  const now = 1_700_000_100_000;
  return {
    tracking,
    artifacts,
    service: new DashboardService({ tracking, artifacts, now: () => now }),
    now,
    async close() {
      tracking.db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface SeedRun {
  readonly experimentId?: string;
  readonly name?: string;
  readonly startTime?: number;
  readonly params?: Record<string, string>;
  readonly tags?: Record<string, string>;
  /** Histories by key: values at steps 0, 1, 2, ... with timestamps a second apart. */
  readonly metrics?: Record<string, readonly number[]>;
  readonly end?: { readonly status: 'FINISHED' | 'FAILED' | 'KILLED'; readonly endTime: number };
}

/** Creates a run through the store's own methods; returns its id. */
export function seedRun(tracking: TrackingStore, seed: SeedRun): string {
  const startTime = seed.startTime ?? 1_700_000_000_000;
  const runId = tracking.createRun({ experimentId: seed.experimentId, runName: seed.name, startTime, userId: 'ada' }).info.run_id;
  const params = Object.entries(seed.params ?? {}).map(([key, value]) => ({ key, value }));
  const tags = Object.entries(seed.tags ?? {}).map(([key, value]) => ({ key, value }));
  if (params.length > 0 || tags.length > 0) tracking.logBatch(runId, { params, tags });
  for (const [key, values] of Object.entries(seed.metrics ?? {})) logHistory(tracking, runId, key, values, startTime);
  if (seed.end) tracking.updateRun(runId, { status: seed.end.status, endTime: seed.end.endTime });
  return runId;
}

/** Logs values at steps 0.. in batches of 1,000 (MLflow's batch limit). */
export function logHistory(tracking: TrackingStore, runId: string, key: string, values: readonly number[], startTime: number): void {
  for (let start = 0; start < values.length; start += 1000) {
    const metrics: MetricInput[] = [];
    for (let step = start; step < Math.min(values.length, start + 1000); step += 1) {
      metrics.push({ key, value: values[step], step, timestamp: startTime + step * 1000 });
    }
    tracking.logBatch(runId, { metrics });
  }
}

/** Writes an artifact of a run through the ArtifactStore, where the server's upload route would. */
export async function writeArtifact(fixture: DashboardFixture, runId: string, relativePath: string, content: string | Buffer): Promise<void> {
  const uri = fixture.tracking.getRun(runId).info.artifact_uri;
  await fixture.artifacts.write(storePathOf(uri, relativePath), Readable.from([Buffer.from(content)]));
}

/** Rejects with a DashboardError of `code` whose message matches `message`. */
export async function rejectsWith(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    const response = toResponseError(error);
    assert.equal(response.code, code, response.message);
    assert.match(response.message, message);
    return true;
  });
}
