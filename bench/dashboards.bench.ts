import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DashboardService } from '../src/dashboards/dashboardService';
import { WorkspaceStore } from '../src/core/store/workspaceStore';
import { maxSeriesPoints } from '../src/protocol/dashboards/shapes';
import { DashboardSite } from '../src/server/dashboardRoutes';
import { startServer } from '../src/server/server';
import { type BenchRow, formatCount, formatMs, median, progress } from './benchKit';

const runCount = 100;
const stepsPerRun = 10_000;
const batchSize = 1000;
const loads = 5;
const budgetMs = 1000;

/** What the bench uses of a Playwright browser context (playwright-core is loaded at run time). */
interface BrowserContext {
  pages(): PlaywrightPage[];
  newPage(): Promise<PlaywrightPage>;
  close(): Promise<void>;
}
interface PlaywrightPage {
  addInitScript(script: string): Promise<void>;
  goto(url: string): Promise<unknown>;
  waitForFunction(fn: () => boolean, arg?: unknown, options?: { timeout: number }): Promise<unknown>;
  evaluate<T>(fn: string): Promise<T>;
}

/**
 * The repository (the bench runs from its root, as `npm run bench` does), whose dist/webview holds
 * the built front end. Chromium is launched as the tests launch it (scripts/codeServerLaunch.mjs:
 * Debian's Chromium, its flags, a throwaway profile), loaded at run time rather than bundled into
 * the bench, as is the playwright-core it uses.
 */
async function repository(): Promise<{ root: string; launchChromium: (profileDir: string) => Promise<BrowserContext> }> {
  const root = process.cwd();
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name?: string };
  if (manifest.name !== 'runlens') throw new Error('run the bench from the repository root (npm run bench)');
  if (!existsSync(path.join(root, 'dist/webview/dashboard.js'))) throw new Error('dist/webview is missing: build first (npm run build)');
  const launcher = (await import(pathToFileURL(path.join(root, 'scripts/codeServerLaunch.mjs')).href)) as {
    launchChromium(profileDir: string): Promise<BrowserContext>;
  };
  return { root, launchChromium: launcher.launchChromium };
}

/**
 * First paint of the compare view of 100 runs of 10,000 steps each, in Chromium, served by the browser
 * mode: from the start of navigation to the loss chart's SVG holding a line per run. The host
 * downsamples each series to at most 2,000 points; the page renders what it gets.
 */
export async function measure(): Promise<readonly BenchRow[]> {
  const { root, launchChromium } = await repository();
  const folder = mkdtempSync(path.join(os.tmpdir(), 'runlens-bench-dashboards-'));
  const store = await WorkspaceStore.open(path.join(folder, '.runlens'));
  try {
    progress(`dashboards: logging ${runCount} runs × ${formatCount(stepsPerRun)} steps`);
    const experimentId = store.tracking.createExperiment({ name: 'bench' });
    const runIds: string[] = [];
    for (let r = 0; r < runCount; r++) {
      const runId = store.tracking.createRun({ experimentId, runName: `run-${r}`, startTime: 1_700_000_000_000 + r }).info.run_id;
      runIds.push(runId);
      store.tracking.logBatch(runId, { params: [{ key: 'lr', value: String(0.001 * (r + 1)) }] });
      for (let start = 0; start < stepsPerRun; start += batchSize) {
        const metrics = Array.from({ length: batchSize }, (_, i) => {
          const step = start + i;
          return { key: 'loss', value: Math.exp(-step / 2000) * (1 + 0.1 * Math.sin(step / 7 + r)), timestamp: 1_700_000_000_000 + step, step };
        });
        store.tracking.logBatch(runId, { metrics });
      }
    }

    const token = 'bench-token-0123456789abcdef';
    const service = new DashboardService({ tracking: store.tracking, artifacts: store.artifacts });
    const dashboards = new DashboardSite({ service, tracking: store.tracking, writes: store, webviewDir: path.join(root, 'dist/webview') });
    const server = await startServer({ store: store.tracking, registry: store.registry, artifacts: store.artifacts, traces: store.traces, token, dashboards });
    const browser = await launchChromium(path.join(folder, 'chromium-profile'));
    try {
      const page = browser.pages()[0] ?? (await browser.newPage());
      // The moment the loss chart holds a line per run, then the frame that shows it: by the page's own
      // clock (milliseconds since its navigation started), not by polling from outside.
      await page.addInitScript(`
        new MutationObserver((_, observer) => {
          if (document.querySelectorAll('.chart-figure[data-metric="loss"] svg g.mark-line path').length !== ${runCount}) return;
          observer.disconnect();
          requestAnimationFrame(() => setTimeout(() => (window.__firstPaint = performance.now())));
        }).observe(document, { childList: true, subtree: true });
      `);
      await page.goto(`${server.url}${dashboards.mintSignInPath()}`);
      const compare = `${server.url}/compare?${runIds.map((id) => `run=${id}`).join('&')}`;
      const times: number[] = [];
      let points = 0;
      for (let i = 0; i <= loads; i++) {
        await page.goto(compare);
        // A function, not a string: Playwright evaluates a string predicate with eval on each poll, which the CSP refuses.
        await page.waitForFunction(() => (globalThis as { __firstPaint?: number }).__firstPaint !== undefined, undefined, { timeout: 60_000 });
        const ms = await page.evaluate<number>('window.__firstPaint');
        // Points per drawn line: the vertices of each path (its M and L commands), averaged over the runs.
        points = await page.evaluate<number>(
          `(() => { const paths = [...document.querySelectorAll('.chart-figure[data-metric="loss"] svg g.mark-line path')];
             return paths.reduce((sum, p) => sum + (p.getAttribute('d').match(/[ML]/g) ?? []).length, 0) / paths.length; })()`,
        );
        if (i > 0) times.push(ms); // the first load warms the server and the browser's cache
        progress(`dashboards: first paint ${formatMs(ms)}${i === 0 ? ' (warm-up)' : ''}`);
      }
      const firstPaint = median(times);
      // The host's share of that first paint: the chart request alone (reading 1M points, downsampling, the spec).
      const hostTimes: number[] = [];
      for (let i = 0; i < loads; i++) {
        const started = performance.now();
        await service.handle('run/metricSeries', { runIds });
        hostTimes.push(performance.now() - started);
      }
      return [
        {
          what: `dashboard first paint, compare of ${runCount} runs × ${formatCount(stepsPerRun)} steps (Chromium, median of ${loads})`,
          figure: `${formatMs(firstPaint)} (slowest ${formatMs(Math.max(...times))})`,
          budget: '<= 1 s',
          ok: firstPaint <= budgetMs,
        },
        {
          what: `of which the host answering its chart request (run/metricSeries, median of ${loads})`,
          figure: formatMs(median(hostTimes)),
          budget: '',
        },
        {
          what: `points drawn per series of that compare (host downsampling from ${formatCount(stepsPerRun)})`,
          figure: formatCount(points),
          budget: `<= ${formatCount(maxSeriesPoints)}`,
          ok: points <= maxSeriesPoints,
        },
      ];
    } finally {
      await browser.close();
      dashboards.close();
      await server.close();
    }
  } finally {
    store.close();
    rmSync(folder, { recursive: true, force: true });
  }
}
