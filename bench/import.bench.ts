import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WorkspaceStore } from '../src/core/store/workspaceStore';
import { importMlflowData, type ImportPhase } from '../src/importers/importMlflowData';
import { planImport } from '../src/importers/importPlan';
import { applyImport } from '../src/importers/importWriter';
import { readMlruns } from '../src/importers/mlruns/mlrunsReader';
import { buildFixture } from '../test/fixtures/mlflow-data/fixtureSpec';
import { writeMlruns } from '../test/fixtures/mlflow-data/writeMlruns';
import { type BenchRow, formatCount, formatMs, progress, timeMs } from './benchKit';

// An import of about 500,000 metric points (102 runs of some 4,900 points, the fixture generator's
// mlruns/ layout) into a durable store, as the extension host runs it: how long it takes, and the
// longest time the event loop could not run meanwhile (what a person feels as a frozen window).

const runsPerExperiment = 50;
const pointsPerMetric = 1634;

export async function measure(): Promise<readonly BenchRow[]> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'runlens-bench-import-'));
  try {
    progress('import: writing an mlruns/ folder of about 500,000 points');
    const source = path.join(work, 'mlruns');
    writeMlruns(buildFixture({ runsPerExperiment, pointsPerMetric }), source);
    const imported = await measureImport(source, path.join(work, 'store', '.runlens'));
    const oneTransaction = await measureOneSynchronousWrite(source, path.join(work, 'store-sync', '.runlens'));
    return [
      {
        what: `import ${formatCount(imported.points)} points from mlruns/ into a durable store: total (reading / copying / writing)`,
        figure: `${formatMs(imported.totalMs)} (${(['reading', 'copying', 'writing'] as const).map((p) => formatMs(imported.phaseMs[p])).join(' / ')})`,
        budget: '',
      },
      {
        what: 'import of those points: longest event-loop block (monitorEventLoopDelay max; includes the checkpoint after the commit)',
        figure: formatMs(imported.longestBlockMs),
        budget: '',
      },
      {
        what: 'context: the same write as one synchronous transaction (how imports wrote before): the event loop blocked for',
        figure: formatMs(oneTransaction),
        budget: '',
      },
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function measureImport(
  source: string,
  dir: string,
): Promise<{ points: number; totalMs: number; longestBlockMs: number; phaseMs: Record<ImportPhase, number> }> {
  progress('import: importing through importMlflowData');
  const store = await WorkspaceStore.open(dir, { idleCheckpointMs: 0 });
  const phaseMs: Record<ImportPhase, number> = { reading: 0, copying: 0, writing: 0 };
  let phase: ImportPhase | undefined;
  let phaseStart = 0;
  const enter = (next: ImportPhase | undefined): void => {
    const now = performance.now();
    if (phase) phaseMs[phase] += now - phaseStart;
    phase = next;
    phaseStart = now;
  };
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  try {
    histogram.enable();
    const started = performance.now();
    const summary = await importMlflowData({ tracking: store.tracking, artifacts: store.artifacts }, source, {
      onProgress: (update) => update.phase !== phase && enter(update.phase),
    });
    enter(undefined);
    const totalMs = performance.now() - started;
    histogram.disable();
    return { points: summary.metricPoints, totalMs, longestBlockMs: histogram.max / 1e6, phaseMs };
  } finally {
    store.close();
  }
}

/** The import's write drained in one `db.write`: its duration is how long the event loop stood still. */
async function measureOneSynchronousWrite(source: string, dir: string): Promise<number> {
  progress('import: the same write as one synchronous transaction');
  const staged = await readMlruns(source);
  const store = await WorkspaceStore.open(dir, { idleCheckpointMs: 0 });
  try {
    const plan = planImport(store.db, staged);
    const uris = { runs: new Map<string, string>(), models: new Map<string, string>() };
    return timeMs(() =>
      store.db.write((tx) => {
        const steps = applyImport(tx, staged, plan, uris);
        for (let step = steps.next(); !step.done; step = steps.next());
      }),
    );
  } finally {
    store.close();
  }
}
