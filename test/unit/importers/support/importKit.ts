import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Metric } from '../../../../src/core/entities';
import { ArtifactStore } from '../../../../src/core/store/artifactStore';
import { Database } from '../../../../src/core/store/database';
import { ModelRegistry } from '../../../../src/core/store/modelRegistry';
import { TrackingStore } from '../../../../src/core/store/trackingStore';
import type { FixturePoint, FixtureRun } from '../../../fixtures/mlflow-data/fixtureSpec';

/** A fresh store: in-memory database, artifacts in a temporary folder. */
export interface TestStore {
  readonly db: Database;
  readonly tracking: TrackingStore;
  readonly registry: ModelRegistry;
  readonly artifacts: ArtifactStore;
  readonly dir: string;
  close(): void;
}

export async function openTestStore(): Promise<TestStore> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'runlens-import-store-'));
  const db = await Database.open();
  return {
    db,
    tracking: new TrackingStore(db),
    registry: new ModelRegistry(db),
    artifacts: new ArtifactStore(path.join(dir, 'artifacts')),
    dir,
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function tempFolder(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Every file under a folder, relative, sorted (none when the folder does not exist). */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((relative) => statSync(path.join(dir, relative)).isFile())
    .sort();
}

/** Folders a crashed or cancelled import could leave beside the artifact root. */
export function stagingLeftovers(store: TestStore): string[] {
  return readdirSync(store.dir).filter((name) => name.includes('.import-'));
}

function byStepThenTime(a: { step: number; timestamp: number }, b: { step: number; timestamp: number }): number {
  return a.step - b.step || a.timestamp - b.timestamp;
}

/** The run's stored history per key against the fixture's points, exactly (NaN and the infinities included). */
export function assertHistories(tracking: TrackingStore, run: FixtureRun, extra: readonly FixturePoint[] = []): void {
  const expected = new Map<string, Metric[]>();
  for (const p of [...run.metrics, ...extra]) {
    expected.set(p.key, [...(expected.get(p.key) ?? []), { key: p.key, value: p.value, timestamp: p.timestamp, step: p.step }]);
  }
  const stored = tracking.getMetricHistories(run.runId, [...expected.keys()]);
  for (const [key, points] of expected) {
    assert.deepEqual(stored.get(key), points.sort(byStepThenTime), `history of ${key} in run ${run.runId}`);
  }
  const latestKeys = (tracking.getRun(run.runId).data.metrics ?? []).map((m) => m.key).sort();
  assert.deepEqual(latestKeys, [...expected.keys()].sort(), `metric keys of run ${run.runId}`);
}

export function sortedByKey<T extends { key: string }>(entries: readonly T[] | undefined): T[] {
  return [...(entries ?? [])].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export async function readArtifact(artifacts: ArtifactStore, relativePath: string): Promise<Buffer> {
  const { stream } = await artifacts.read(relativePath);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
