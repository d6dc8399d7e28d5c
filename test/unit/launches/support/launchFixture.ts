import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import type { TestContext } from 'node:test';
import { storeRootOf } from '../../../../src/core/store/runArtifactRoot';
import type { Run } from '../../../../src/core/entities';
import type { LaunchImprint } from '../../../../src/core/launches/launchImprint';
import { LaunchService } from '../../../../src/core/launches/launchService';
import { ArtifactStore } from '../../../../src/core/store/artifactStore';
import { Database } from '../../../../src/core/store/database';
import { TrackingStore } from '../../../../src/core/store/trackingStore';

/** A clock the test moves by hand. */
export interface TestClock {
  now: number;
}

export interface LaunchFixture {
  readonly dir: string;
  readonly db: Database;
  readonly tracking: TrackingStore;
  readonly artifacts: ArtifactStore;
  readonly launches: LaunchService;
  readonly clock: TestClock;
  /** What the service reported without failing. */
  readonly logged: string[];
  /** Process ids the fake process table says are alive (crash recovery). */
  readonly alivePids: Set<number>;
  /** The text of a run's artifact, or undefined when it does not exist. */
  artifactText(run: Run, artifactPath: string): Promise<string | undefined>;
  /** The artifact paths under a run's `runlens/` folder, sorted. */
  launchArtifacts(run: Run): Promise<string[]>;
}

export interface LaunchFixtureOptions {
  readonly imprintOf?: (capture: unknown) => LaunchImprint;
  readonly tokenGraceMs?: number;
}

/** A tiny imprint of our own: the capture is `{ tags: {...}, datasets: [...] }`. */
function simpleImprint(capture: unknown): LaunchImprint {
  const { tags = {}, datasets = [] } = capture as { tags?: Record<string, string>; datasets?: LaunchImprint['datasets'] };
  return { tags: Object.entries(tags).map(([key, value]) => ({ key, value })), datasets };
}

/** A LaunchService over a fresh in-memory database (real sql.js) and artifact folder in a temporary directory. */
export async function openLaunchFixture(t: TestContext, options: LaunchFixtureOptions = {}): Promise<LaunchFixture> {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'runlens-launches-')));
  const db = await Database.open();
  t.after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const tracking = new TrackingStore(db);
  const artifacts = new ArtifactStore(path.join(dir, 'artifacts'));
  const clock: TestClock = { now: Date.now() };
  const logged: string[] = [];
  const alivePids = new Set<number>();
  const launches = new LaunchService({
    db,
    artifacts,
    filesDir: path.join(dir, 'launches'),
    imprintOf: options.imprintOf ?? simpleImprint,
    tokenGraceMs: options.tokenGraceMs,
    isProcessAlive: (pid) => alivePids.has(pid),
    now: () => clock.now,
    log: (message) => logged.push(message),
  });
  const runRoot = (run: Run): string => {
    const root = storeRootOf(run.info.artifact_uri);
    if (root === undefined) throw new Error(`run ${run.info.run_id} keeps no artifacts in the store`);
    return root;
  };
  return {
    dir,
    db,
    tracking,
    artifacts,
    launches,
    clock,
    logged,
    alivePids,
    async artifactText(run, artifactPath) {
      const file = await artifacts.read(`${runRoot(run)}/${artifactPath}`).catch(() => undefined);
      return file && text(file.stream);
    },
    async launchArtifacts(run) {
      const found: string[] = [];
      const walk = async (folder: string): Promise<void> => {
        for (const entry of await artifacts.list(`${runRoot(run)}/${folder}`)) {
          const child = `${folder}/${entry.path}`;
          if (entry.is_dir) await walk(child);
          else found.push(child);
        }
      };
      await walk('runlens');
      return found.sort();
    },
  };
}

export function tagsOf(run: Run): Record<string, string> {
  return Object.fromEntries((run.data.tags ?? []).map((tag) => [tag.key, tag.value]));
}
