// The dashboards in a browser, end to end: `runlens serve` (the built CLI) on a temporary folder, seeded through its MLflow
// REST API over real HTTP, and Debian's Chromium driving the pages. What each dashboard shows is checked against what
// the store holds (read back through the same API); screenshots in light and dark land in test-results/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { launchChromium } from '../../scripts/codeServerLaunch.mjs';
import { repoRoot } from '../../scripts/codeServerPaths.mjs';
import { logSeries, startRunlensServe } from './dashboardsServer.mjs';

const resultsDir = path.join(repoRoot, 'test-results');
const stepTimeout = { timeout: 120_000 };

/** Run data that would execute if any of it reached the page as markup or as a link. */
const hostile = {
  name: `<img src=x onerror="window.__pwned='name'"> \u202Eevil\u202C a\u200Bb`,
  params: {
    payload: `</script><script>window.__pwned='param'</script>`,
    long: `${'y'.repeat(4990)}-the-end`,
    rtl: '\u202Eright-to-left\u202C',
    zw: 'zero\u200Bwidth\u200D',
    depth: '5',
  },
  tags: {
    link: `javascript:window.__pwned='tag'`,
    html: `<b onmouseover="window.__pwned='tag2'">bold</b>`,
  },
  note: [
    '# Notes',
    `Click [me](javascript:window.__pwned='note') or [docs](https://mlflow.org/docs).`,
    `<img src=x onerror="window.__pwned='note-img'"> and **bold** and \`code\``,
    '- one',
    '- two',
  ].join('\n'),
};

const onePixelPng = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/** Everything the page might have run: set by the payloads above, or by a dialog. */
async function assertNothingRan(page, dialogs) {
  const flags = await page.evaluate(() => ({ pwned: window.__pwned, violations: window.__cspViolations ?? [] }));
  assert.equal(flags.pwned, undefined, `a payload ran: ${flags.pwned}`);
  assert.deepEqual(dialogs, [], 'a dialog opened');
  assert.deepEqual(flags.violations, [], 'the page broke its Content Security Policy');
  const scripts = await page.evaluate(() => [...document.scripts].map((s) => s.type || 'classic'));
  assert.deepEqual(scripts, ['application/json', 'classic'], 'only the bootstrap data block and the bundle are scripts');
  const unsafeLinks = await page.evaluate(() =>
    [...document.querySelectorAll('a[href], vscode-link[href]')].map((a) => a.getAttribute('href')).filter((href) => !/^(https?:\/\/|\/|#)/.test(href)),
  );
  assert.deepEqual(unsafeLinks, [], 'links lead only to http(s) or this server');
}

function parseCsv(text) {
  const records = [];
  let record = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      if (ch === '\r') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return records;
}

describe('the dashboards in a browser, served by runlens serve', () => {
  let server;
  let browser;
  let page;
  let profile;
  const dialogs = [];
  const ids = {};

  /** Cells of a data grid by row key and column id, as the page shows them. */
  async function gridCells(name) {
    return page.evaluate((gridName) => {
      const grid = document.querySelector(`vscode-data-grid[data-name="${gridName}"]`);
      const rows = {};
      for (const row of grid?.querySelectorAll('vscode-data-grid-row[data-key]') ?? []) {
        const cells = {};
        for (const cell of row.querySelectorAll('vscode-data-grid-cell')) cells[cell.dataset.column] = cell.textContent;
        rows[row.dataset.key] = { cells, className: row.className };
      }
      return rows;
    }, name);
  }

  async function gridColumns(name) {
    return page.evaluate(
      (gridName) =>
        [...document.querySelectorAll(`vscode-data-grid[data-name="${gridName}"] vscode-data-grid-cell[cell-type="columnheader"]`)].map(
          (cell) => cell.dataset.column,
        ),
      name,
    );
  }

  async function open(pathAndQuery) {
    await page.goto(new URL(pathAndQuery, server.url).href);
  }

  async function waitForRows(name, count) {
    await page.waitForFunction(
      ([gridName, n]) => document.querySelectorAll(`vscode-data-grid[data-name="${gridName}"] vscode-data-grid-row[data-key]`).length === n,
      [name, count],
      { timeout: 20_000 },
    );
  }

  /**
   * Waits until exactly `count` marks match: a chart that a later refresh supersedes is cleared and drawn again, so a
   * count read as soon as the first mark shows may catch it in between.
   */
  async function waitForMarks(selector, count) {
    await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length === n, [selector, count], { timeout: 20_000 });
  }

  async function openTab(label) {
    await page.locator('vscode-panel-tab', { hasText: label }).click();
  }

  /** Charts fully drawn: each figure has an SVG with marks. */
  async function waitForCharts(container, count) {
    await page.waitForFunction(
      ([selector, n]) => {
        const figures = document.querySelectorAll(`${selector} .chart-figure`);
        return figures.length === n && [...figures].every((f) => f.querySelector('svg g.mark-line path'));
      },
      [container, count],
      { timeout: 20_000 },
    );
  }

  before(async () => {
    server = await startRunlensServe();
    const { api } = server;
    ids.experiment = await api.createExperiment('e2e dashboards');
    const base = Date.now() - 60_000;
    ids.a = await api.createRun(ids.experiment, 'baseline', base);
    ids.b = await api.createRun(ids.experiment, 'wider', base + 1000);
    ids.h = await api.createRun(ids.experiment, hostile.name, base + 2000);
    await api.logBatch(ids.a, {
      params: [
        { key: 'lr', value: '0.1' },
        { key: 'depth', value: '5' },
        { key: 'optimizer', value: 'adam' },
      ],
      tags: [{ key: 'team', value: 'vision' }],
    });
    await api.logBatch(ids.b, {
      params: [
        { key: 'lr', value: '0.2' },
        { key: 'depth', value: '5' },
        { key: 'optimizer', value: 'sgd' },
        { key: 'dropout', value: '0.5' },
      ],
      tags: [{ key: 'team', value: 'vision' }],
    });
    await logSeries(api, ids.a, 'loss', 40, (step) => 1 / (step + 1));
    await logSeries(api, ids.a, 'accuracy', 40, (step) => step / 40);
    await logSeries(api, ids.b, 'loss', 30, (step) => 0.5 / (step + 1));
    await logSeries(api, ids.b, 'accuracy', 30, (step) => step / 25);
    await api.uploadArtifact(ids.a, 'notes/readme.txt', 'logged by the e2e test\n<b>not bold</b>', 'text/plain');
    await api.uploadArtifact(ids.a, 'eval/scores.csv', 'fold,score\n1,0.9\n2,0.8\n', 'text/csv');
    await api.uploadArtifact(ids.a, 'plots/pixel.png', Buffer.from(onePixelPng, 'base64'), 'image/png');
    await api.uploadArtifact(ids.a, 'runlens/output.log', 'epoch 1 loss 0.5\nepoch 2 loss 0.25\n', 'text/plain');
    await api.endRun(ids.a);
    await api.endRun(ids.b);
    await api.logBatch(ids.h, {
      params: Object.entries(hostile.params).map(([key, value]) => ({ key, value })),
      tags: [...Object.entries(hostile.tags).map(([key, value]) => ({ key, value })), { key: 'mlflow.note.content', value: hostile.note }],
    });
    await logSeries(api, ids.h, 'loss', 10, (step) => 2 / (step + 1));

    profile = mkdtempSync(path.join(os.tmpdir(), 'runlens-dashboards-chromium-'));
    browser = await launchChromium(profile);
    // Everything that could betray a payload: CSP reports, dialogs.
    await browser.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.sourceFile}:${e.lineNumber}`));
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    mkdirSync(resultsDir, { recursive: true });
    // Signed in once for every test (the first test checks how).
    await page.goto(server.dashboards);
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  test('a one-time sign-in address signs the browser in with an HttpOnly, SameSite=Strict session cookie and leaves the address', stepTimeout, async () => {
    const anonymous = await fetch(new URL('/', server.url));
    assert.equal(anonymous.status, 401, 'pages need the session');
    const apiToken = await fetch(new URL(`/?token=${server.token}`, server.url), { redirect: 'manual' });
    assert.equal(apiToken.status, 401, 'the API token signs nothing in');
    assert.equal(apiToken.headers.get('set-cookie'), null);
    const used = await fetch(new URL(server.dashboards), { redirect: 'manual' });
    assert.equal(used.status, 401, 'the printed address was used by the first sign-in');

    await browser.clearCookies();
    await page.goto(await server.signInAddress());
    await page.waitForFunction(() => !location.search.includes('code='));
    const [cookie] = await browser.cookies(server.url);
    assert.match(cookie?.name ?? '', /^runlens_session_\d+$/);
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(cookie.path, '/');
    assert.notEqual(cookie.value, server.token, 'the cookie is not the API token');
    // The cookie alone (what other apps on 127.0.0.1 receive) opens no data.
    const bridge = await fetch(new URL('/dashboard-api', server.url), {
      method: 'POST',
      headers: { cookie: `${cookie.name}=${cookie.value}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'request', id: 1, method: 'index/get', params: {} }),
    });
    assert.equal(bridge.status, 401);
    // An MLflow run link opens the run's dashboard.
    await page.goto(new URL(`/#/experiments/${ids.experiment}/runs/${ids.a}`, server.url).href);
    await page.waitForURL((url) => url.pathname === `/run/${ids.a}`);

    // The cookie opens the dashboards, never the MLflow API.
    const withCookie = { headers: { cookie: `${cookie.name}=${cookie.value}` } };
    assert.equal((await fetch(new URL('/api/2.0/mlflow/experiments/search', server.url), { method: 'POST', ...withCookie })).status, 401);
    const page0 = await fetch(new URL(`/run/${ids.a}`, server.url), withCookie);
    assert.equal(page0.status, 200);
    assert.match(page0.headers.get('content-security-policy') ?? '', /script-src 'nonce-[^']+'(;|$)/);
    assert.doesNotMatch(page0.headers.get('content-security-policy') ?? '', /unsafe-eval|unsafe-inline/);
  });

  test('the start page lists the experiments and the newest runs', stepTimeout, async () => {
    await open('/');
    const { experiments } = await server.api.post('experiments/search', { max_results: 100 });
    await waitForRows('experiments', experiments.length);
    const shown = await gridCells('experiments');
    for (const experiment of experiments) assert.equal(shown[experiment.experiment_id]?.cells.name, experiment.name);
    await waitForRows('recent-runs', 3);
    const runs = await gridCells('recent-runs');
    assert.equal(runs[ids.a].cells.name, 'baseline');
    assert.equal(runs[ids.h].cells.name, hostile.name);
    await assertNothingRan(page, dialogs);
  });

  test('the run dashboard shows the store’s params and metrics, and a chart line per metric', stepTimeout, async () => {
    await open(`/run/${ids.a}`);
    const { run } = await server.api.getRun(ids.a);
    await waitForRows('params', run.data.params.length);
    assert.equal(await page.locator('h1').textContent(), 'baseline');
    const params = await gridCells('params');
    for (const { key, value } of run.data.params) assert.equal(params[key].cells.value, value);

    const metrics = await gridCells('metrics');
    for (const { key } of run.data.metrics) {
      const { metrics: history } = await server.api.get(`metrics/get-history?run_id=${ids.a}&metric_key=${key}`);
      const values = history.map((m) => m.value);
      const shown = metrics[key].cells;
      assert.equal(Number(shown.points), history.length);
      assert.equal(Number(shown.min), Math.min(...values));
      assert.equal(Number(shown.max), Math.max(...values));
      assert.ok(Math.abs(Number(shown.last) - history.at(-1).value) < 1e-6, `${key} last`);
    }

    await openTab('Charts');
    await waitForCharts('[data-name="metric-charts"]', run.data.metrics.length);
    for (const { key } of run.data.metrics) {
      const figure = page.locator(`.chart-figure[data-metric="${key}"]`);
      assert.equal(await figure.locator('svg g.mark-line path').count(), 1, `one line (one run) in the ${key} chart`);
      // Under 5,000 points each point is a (transparent) mark carrying its tooltip: one per logged value.
      assert.equal(await figure.locator('svg g.mark-symbol path').count(), Number(metrics[key].cells.points));
    }

    // Artifacts: text as text, CSV as a table, images from data: URLs; the captured output in its own tab.
    await openTab('Artifacts');
    const artifact = (artifactPath) => page.locator(`vscode-data-grid[data-name="artifacts"] vscode-data-grid-row[data-key="${artifactPath}"]`);
    await artifact('notes/readme.txt').click();
    await page.locator('[data-name="artifact-preview"] .preview-text').waitFor();
    assert.equal(await page.locator('[data-name="artifact-preview"] .preview-text').textContent(), 'logged by the e2e test\n<b>not bold</b>');
    await artifact('eval/scores.csv').click();
    await waitForRows('csv-preview', 2);
    assert.deepEqual(Object.values(await gridCells('csv-preview')).map((r) => [r.cells['0'], r.cells['1']]), [['1', '0.9'], ['2', '0.8']]);
    await artifact('plots/pixel.png').click();
    const image = page.locator('[data-name="artifact-preview"] img');
    await image.waitFor();
    assert.match(await image.getAttribute('src'), /^data:image\/png;base64,/);
    assert.equal(await image.evaluate((img) => img.naturalWidth), 1);
    await openTab('Output');
    await page.locator('[data-name="output-log"]', { hasText: 'epoch 2' }).waitFor();
    assert.equal(await page.locator('[data-name="output-log"]').textContent(), 'epoch 1 loss 0.5\nepoch 2 loss 0.25\n');
    await assertNothingRan(page, dialogs);
  });

  test('a chart follows its container when that changes width and the window does not (a panel laid out, a sidebar dragged)', stepTimeout, async () => {
    await open(`/run/${ids.a}`);
    const { run } = await server.api.getRun(ids.a);
    await openTab('Charts');
    await waitForCharts('[data-name="metric-charts"]', run.data.metrics.length);
    const chart = page.locator('[data-name="metric-charts"] .chart-figure .chart').first();
    const drawnWidth = () => chart.evaluate((element) => element.querySelector('svg')?.getBoundingClientRect().width ?? 0);
    const wide = await drawnWidth();
    assert.ok(wide > 400, `drawn at the grid's width (${wide} px)`);
    await page.evaluate(() => {
      window.__resizes = 0;
      window.addEventListener('resize', () => (window.__resizes += 1));
    });
    await chart.evaluate((element) => (element.style.width = '300px'));
    await page.waitForFunction((element) => (element.querySelector('svg')?.getBoundingClientRect().width ?? 999) <= 300, await chart.elementHandle(), { timeout: 10_000 });
    await chart.evaluate((element) => (element.style.width = ''));
    await page.waitForFunction((element) => (element.querySelector('svg')?.getBoundingClientRect().width ?? 0) > 400, await chart.elementHandle(), { timeout: 10_000 });
    assert.equal(await page.evaluate(() => window.__resizes), 0, 'the window never resized');
    assert.ok(Math.abs((await drawnWidth()) - wide) <= 1, 'back to its first width');
  });

  test('the experiment dashboard’s table equals the store, sorts, filters and hides equal columns', stepTimeout, async () => {
    await open(`/experiment/${ids.experiment}`);
    await waitForRows('runs', 3);
    const { runs } = await server.api.post('runs/search', { experiment_ids: [ids.experiment], max_results: 100 });
    const rows = await gridCells('runs');
    for (const run of runs) {
      const cells = rows[run.info.run_id].cells;
      assert.equal(cells['attribute:name'], run.info.run_name);
      for (const { key, value } of run.data.params) assert.equal(cells[`param:${key}`], value, `params.${key}`);
      for (const { key, value } of run.data.metrics) assert.ok(Math.abs(Number(cells[`metric:${key}`]) - value) < 1e-6, `metrics.${key}`);
    }

    // Only columns that differ: depth (5 everywhere) and user go; lr (0.1, 0.2, missing) stays.
    await page.locator('[data-name="only-differing-columns"]').click();
    await page.waitForFunction(() => !document.querySelector('vscode-data-grid[data-name="runs"] [data-column="param:depth"]'));
    const columns = await gridColumns('runs');
    assert.ok(columns.includes('param:lr') && columns.includes('param:optimizer') && columns.includes('metric:loss'));
    assert.ok(!columns.includes('param:depth') && !columns.includes('attribute:user'));
    await page.locator('[data-name="only-differing-columns"]').click();
    await page.waitForFunction(() => document.querySelector('vscode-data-grid[data-name="runs"] [data-column="param:depth"]'));

    // Sort by lr, ascending then descending; the run without lr sorts last both ways.
    const order = async () => page.evaluate(() => [...document.querySelectorAll('vscode-data-grid[data-name="runs"] vscode-data-grid-row[data-key]')].map((r) => r.dataset.key));
    await page.locator('vscode-data-grid[data-name="runs"] vscode-data-grid-cell[cell-type="columnheader"][data-column="param:lr"]').click();
    await page.waitForFunction(() => document.querySelector('[data-column="param:lr"][aria-sort="ascending"]'));
    assert.deepEqual(await order(), [ids.a, ids.b, ids.h]);
    await page.locator('vscode-data-grid[data-name="runs"] vscode-data-grid-cell[cell-type="columnheader"][data-column="param:lr"]').click();
    await page.waitForFunction(() => document.querySelector('[data-column="param:lr"][aria-sort="descending"]'));
    assert.deepEqual(await order(), [ids.b, ids.a, ids.h]);

    // The filter language: one run matches; a broken filter says where it broke and marks the field.
    const filter = page.locator('vscode-text-field[data-name="filter"] input');
    await filter.fill("params.optimizer = 'adam'");
    await filter.press('Enter');
    await waitForRows('runs', 1);
    assert.deepEqual(Object.keys(await gridCells('runs')), [ids.a]);
    await filter.fill('params.lr >>> 1');
    await filter.press('Enter');
    await page.locator('.status-line.error').waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('vscode-text-field[data-name="filter"]').getAttribute('aria-invalid'), 'true');
    await filter.fill('');
    await filter.press('Enter');
    await waitForRows('runs', 3);

    // Charts of the selected runs: the history overlays one line per run; the scatter has one point per run.
    await waitForCharts('[data-name="metric-charts"]', 2);
    await waitForMarks('[data-name="metric-charts"] .chart-figure[data-metric="loss"] svg g.mark-line path', 3);
    await openTab('Scatter');
    // By default the first param against the first metric that all selected runs have: depth against loss, a point per run.
    await waitForMarks('[data-name="scatter"] svg g.mark-symbol path', 3);
    await openTab('Parallel coordinates');
    await page.locator('[data-name="parallel"] svg g.mark-line path').first().waitFor({ timeout: 20_000 });
    await assertNothingRan(page, dialogs);
  });

  test('the tab in view survives a reload; a saved tab the dashboard lacks opens the first', stepTimeout, async () => {
    const activeTab = () => page.evaluate(() => document.querySelector('vscode-panels')?.activeid);
    const waitForActiveTab = (id) => page.waitForFunction((want) => document.querySelector('vscode-panels')?.activeid === want, id, { timeout: 20_000 });

    await open(`/run/${ids.a}`);
    await waitForRows('params', 3);
    await openTab('Output');
    await page.locator('[data-name="output-log"]', { hasText: 'epoch 2' }).waitFor();
    assert.equal((await page.evaluate(() => history.state)).tab, 'output', 'the tab is saved with the page’s state');
    await page.reload();
    await waitForActiveTab('tab-output');
    // Restored tabs load as if opened: the log is fetched for the tab in view.
    await page.locator('[data-name="output-log"]', { hasText: 'epoch 2' }).waitFor({ state: 'visible', timeout: 20_000 });

    await page.evaluate(() => history.replaceState({ ...history.state, tab: 'no-such-tab' }, ''));
    await page.reload();
    await waitForRows('params', 3);
    assert.equal(await activeTab(), 'tab-summary');

    await open(`/experiment/${ids.experiment}`);
    await waitForRows('runs', 3);
    await openTab('Scatter');
    await page.locator('[data-name="scatter"] svg g.mark-symbol path').first().waitFor({ timeout: 20_000 });
    await page.reload();
    await waitForActiveTab('tab-scatter');
    // The restored chart tab is drawn on load (hidden tabs are not: they would have no width).
    await page.locator('[data-name="scatter"] svg g.mark-symbol path').first().waitFor({ state: 'visible', timeout: 20_000 });
    await waitForMarks('[data-name="scatter"] svg g.mark-symbol path', 3);
  });

  test('Export CSV downloads exactly the store’s values', stepTimeout, async () => {
    await open(`/experiment/${ids.experiment}`);
    await waitForRows('runs', 3);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-name="export-csv"]').click()]);
    const file = await download.path();
    const [header, ...records] = parseCsv(readFileSync(file, 'utf8'));
    assert.equal(header[0], 'run_id');
    const { runs } = await server.api.post('runs/search', { experiment_ids: [ids.experiment], max_results: 100 });
    assert.equal(records.length, runs.length);
    for (const run of runs) {
      const record = records.find((r) => r[0] === run.info.run_id);
      assert.ok(record, `${run.info.run_id} is exported`);
      const field = (name) => record[header.indexOf(name)];
      assert.equal(field('run_name'), run.info.run_name);
      for (const { key, value } of run.data.params) assert.equal(field(`params.${key}`), value, `params.${key}`);
      for (const { key, value } of run.data.metrics) assert.equal(Number(field(`metrics.${key}`)), value, `metrics.${key}`);
      const loggedParams = new Set(run.data.params.map((p) => p.key));
      for (const name of header.filter((h) => h.startsWith('params.'))) {
        if (!loggedParams.has(name.slice('params.'.length))) assert.equal(field(name), '', `${name} is empty for a run without it`);
      }
    }
  });

  test('the compare view marks exactly the params that differ, and shows all of them on request', stepTimeout, async () => {
    await open(`/compare?run=${ids.a}&run=${ids.b}`);
    const [{ run: a }, { run: b }] = await Promise.all([server.api.getRun(ids.a), server.api.getRun(ids.b)]);
    const valuesA = new Map(a.data.params.map((p) => [p.key, p.value]));
    const valuesB = new Map(b.data.params.map((p) => [p.key, p.value]));
    const keys = [...new Set([...valuesA.keys(), ...valuesB.keys()])];
    const expected = Object.fromEntries(
      keys.map((key) => [
        key,
        !valuesB.has(key) ? 'diff-onlyLeft' : !valuesA.has(key) ? 'diff-onlyRight' : valuesA.get(key) === valuesB.get(key) ? 'diff-equal' : 'diff-changed',
      ]),
    );
    const differing = keys.filter((key) => expected[key] !== 'diff-equal');

    // "Show only differences" is on by default.
    await waitForRows('param-diff', differing.length);
    const shown = await gridCells('param-diff');
    assert.deepEqual(Object.keys(shown).sort(), differing.sort());
    for (const key of differing) {
      assert.ok(shown[key].className.split(' ').includes(expected[key]), `${key} is marked ${expected[key]}, not ${shown[key].className}`);
      assert.equal(shown[key].cells[`run:${ids.a}`], valuesA.get(key) ?? '—');
      assert.equal(shown[key].cells[`run:${ids.b}`], valuesB.get(key) ?? '—');
    }

    await page.locator('[data-name="only-differences"]').click();
    await waitForRows('param-diff', keys.length);
    const all = await gridCells('param-diff');
    for (const key of keys) assert.ok(all[key].className.split(' ').includes(expected[key]), `${key}: ${all[key].className}`);

    // Lower loss is better: the run with the lower last loss is marked best.
    const metricRows = await gridCells('metric-diff');
    const lastLoss = (run) => run.data.metrics.find((m) => m.key === 'loss').value;
    const better = lastLoss(a) < lastLoss(b) ? ids.a : ids.b;
    assert.match(metricRows.loss.cells[`run:${better}`], /best/);
    await waitForCharts('[data-name="metric-charts"]', 2);
    await waitForMarks('[data-name="metric-charts"] .chart-figure[data-metric="loss"] svg g.mark-line path', 2);
    await page.locator('[data-name="only-differences"]').click();
    await waitForRows('param-diff', differing.length);
  });

  test('runs are added to and removed from a compare from within the view', stepTimeout, async () => {
    await open(`/compare?run=${ids.a}&run=${ids.b}`);
    await waitForRows('param-diff', 3);
    await page.locator('.run-picker summary').click();
    const candidate = page.locator(`[data-name="candidates"] li[data-run-id="${ids.h}"] [data-name="add-run"]`);
    await candidate.waitFor({ timeout: 20_000 });
    await candidate.click();
    await page.waitForFunction(() => document.querySelectorAll('[data-name="compare-runs"] .run-chip').length === 3);
    assert.equal(new URL(page.url()).searchParams.getAll('run').length, 3, 'the address names the three runs');
    await page.waitForFunction((id) => document.querySelector(`vscode-data-grid[data-name="param-diff"] [data-column="run:${id}"]`), ids.h);
    await page.locator(`[data-name="compare-runs"] .run-chip[data-run-id="${ids.h}"] [data-name="remove-run"]`).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-name="compare-runs"] .run-chip').length === 2);
    assert.deepEqual(new URL(page.url()).searchParams.getAll('run'), [ids.a, ids.b]);
  });

  test('a metric logged while the page is open appears within 1 s', stepTimeout, async (t) => {
    await open(`/run/${ids.b}`);
    await waitForRows('metrics', 2);
    await page.waitForFunction(() => document.documentElement.dataset.live === 'connected', undefined, { timeout: 10_000 });
    const started = performance.now();
    await server.api.logMetric(ids.b, 'live_metric', 42, 0);
    await page.waitForFunction(
      () => document.querySelector('vscode-data-grid[data-name="metrics"] vscode-data-grid-row[data-key="live_metric"]'),
      undefined,
      { timeout: 5_000 },
    );
    const elapsed = performance.now() - started;
    t.diagnostic(`logged → shown: ${elapsed.toFixed(0)} ms`);
    assert.ok(elapsed < 1000, `the metric showed after ${elapsed.toFixed(0)} ms`);
    const cells = (await gridCells('metrics')).live_metric.cells;
    assert.equal(cells.last, '42');
  });

  test('markup, script, javascript: links, long, right-to-left and zero-width text show as written and never run', stepTimeout, async () => {
    await open(`/run/${ids.h}`);
    await waitForRows('params', Object.keys(hostile.params).length);
    assert.equal(await page.locator('h1').textContent(), hostile.name);
    const params = await gridCells('params');
    for (const [key, value] of Object.entries(hostile.params)) assert.equal(params[key].cells.value, value, `params.${key}`);
    const tags = await gridCells('tags');
    for (const [key, value] of Object.entries(hostile.tags)) assert.equal(tags[key].cells.value, value, `tags.${key}`);
    assert.equal(await page.locator('img').count(), 0, 'no image was made from text');

    await openTab('Note');
    const note = page.locator('[data-name="note"] .markdown');
    await note.waitFor();
    const noteText = await note.textContent();
    assert.ok(noteText.includes(`[me](javascript:window.__pwned='note')`), 'the javascript: link stays text');
    assert.ok(noteText.includes(`<img src=x onerror="window.__pwned='note-img'">`), 'raw HTML stays text');
    assert.equal(await note.locator('a').count(), 1, 'only the https link is a link');
    assert.equal(await note.locator('a').getAttribute('href'), 'https://mlflow.org/docs');
    assert.equal(await note.locator('strong').textContent(), 'bold');
    assert.equal(await note.locator('li').count(), 2);
    await assertNothingRan(page, dialogs);

    // The same run in the table and in a compare.
    await open(`/experiment/${ids.experiment}`);
    await waitForRows('runs', 3);
    const rows = await gridCells('runs');
    assert.equal(rows[ids.h].cells['attribute:name'], hostile.name);
    assert.equal(rows[ids.h].cells['param:payload'], hostile.params.payload);
    await page.locator(`vscode-data-grid[data-name="runs"] vscode-data-grid-row[data-key="${ids.h}"] [data-column="attribute:name"]`).hover();
    await assertNothingRan(page, dialogs);
    await open(`/compare?run=${ids.a}&run=${ids.h}`);
    await page.waitForFunction(() => document.querySelectorAll('vscode-data-grid[data-name="param-diff"] vscode-data-grid-row[data-key]').length > 0);
    assert.equal((await gridCells('param-diff')).payload.cells[`run:${ids.h}`], hostile.params.payload);
    await assertNothingRan(page, dialogs);

    // The address itself is untrusted too: it lands, escaped, in the page's bootstrap data.
    await open(`/run/${encodeURIComponent(`</script><script>window.__pwned='url'</script>`)}`);
    await page.locator('.status-line.error').waitFor({ timeout: 20_000 });
    await assertNothingRan(page, dialogs);
  });

  test('screenshots of each dashboard in light and dark', stepTimeout, async () => {
    // One chart per metric any of the runs logged (the earlier tests logged more).
    const metricCount = async (runIds) => {
      const keys = new Set();
      for (const id of runIds) for (const m of (await server.api.getRun(id)).run.data.metrics) keys.add(m.key);
      return keys.size;
    };
    const [runCharts, experimentCharts, compareCharts] = [await metricCount([ids.a]), await metricCount([ids.a, ids.b, ids.h]), await metricCount([ids.a, ids.b])];
    const pages = [
      ['index', '/', async () => waitForRows('recent-runs', 3)],
      [
        'run',
        `/run/${ids.a}`,
        async () => {
          await waitForRows('params', 3);
          await openTab('Charts');
          await waitForCharts('[data-name="metric-charts"]', runCharts);
        },
      ],
      ['experiment', `/experiment/${ids.experiment}`, async () => waitForCharts('[data-name="metric-charts"]', experimentCharts)],
      ['compare', `/compare?run=${ids.a}&run=${ids.b}`, async () => waitForCharts('[data-name="metric-charts"]', compareCharts)],
    ];
    for (const theme of ['light', 'dark']) {
      for (const [name, address, ready] of pages) {
        await open(`${address}${address.includes('?') ? '&' : '?'}theme=${theme}`);
        await ready();
        const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        // Light Modern's editor background is white, Dark Modern's #1f1f1f.
        assert.equal(background, theme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(31, 31, 31)', `${name} in ${theme}`);
        await page.screenshot({ path: path.join(resultsDir, `dashboard-${name}-${theme}.png`), fullPage: true });
      }
    }
  });

  // Last, as its runs would change the counts the tests above expect.
  test('many metrics chart a few at a time: the first before the last chunk is answered, a failed chunk on its charts only', stepTimeout, async () => {
    const { api } = server;
    const experiment = await api.createExperiment('e2e many metrics');
    const keys = Array.from({ length: 12 }, (_, i) => `metric_${String(i).padStart(2, '0')}`);
    const runIds = [];
    for (const name of ['left', 'right']) {
      const runId = await api.createRun(experiment, name);
      const timestamp = Date.now();
      await api.logBatch(runId, { metrics: keys.flatMap((key, k) => Array.from({ length: 20 }, (_, step) => ({ key, value: k + step / 20, timestamp: timestamp + step, step }))) });
      runIds.push(runId);
    }
    const chartsDrawnOrFailed = () =>
      page.waitForFunction(
        (n) => {
          const figures = document.querySelectorAll('[data-name="metric-charts"] .chart-figure');
          return figures.length === n && [...figures].every((f) => f.querySelector('svg g.mark-line path, .chart-note.error'));
        },
        keys.length,
        { timeout: 20_000 },
      );
    const drawn = () => page.$$eval('[data-name="metric-charts"] .chart-figure', (figures) => figures.filter((f) => f.querySelector('svg g.mark-line path')).map((f) => f.dataset.metric));
    const failed = () => page.$$eval('[data-name="metric-charts"] .chart-figure', (figures) => figures.filter((f) => f.querySelector('.chart-note.error')).map((f) => f.dataset.metric));

    // Every chart request the page makes (the bridge is one POST per request), and what it asked for.
    let onChartRequest = async () => undefined;
    const asked = [];
    await page.route('**/dashboard-api', async (route) => {
      const message = JSON.parse(route.request().postData() ?? '{}');
      if (message.method !== 'run/metricSeries') return route.continue();
      asked.push(message.params);
      await onChartRequest(route, message.params);
    });
    try {
      // A compare opens before it knows the keys: the host picks the first few; the last chunk is held until a chart shows.
      let drawnWhileLastHeld;
      onChartRequest = async (route, params) => {
        if (params.keys?.includes(keys.at(-1))) {
          await page.waitForFunction((key) => document.querySelector(`.chart-figure[data-metric="${key}"] svg g.mark-line path`), keys[0], { timeout: 20_000 }).catch(() => undefined);
          drawnWhileLastHeld = await drawn();
        }
        await route.continue();
      };
      await open(`/compare?run=${runIds[0]}&run=${runIds[1]}`);
      await chartsDrawnOrFailed();
      assert.deepEqual((await drawn()).sort(), keys, 'every chart is drawn');
      assert.equal(await page.locator(`.chart-figure[data-metric="${keys[0]}"] svg g.mark-line path`).count(), 2, 'a line per run');
      assert.ok(drawnWhileLastHeld?.includes(keys[0]), `the first chart showed before the last chunk was answered (drawn then: ${drawnWhileLastHeld})`);
      assert.equal(asked[0].limit, 4, 'the first request asks for the first few charts');
      assert.equal(asked[0].keys, undefined);
      const later = asked.slice(1).map((params) => params.keys);
      assert.ok(later.every((chunk) => chunk.length <= 4), `chunks of at most 4: ${JSON.stringify(later)}`);
      assert.deepEqual(later.flat().sort(), keys.slice(4), 'the rest are asked for once each');

      // The run dashboard knows its keys from its model: every request names them.
      asked.length = 0;
      onChartRequest = (route) => route.continue();
      await open(`/run/${runIds[0]}`);
      await waitForRows('metrics', keys.length);
      await openTab('Charts');
      await chartsDrawnOrFailed();
      assert.deepEqual((await drawn()).sort(), keys);
      assert.ok(asked.every((params) => params.keys?.length <= 4 && params.limit === undefined), JSON.stringify(asked));
      assert.deepEqual(asked.flatMap((params) => params.keys).sort(), keys);

      // A chunk whose request fails says so on its own charts; the others draw.
      let failedKeys;
      onChartRequest = async (route, params) => {
        if (params.keys?.includes(keys[6])) {
          failedKeys = params.keys;
          await route.abort('connectionrefused');
        } else await route.continue();
      };
      await open(`/compare?run=${runIds[0]}&run=${runIds[1]}`);
      await chartsDrawnOrFailed();
      assert.ok(failedKeys?.length > 0);
      assert.deepEqual(await failed(), keys.filter((key) => failedKeys.includes(key)));
      assert.deepEqual(await drawn(), keys.filter((key) => !failedKeys.includes(key)));
      assert.match(await page.locator(`.chart-figure[data-metric="${keys[6]}"] .chart-note.error`).textContent(), /did not answer/);
    } finally {
      await page.unroute('**/dashboard-api');
    }
  });

  test('the run dashboard lists its logged models with the metrics they were scored with, on their evaluation dataset', stepTimeout, async () => {
    // Its own experiment and run, made last, so that the other tests' counts of runs and metrics hold.
    const { api } = server;
    const experiment = await api.createExperiment('e2e scored models');
    const scored = await api.createRun(experiment, 'scored', Date.now());
    const created = await api.post('logged-models', { experiment_id: experiment, name: 'wider-clf', source_run_id: scored });
    ids.model = created.model.info.model_id;
    // Scored on an evaluation dataset twice, as MLflow 3's log_metric(model_id=…) does.
    await api.logBatch(scored, {
      metrics: [
        { key: 'f1', value: 0.7, step: 0, timestamp: Date.now(), model_id: ids.model, dataset_name: 'holdout', dataset_digest: 'd1g3st00' },
        { key: 'f1', value: 0.75, step: 1, timestamp: Date.now() + 1, model_id: ids.model, dataset_name: 'holdout', dataset_digest: 'd1g3st00' },
      ],
    });
    await open(`/run/${scored}`);
    await openTab('Artifacts');
    await waitForRows('model-metrics', 1);
    const { model } = await server.api.get(`logged-models/${ids.model}`);
    const latest = model.data.metrics.reduce((a, b) => (b.step > a.step ? b : a));
    const rows = await gridCells('model-metrics');
    assert.deepEqual(Object.keys(rows), [`${ids.model}/f1@holdout (d1g3st00)`]);
    const { cells } = Object.values(rows)[0];
    assert.deepEqual(cells, { model: 'wider-clf', metric: 'f1', value: String(latest.value), step: String(latest.step), dataset: 'holdout (d1g3st00)' });
  });
});
