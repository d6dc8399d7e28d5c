import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readFileRuns } from '../src/core/editorLens/fileRuns';
import { sparklineSvg, svgDataUri } from '../src/core/editorLens/sparkline';
import { WorkspaceStore } from '../src/core/store/workspaceStore';
import { hoverRows, keyHoverMarkdown, summaryText } from '../src/vscode/editorLens/fileRunsText';
import { findLoggedKeys } from '../src/core/editorLens/loggedKeys';
import { fileRunsRefreshTiming } from '../src/vscode/editorLens/refreshTiming';
import { firstLoggedMetric } from '../src/core/search/runsQuery';
import { type BenchRow, formatCount, formatMs, median, progress, timeMs } from './benchKit';

// The editor's lens and hovers over a file with 1,000 runs, in a store that also holds the runs of
// other files: what opening the file costs (the cache is empty, everything is read), and how soon
// a run's end shows (the coalescing wait, then the same read). Typing reads nothing at all: the
// integration suite counts the reads.

const fileRuns = 1_000;
const otherRuns = 4_000;
const steps = 20;
const rounds = 15;
const budgetMs = 150;
const endBudgetMs = 1_000;

const script = `import mlflow\nif __name__ == "__main__":\n    mlflow.log_params({"lr": 0.01, "batch": 32})\n${'    x = 1\n'.repeat(300)}    mlflow.log_metric("mse", mse)\n`;

export async function measure(): Promise<readonly BenchRow[]> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'runlens-bench-editor-'));
  const store = await WorkspaceStore.open(path.join(folder, '.runlens'));
  try {
    progress(`editor lens: logging ${formatCount(fileRuns)} runs of train.py and ${formatCount(otherRuns)} of other files`);
    const experimentId = store.tracking.createExperiment({ name: 'bench' });
    for (let r = 0; r < fileRuns + otherRuns; r++) {
      const source = r % 5 === 0 ? 'train.py' : `other-${r % 7}.py`;
      const start = 1_700_000_000_000 + r * 1000;
      const runId = store.tracking.createRun({ experimentId, startTime: start, tags: [{ key: 'mlflow.source.name', value: source }] }).info.run_id;
      store.tracking.logBatch(runId, {
        params: [
          { key: 'lr', value: String(0.001 * (r % 50)) },
          { key: 'batch', value: '32' },
        ],
        metrics: Array.from({ length: steps }, (_, step) => ({ key: 'mse', value: 1 / (step + 1) + (r % 97) / 1000, timestamp: start + step, step })),
      });
      store.tracking.updateRun(runId, { status: 'FINISHED', endTime: start + 500 });
    }

    const now = Date.now();
    // `known`: the experiment's default primary metric was looked up already (the reader keeps it).
    const known = firstLoggedMetric(store.tracking, experimentId);
    const openFile = (primaryKnown: boolean) => {
      const runs = readFileRuns(store.tracking, {
        sourceNames: ['train.py', path.join(folder, 'train.py')],
        recent: hoverRows * 2,
        primaryMetricOf: (id) => (primaryKnown ? known : firstLoggedMetric(store.tracking, id)),
      });
      if (!runs?.best || runs.total !== fileRuns) throw new Error(`expected ${fileRuns} runs of train.py with a best one`);
      summaryText(runs, now);
      const keys = findLoggedKeys(script);
      for (const key of keys) {
        const newest = runs.recent[0].info.run_id;
        const values = key.kind === 'metric' ? store.tracking.getMetricHistory(newest, key.key, { maxResults: 5_000 }).metrics.map((m) => m.value) : [];
        const svg = sparklineSvg(values, 'lower');
        keyHoverMarkdown({ key, runs, sparkline: svg && svgDataUri(svg), now });
      }
    };
    openFile(false); // warm-up
    const cold = Array.from({ length: rounds }, () => timeMs(() => openFile(false)));
    const times = Array.from({ length: rounds }, () => timeMs(() => openFile(true)));
    const read = median(times);
    const ended = fileRunsRefreshTiming.delayMs + read;
    return [
      {
        what: `Editor lens + hovers of a file with ${formatCount(fileRuns)} runs (${formatCount(fileRuns + otherRuns)} in the store), first file of the window (median of ${rounds})`,
        figure: `${formatMs(median(cold))} (slowest ${formatMs(Math.max(...cold))})`,
        budget: `<= ${budgetMs} ms`,
        ok: median(cold) <= budgetMs,
      },
      {
        what: `The same, the experiment's primary metric known (later files, refreshes)`,
        figure: `${formatMs(read)} (slowest ${formatMs(Math.max(...times))})`,
        budget: `<= ${budgetMs} ms`,
        ok: read <= budgetMs,
      },
      {
        what: "A run's end in the lens: the coalescing wait plus that read",
        figure: formatMs(ended),
        budget: `<= ${formatMs(endBudgetMs)}`,
        ok: ended <= endBudgetMs,
      },
    ];
  } finally {
    await store.close();
    rmSync(folder, { recursive: true, force: true });
  }
}
