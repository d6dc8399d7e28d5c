import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DashboardState } from '../../src/protocol/dashboards/state';
import type { RunLensApi } from '../../src/vscode/runLensExtension';
import type { AnsweredRequest, WebviewHost } from '../../src/vscode/dashboards/webviewHost';
import { mlflowPost } from './support';

// The dashboards in the real VS Code: the commands open webview panels, the page in each panel loads
// under its CSP and asks its host for data, the host answers from the store, live changes reach an
// open panel, and a panel comes back from saved state after a reload (through the serializer).

async function api(): Promise<RunLensApi> {
  const extension = vscode.extensions.getExtension<RunLensApi>('runlens.runlens');
  assert.ok(extension, 'the RunLens extension is installed');
  return extension.activate();
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every answer each host gave, from the moment the suite starts listening. */
const answers = new Map<WebviewHost, AnsweredRequest[]>();

function answered(host: WebviewHost, method: string): AnsweredRequest[] {
  return (answers.get(host) ?? []).filter((a) => a.method === method);
}

async function waitForAnswer(host: WebviewHost, method: string, count = 1): Promise<AnsweredRequest> {
  const answer = await waitFor(`the panel's ${method} request to be answered (${count})`, () => answered(host, method)[count - 1]);
  assert.ok(answer.ok, `${method} failed: ${answer.error}`);
  return answer;
}

async function newestHost(runLens: RunLensApi, before: readonly WebviewHost[], kind: DashboardState['kind']): Promise<WebviewHost> {
  return waitFor(`a new ${kind} panel`, () => runLens.dashboards.hosts.find((h) => !before.includes(h) && h.state.kind === kind));
}

interface Seeded {
  readonly experimentId: string;
  readonly runIds: readonly string[];
  post(route: string, body: unknown): Promise<unknown>;
}

async function seed(runLens: RunLensApi): Promise<Seeded> {
  const endpoint = await runLens.trackingEndpoint();
  assert.ok(endpoint, 'this window owns the store and serves it');
  const post = mlflowPost(endpoint);
  const { experiment_id: experimentId } = (await post('experiments/create', { name: `dashboards-${Date.now()}` })) as { experiment_id: string };
  const runIds: string[] = [];
  for (const [name, lr] of [['first', '0.1'], ['second', '0.2']]) {
    const { run } = (await post('runs/create', { experiment_id: experimentId, run_name: name, start_time: Date.now() })) as {
      run: { info: { run_id: string } };
    };
    runIds.push(run.info.run_id);
    await post('runs/log-batch', {
      run_id: run.info.run_id,
      params: [{ key: 'lr', value: lr }],
      metrics: [0, 1, 2].map((step) => ({ key: 'loss', value: 1 / (step + 1), timestamp: Date.now(), step })),
    });
  }
  return { experimentId, runIds, post };
}

suite('Dashboards in VS Code', () => {
  let runLens: RunLensApi;
  let data: Seeded;
  let listening: vscode.Disposable | undefined;

  suiteSetup(async () => {
    runLens = await api();
    listening = runLens.dashboards.onDidAnswer(({ host, ...answer }) => {
      const list = answers.get(host) ?? [];
      list.push(answer);
      answers.set(host, list);
    });
    data = await seed(runLens);
  });

  suiteTeardown(async () => {
    listening?.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the three commands are registered', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['runlens.openRunDashboard', 'runlens.openExperimentDashboard', 'runlens.compareRuns']) {
      assert.ok(commands.includes(id), `${id} is registered`);
    }
  });

  test('Open Run Dashboard opens a panel whose page loads the run from the host', async () => {
    const before = runLens.dashboards.hosts;
    await vscode.commands.executeCommand('runlens.openRunDashboard', data.runIds[0]);
    const host = await newestHost(runLens, before, 'run');
    assert.deepEqual(host.state, { kind: 'run', runId: data.runIds[0] });
    assert.equal(host.panel.viewType, 'runlens.dashboard');
    await waitForAnswer(host, 'run/get');
    // The page reports its title once it has the run: the panel is named after it.
    await waitFor('the panel title to name the run', () => (host.panel.title === 'Run: first' ? true : undefined));
  });

  test('a metric logged while the run dashboard is open reaches it', async () => {
    const host = runLens.dashboards.hosts.find((h) => h.state.kind === 'run' && h.state.runId === data.runIds[0]);
    assert.ok(host, 'the run panel of the previous test is open');
    await waitForAnswer(host, 'run/get');
    const loadsBefore = answered(host, 'run/get').length;
    await data.post('runs/log-metric', { run_id: data.runIds[0], key: 'loss', value: 0.05, timestamp: Date.now(), step: 3 });
    // runs/changed goes to the page, which asks for the run again.
    await waitForAnswer(host, 'run/get', loadsBefore + 1);
  });

  test("the links MLflow's client prints in a terminal open the run and experiment dashboards", async () => {
    const endpoint = await runLens.trackingEndpoint();
    assert.ok(endpoint);
    const terminal = vscode.window.terminals[0] ?? vscode.window.createTerminal('links');
    const linksIn = async (line: string) => (await runLens.terminalLinks.provideTerminalLinks({ line, terminal }, new vscode.CancellationTokenSource().token)) ?? [];
    const runLine = `🏃 View run first at: ${endpoint.url}/#/experiments/${data.experimentId}/runs/${data.runIds[0]}`;
    const [runLink, ...none] = await linksIn(runLine);
    assert.deepEqual(none, []);
    assert.equal(runLine.slice(runLink.startIndex, runLink.startIndex + runLink.length), `${endpoint.url}/#/experiments/${data.experimentId}/runs/${data.runIds[0]}`);
    let before = runLens.dashboards.hosts;
    await runLens.terminalLinks.handleTerminalLink(runLink);
    assert.deepEqual((await newestHost(runLens, before, 'run')).state, { kind: 'run', runId: data.runIds[0] });

    const [experimentLink] = await linksIn(`🧪 View experiment at: ${endpoint.url}/#/experiments/${data.experimentId}`);
    before = runLens.dashboards.hosts;
    await runLens.terminalLinks.handleTerminalLink(experimentLink);
    assert.deepEqual((await newestHost(runLens, before, 'experiment')).state, { kind: 'experiment', experimentId: data.experimentId });
    // Another server's links (a team's, another window's) are left to VS Code's own link detection.
    const otherPort = Number(new URL(endpoint.url).port) + 1;
    assert.deepEqual(await linksIn(`🧪 View experiment at: http://127.0.0.1:${otherPort}/#/experiments/${data.experimentId}`), []);
  });

  test('Open Experiment Dashboard opens the runs table and charts of the experiment', async () => {
    const before = runLens.dashboards.hosts;
    await vscode.commands.executeCommand('runlens.openExperimentDashboard', data.experimentId);
    const host = await newestHost(runLens, before, 'experiment');
    await waitForAnswer(host, 'experiment/table');
    await waitForAnswer(host, 'run/metricSeries');
  });

  test('Compare Runs with two runs opens the diff, and an unknown run is answered with an error, not a crash', async () => {
    const before = runLens.dashboards.hosts;
    await vscode.commands.executeCommand('runlens.compareRuns', data.runIds);
    const host = await newestHost(runLens, before, 'compare');
    assert.deepEqual(host.state, { kind: 'compare', runIds: data.runIds });
    await waitForAnswer(host, 'compare/get');
    await waitForAnswer(host, 'run/metricSeries');

    const missing = '0'.repeat(32);
    const others = runLens.dashboards.hosts;
    runLens.dashboards.open({ kind: 'run', runId: missing });
    const broken = await newestHost(runLens, others, 'run');
    const answer = await waitFor('the unknown run to be answered', () => answered(broken, 'run/get')[0]);
    assert.equal(answer.ok, false);
    assert.match(answer.error ?? '', new RegExp(missing));
  });

  test('the serializer restores a panel from its saved state after a reload', async () => {
    // What VS Code does after a reload: a panel of our view type, handed to the serializer with the state
    // the page saved through setState. (The real reload would end this test run with the window.)
    const state: DashboardState = { kind: 'compare', runIds: [...data.runIds].reverse(), onlyDifferences: false };
    const panel = vscode.window.createWebviewPanel('runlens.dashboard', 'restoring', vscode.ViewColumn.Active, { enableScripts: true });
    const before = runLens.dashboards.hosts;
    await runLens.dashboards.deserializeWebviewPanel(panel, state);
    const host = await newestHost(runLens, before, 'compare');
    assert.equal(host.panel, panel);
    assert.deepEqual(host.state, state);
    await waitForAnswer(host, 'compare/get');
    await waitFor('the restored panel to be titled', () => (host.panel.title.startsWith('Compare: second vs first') ? true : undefined));
  });

  test("the Environment tab compares the run's environment with this machine's when it is opened, not before", async function () {
    this.timeout(60_000);
    const tags = [
      { key: 'runlens.python.version', value: '3.0.1' },
      { key: 'runlens.python.path', value: '/nonexistent/bin/python' },
    ];
    const { run } = (await data.post('runs/create', { experiment_id: data.experimentId, run_name: 'env-run', start_time: Date.now(), tags })) as {
      run: { info: { run_id: string } };
    };
    const runId = run.info.run_id;
    const before = runLens.dashboards.hosts;
    await vscode.commands.executeCommand('runlens.openRunDashboard', runId);
    const onSummary = await newestHost(runLens, before, 'run');
    await waitForAnswer(onSummary, 'run/get');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.deepEqual(answered(onSummary, 'run/environmentDiff'), [], 'opening the dashboard runs no Python');

    // The same run on its Environment tab (as a panel VS Code restores): the page asks, the host compares.
    const panel = vscode.window.createWebviewPanel('runlens.dashboard', 'restoring', vscode.ViewColumn.Active, { enableScripts: true });
    const others = runLens.dashboards.hosts;
    await runLens.dashboards.deserializeWebviewPanel(panel, { kind: 'run', runId, tab: 'environment' });
    const onEnvironment = await newestHost(runLens, others, 'run');
    await waitForAnswer(onEnvironment, 'run/get');
    await waitFor('the environment comparison', () => answered(onEnvironment, 'run/environmentDiff')[0], 45_000);
    const [answer] = answered(onEnvironment, 'run/environmentDiff');
    assert.ok(answer.ok, `run/environmentDiff failed: ${answer.error}`);
    assert.equal(answered(onEnvironment, 'run/environmentDiff').length, 1, 'compared once');
  });

  test('runs of the same name: their tabs and their compare carry short ids; a tab left alone loses its id', async () => {
    const same: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { run } = (await data.post('runs/create', { experiment_id: data.experimentId, run_name: 'lr=0.05', start_time: Date.now() })) as {
        run: { info: { run_id: string } };
      };
      same.push(run.info.run_id);
    }
    const [a, b] = same.map((id) => id.slice(0, 8));
    const before = runLens.dashboards.hosts;
    runLens.dashboards.open({ kind: 'compare', runIds: same });
    const compare = await newestHost(runLens, before, 'compare');
    await waitFor('the compare to name both runs apart', () => (compare.panel.title === `Compare: lr=0.05 (${a}) vs lr=0.05 (${b})` ? true : undefined));

    // Each tab opens in front and shows its run (a hidden panel's page is not loaded, so it names nothing yet).
    const tabs: WebviewHost[] = [];
    for (const runId of same) {
      const others = runLens.dashboards.hosts;
      runLens.dashboards.open({ kind: 'run', runId });
      const tab = await newestHost(runLens, others, 'run');
      await waitFor(`the tab of ${runId} to be named`, () => (tab.panel.title.startsWith('Run: lr=0.05') ? true : undefined));
      tabs.push(tab);
    }
    await waitFor(`both run tabs told apart (now ${tabs.map((tab) => tab.panel.title).join(', ')})`, () =>
      tabs[0].panel.title === `Run: lr=0.05 · ${a}` && tabs[1].panel.title === `Run: lr=0.05 · ${b}` ? true : undefined,
    );
    tabs[0].panel.dispose();
    await waitFor('the remaining tab to read plainly', () => (tabs[1].panel.title === 'Run: lr=0.05' ? true : undefined));
    tabs[1].panel.dispose();
    compare.panel.dispose();
  });

  test('a saved state that is not a dashboard closes the panel instead of showing a broken one', async () => {
    const panel = vscode.window.createWebviewPanel('runlens.dashboard', 'stale', vscode.ViewColumn.Active, {});
    let closed = false;
    panel.onDidDispose(() => (closed = true));
    const before = runLens.dashboards.hosts.length;
    await runLens.dashboards.deserializeWebviewPanel(panel, { kind: 'run' });
    assert.equal(closed, true);
    assert.equal(runLens.dashboards.hosts.length, before);
  });
});
