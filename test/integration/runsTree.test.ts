import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as vscode from 'vscode';
import { CommandId } from '../../src/vscode/contributions';
import type { RunLensApi } from '../../src/vscode/runLensExtension';
import { escapeMarkdown } from '../../src/vscode/runs/markdownText';
import { filterProblem } from '../../src/vscode/runs/runFilterPrompt';
import { formatMetricValue } from '../../src/vscode/runs/runFormat';
import type { FieldNode, RunsTreeNode, SectionNode } from '../../src/vscode/runs/runsTreeNodes';
import { filterMessage, viewDescription } from '../../src/vscode/runs/runsView';
import { defaultSort } from '../../src/vscode/runs/runsViewState';
import { experimentNode, labelOf, resetRunsView, runNodes, tracking, type Tracking } from './runsTreeSupport';
import { children, runLensApi, waitFor } from './support';

// The Runs view through its provider (the elements VS Code draws) and the extension's commands,
// over runs logged through the real tracking server.

function sectionNamed(nodes: readonly RunsTreeNode[], section: SectionNode['section']): SectionNode {
  const found = nodes.find((n): n is SectionNode => n.kind === 'section' && n.section === section);
  assert.ok(found, `no ${section} section among ${nodes.map((n) => n.id).join(', ')}`);
  return found;
}

function fields(nodes: readonly RunsTreeNode[]): FieldNode[] {
  return nodes.filter((n): n is FieldNode => n.kind === 'field');
}

suite('Runs view: structure and items', () => {
  let api: RunLensApi;
  let server: Tracking;

  suiteSetup(async () => {
    api = await runLensApi();
    server = await tracking(api);
    await resetRunsView();
  });

  test('experiments hold their runs newest first, nested runs sit under their parent, runs open into sections', async () => {
    const experimentId = await server.createExperiment('structure');
    const t0 = Date.now() - 60_000;
    const parent = await server.createRun(experimentId, { name: 'sweep', startTime: t0 });
    const childA = await server.createRun(experimentId, { name: 'trial-a', startTime: t0 + 1000, tags: { 'mlflow.parentRunId': parent } });
    const childB = await server.createRun(experimentId, { name: 'trial-b', startTime: t0 + 2000, tags: { 'mlflow.parentRunId': parent } });
    const latest = await server.createRun(experimentId, {
      name: 'latest',
      startTime: t0 + 3000,
      tags: {
        team: 'vision',
        'mlflow.source.name': 'train.py',
        'mlflow.source.git.commit': '0123456789abcdef0123456789abcdef01234567',
        'mlflow.source.git.branch': 'main',
        'runlens.git.dirty': 'false',
      },
    });
    const now = Date.now();
    await server.post('runs/log-batch', {
      run_id: latest,
      params: [
        { key: 'lr', value: '0.01' },
        { key: 'epochs', value: '3' },
      ],
      metrics: [
        { key: 'loss', value: 0.9, timestamp: now, step: 0 },
        { key: 'loss', value: 0.5, timestamp: now + 1, step: 1 },
        { key: 'loss', value: 0.25, timestamp: now + 2, step: 2 },
        { key: 'accuracy', value: 0.75, timestamp: now + 3, step: 2 },
      ],
    });
    await server.post('runs/update', { run_id: latest, status: 'FINISHED', end_time: now + 5000 });
    await server.post('runs/update', { run_id: childB, status: 'FAILED', end_time: now });

    const experiment = await experimentNode(api, experimentId);
    const top = await children(api, experiment);
    assert.deepEqual(
      runNodes(top).map((n) => n.runId),
      [latest, parent],
      'top level: newest first, the trials nested under the sweep',
    );
    const sweep = runNodes(top)[1];
    const sweepChildren = await children(api, sweep);
    assert.deepEqual(
      runNodes(sweepChildren).map((n) => n.runId),
      [childB, childA],
    );
    assert.equal(api.runsTree.getParent?.(runNodes(sweepChildren)[0]), sweep);

    const latestNode = runNodes(top)[0];
    const sections = await children(api, latestNode);
    assert.deepEqual(
      sections.map((n) => (n.kind === 'section' ? n.section : n.kind)),
      ['params', 'metrics', 'tags', 'artifacts', 'source'],
    );
    assert.deepEqual(
      fields(await children(api, sectionNamed(sections, 'params'))).map((f) => [f.label, f.value]),
      [
        ['epochs', '3'],
        ['lr', '0.01'],
      ],
    );
    const metrics = fields(await children(api, sectionNamed(sections, 'metrics')));
    assert.deepEqual(
      metrics.map((f) => [f.label, f.value]),
      [
        ['accuracy', '0.75 (step 2)'],
        ['loss', '0.25 (step 2)'],
      ],
    );
    const lossHover = api.runsTree.getTreeItem(metrics[1]).tooltip;
    assert.equal(lossHover, 'loss\nlatest 0.25 at step 2\nmin 0.25 · max 0.9\n3 points');

    const tags = await children(api, sectionNamed(sections, 'tags'));
    assert.deepEqual(fields(tags).map((f) => [f.key, f.value]), [['team', 'vision']]);
    const system = fields(await children(api, sectionNamed(tags, 'systemTags'))).map((f) => f.key);
    assert.ok(system.includes('mlflow.source.git.commit') && system.includes('mlflow.runName'), system.join(', '));
    assert.equal(api.runsTree.getTreeItem(fields(tags)[0]).contextValue, 'runTag');

    const source = fields(await children(api, sectionNamed(sections, 'source')));
    assert.deepEqual(
      source.map((f) => [f.label, f.value]),
      [
        ['File', 'train.py'],
        ['Commit', '0123456789ab'],
        ['Branch', 'main'],
        ['Uncommitted changes', 'none'],
      ],
    );
    assert.equal(api.runsTree.getTreeItem(source[0]).command?.command, CommandId.OpenRunSource);

    const artifacts = await children(api, sectionNamed(sections, 'artifacts'));
    assert.deepEqual(artifacts.map((n) => (n.kind === 'message' ? n.text : n.kind)), ['No artifacts']);
  });

  test('a run item shows its name, the primary metric and start time, an icon by status, and a Markdown hover', async () => {
    const experimentId = await server.createExperiment('items');
    const started = Date.now() - 5 * 60_000;
    const finished = await server.createRun(experimentId, { name: 'finished', startTime: started });
    const failed = await server.createRun(experimentId, { name: 'failed', startTime: started + 1 });
    await server.createRun(experimentId, { name: 'running', startTime: started + 2 });
    await server.post('runs/log-metric', { run_id: finished, key: 'val_loss', value: 0.123456, timestamp: started + 10, step: 1 });
    await server.post('runs/log-metric', { run_id: finished, key: 'accuracy', value: 0.5, timestamp: started + 20, step: 1 });
    await server.post('runs/log-parameter', { run_id: finished, key: 'lr', value: '0.01' });
    await server.post('runs/update', { run_id: finished, status: 'FINISHED', end_time: started + 80_000 });
    await server.post('runs/update', { run_id: failed, status: 'FAILED', end_time: started + 1000 });

    const runs = runNodes(await children(api, await experimentNode(api, experimentId)));
    const items = new Map(runs.map((node) => [node.name, api.runsTree.getTreeItem(node)]));
    const finishedItem = items.get('finished');
    assert.ok(finishedItem);
    assert.equal(labelOf(finishedItem), 'finished');
    // val_loss was logged first, so it is the experiment's primary metric until one is chosen.
    assert.equal(finishedItem.description, 'val_loss 0.1235 · 5 min ago');
    assert.equal((finishedItem.iconPath as vscode.ThemeIcon).id, 'pass');
    assert.equal((items.get('failed')?.iconPath as vscode.ThemeIcon).id, 'error');
    assert.equal(((items.get('failed')?.iconPath as vscode.ThemeIcon).color as vscode.ThemeColor).id, 'runlens.runFailed');
    assert.equal((items.get('running')?.iconPath as vscode.ThemeIcon).id, 'loading~spin');
    assert.equal(items.get('running')?.contextValue, 'run.running');
    assert.equal(items.get('failed')?.contextValue, 'run.failed');

    const hover = finishedItem.tooltip as vscode.MarkdownString;
    assert.ok(hover instanceof vscode.MarkdownString);
    assert.equal(hover.isTrusted, false);
    assert.equal(hover.supportHtml, false);
    assert.match(hover.value, /FINISHED/);
    assert.match(hover.value, /took 1 min 20 s/);
    assert.match(hover.value, /Params: lr = 0\\\.01/);
    assert.match(hover.value, /Metrics: accuracy = 0\\\.5, val\\_loss = 0\\\.1235/);

    await vscode.commands.executeCommand(CommandId.ChoosePrimaryMetric, experimentId, 'accuracy');
    const chosen = runNodes(await children(api, await experimentNode(api, experimentId))).find((n) => n.name === 'finished');
    assert.ok(chosen);
    assert.equal(api.runsTree.getTreeItem(chosen).description, 'accuracy 0.5 · 5 min ago');
    await vscode.commands.executeCommand(CommandId.ChoosePrimaryMetric, experimentId, null);
    assert.equal(api.runsTree.getTreeItem(chosen).description, 'val_loss 0.1235 · 5 min ago');
  });

  test('run data shows as text: markup, links and HTML in names and values are escaped in hovers', async () => {
    const experimentId = await server.createExperiment('escaping');
    const hostile = '<img src=x onerror=alert(1)>[click](command:workbench.action.quit) **bold** `code`';
    const runId = await server.createRun(experimentId, { name: hostile });
    await server.post('runs/log-parameter', { run_id: runId, key: 'note', value: '# heading\n- item | a | b |' });
    const [node] = runNodes(await children(api, await experimentNode(api, experimentId)));
    const hover = (api.runsTree.getTreeItem(node).tooltip as vscode.MarkdownString).value;
    assert.ok(!/(^|[^\\])<img/.test(hover), hover);
    assert.ok(!hover.includes('[click]('), hover);
    assert.ok(hover.includes('\\<img src\\=x onerror\\=alert\\(1\\)\\>\\[click\\]\\(command\\:workbench\\.action\\.quit\\)'), hover);
    assert.ok(!/\n#/.test(hover) && !hover.includes('**bold**'), hover);
    assert.equal(labelOf(api.runsTree.getTreeItem(node)), hostile, 'the label is plain text, shown as written');

    // Every ASCII punctuation character is escaped, and nothing else changes.
    const punctuation = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
    assert.equal(escapeMarkdown(punctuation), [...punctuation].map((c) => `\\${c}`).join(''));
    assert.equal(escapeMarkdown('loss 0 5\nnext'), 'loss 0 5 next');
  });
});

suite('Runs view: filter, sort and deleted runs', () => {
  let api: RunLensApi;
  let server: Tracking;
  let experimentId: string;
  const ids: Record<string, string> = {};

  suiteSetup(async () => {
    api = await runLensApi();
    server = await tracking(api);
    experimentId = await server.createExperiment('find');
    const t0 = Date.now() - 10_000;
    const seeds = [
      { name: 'bravo', lr: '0.1', loss: 0.3 },
      { name: 'alpha', lr: '0.01', loss: 0.1 },
      { name: 'charlie', lr: '0.001', loss: 0.2 },
    ];
    for (const [index, seed] of seeds.entries()) {
      const runId = await server.createRun(experimentId, { name: seed.name, startTime: t0 + index });
      await server.post('runs/log-batch', {
        run_id: runId,
        params: [{ key: 'lr', value: seed.lr }],
        metrics: [{ key: 'loss', value: seed.loss, timestamp: t0, step: 0 }],
      });
      ids[seed.name] = runId;
    }
  });

  teardown(resetRunsView);

  async function names(): Promise<string[]> {
    return runNodes(await children(api, await experimentNode(api, experimentId))).map((n) => n.name);
  }

  test('a filter in MLflow’s language narrows every experiment and shows in the view’s description', async () => {
    const countOf = async () => api.runsTree.getTreeItem(await experimentNode(api, experimentId)).description;
    assert.equal(await countOf(), '3 runs');
    assert.equal(await vscode.commands.executeCommand(CommandId.FilterRuns, "params.lr = '0.01' OR metrics.loss > 0.25"), true);
    assert.deepEqual(await names(), ['alpha', 'bravo']);
    assert.equal(await countOf(), '2 of 3 runs', 'the experiment counts the runs the filter matches');
    assert.equal(
      viewDescription({ filter: "params.lr = '0.01'", sort: defaultSort, showDeleted: false }),
      "filter: params.lr = '0.01'",
    );
    const long = `${"params.lr = '0.01' OR ".repeat(20)}metrics.loss > 0.25`;
    assert.equal(filterMessage(long), `Filter: ${long}`, 'the whole filter shows above the runs, however long');
    assert.equal(filterMessage(''), undefined);
    assert.equal(await vscode.commands.executeCommand(CommandId.FilterRuns, "run_name = 'nothing-like-this'"), true);
    const empty = await children(api, await experimentNode(api, experimentId));
    assert.deepEqual(
      empty.map((n) => (n.kind === 'message' ? n.text : n.kind)),
      ['No runs match the filter'],
    );
    assert.equal(await countOf(), '0 of 3 runs');
    await vscode.commands.executeCommand(CommandId.ClearRunFilter);
    assert.deepEqual(await names(), ['charlie', 'alpha', 'bravo']);
    assert.equal(await countOf(), '3 runs');
  });

  test('an invalid filter is explained, never applied, and never breaks the view', async () => {
    assert.equal(await vscode.commands.executeCommand(CommandId.FilterRuns, 'metrics.loss > 0.15'), true);
    for (const bad of ['metrics.loss <', "params.lr = '0.1", 'nonsense.key = 1', 'metrics.loss > 1 AND']) {
      const problem = filterProblem(bad);
      assert.ok(problem && /at character \d+/.test(problem), `${bad}: ${problem}`);
      assert.equal(await vscode.commands.executeCommand(CommandId.FilterRuns, bad), false, bad);
    }
    assert.equal(filterProblem("params.lr = '0.1' OR (status = 'FAILED')"), undefined);
    // The last valid filter still holds.
    assert.deepEqual(await names(), ['charlie', 'bravo']);
  });

  test('sorting by name, by a metric and by a param, both ways', async () => {
    await vscode.commands.executeCommand(CommandId.SortRuns, 'attributes.run_name', true);
    assert.deepEqual(await names(), ['alpha', 'bravo', 'charlie']);
    await vscode.commands.executeCommand(CommandId.SortRuns, 'metrics.`loss`', false);
    assert.deepEqual(await names(), ['bravo', 'charlie', 'alpha']);
    await vscode.commands.executeCommand(CommandId.SortRuns, 'params.`lr`', true);
    assert.deepEqual(await names(), ['charlie', 'alpha', 'bravo']);
    assert.equal(
      viewDescription({ filter: '', sort: { field: 'params.`lr`', ascending: true, label: 'lr' }, showDeleted: false }),
      'by lr ↑',
    );
    await vscode.commands.executeCommand(CommandId.SortRuns, 'attributes.start_time', true);
    assert.deepEqual(await names(), ['bravo', 'alpha', 'charlie']);
  });

  test('deleted runs are hidden until the toggle shows them', async () => {
    await vscode.commands.executeCommand(CommandId.DeleteRun, ids.alpha, { confirmed: true });
    assert.deepEqual(await names(), ['charlie', 'bravo']);
    await vscode.commands.executeCommand(CommandId.ShowDeletedRuns);
    assert.deepEqual(await names(), ['charlie', 'alpha', 'bravo']);
    const alpha = runNodes(await children(api, await experimentNode(api, experimentId))).find((n) => n.name === 'alpha');
    assert.ok(alpha);
    assert.equal(api.runsTree.getTreeItem(alpha).contextValue, 'run.running.deleted');
    assert.equal(viewDescription({ filter: '', sort: defaultSort, showDeleted: true }), 'with deleted');
    await vscode.commands.executeCommand(CommandId.RestoreRun, ids.alpha);
    await vscode.commands.executeCommand(CommandId.HideDeletedRuns);
    assert.deepEqual(await names(), ['charlie', 'alpha', 'bravo']);
  });
});

suite('Runs view: live', () => {
  let api: RunLensApi;
  let server: Tracking;

  suiteSetup(async () => {
    api = await runLensApi();
    server = await tracking(api);
    await resetRunsView();
  });

  /** How long until the run's item shows what `shown` looks for, checked every 10 ms. */
  async function timeUntil(what: string, shown: () => boolean): Promise<number> {
    const started = performance.now();
    await waitFor(what, () => (shown() ? true : undefined), 5_000);
    return performance.now() - started;
  }

  test('a logged metric, a new run and a status change show within 500 ms', async () => {
    const experimentId = await server.createExperiment('live');
    const runId = await server.createRun(experimentId, { name: 'training' });
    await server.post('runs/log-metric', { run_id: runId, key: 'loss', value: 1, timestamp: Date.now(), step: 0 });
    const experiment = await experimentNode(api, experimentId);
    const [run] = runNodes(await children(api, experiment));
    const description = () => String(api.runsTree.getTreeItem(run).description);
    await waitFor('the primary metric', () => (description().startsWith('loss 1 ') ? true : undefined));

    const metricPosted = server.post('runs/log-metric', { run_id: runId, key: 'loss', value: 0.5, timestamp: Date.now(), step: 1 });
    let elapsed = await timeUntil('the new metric value', () => description().startsWith('loss 0.5 '));
    await metricPosted;
    assert.ok(elapsed < 500, `metric shown after ${elapsed.toFixed(0)} ms`);
    console.log(`runs view: a logged metric showed after ${elapsed.toFixed(0)} ms`);

    const statusPosted = server.post('runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
    elapsed = await timeUntil('the finished icon', () => (api.runsTree.getTreeItem(run).iconPath as vscode.ThemeIcon).id === 'pass');
    await statusPosted;
    assert.ok(elapsed < 500, `status shown after ${elapsed.toFixed(0)} ms`);

    const started = performance.now();
    const second = await server.createRun(experimentId, { name: 'second' });
    await waitFor('the new run', async () => (runNodes(await children(api, experiment)).length === 2 ? true : undefined));
    elapsed = performance.now() - started;
    assert.deepEqual(
      runNodes(await children(api, experiment)).map((n) => n.runId),
      [second, runId],
    );
    assert.ok(elapsed < 500, `new run shown after ${elapsed.toFixed(0)} ms`);
    await timeUntil('the new count', () => api.runsTree.getTreeItem(experiment).description === '2 runs');
  });

  test('a script logging as fast as it can refreshes the tree a few times a second, not once per write', async function () {
    this.timeout(30_000);
    const experimentId = await server.createExperiment('burst');
    const runId = await server.createRun(experimentId, { name: 'burst' });
    const [run] = runNodes(await children(api, await experimentNode(api, experimentId)));
    const endpoint = await api.trackingEndpoint();
    assert.ok(endpoint);

    let refreshes = 0;
    let runRefreshes = 0;
    const listener = api.runsTree.onDidChangeTreeData?.((changed) => {
      refreshes++;
      // Only the run that logs changes: nothing else (and not the whole tree) is redrawn.
      if (Array.isArray(changed) && changed.length === 1 && changed[0] === run) runRefreshes++;
    });
    const seconds = 2;
    // A separate process on one keep-alive connection, as a training loop logs.
    const script = `
import http.client, json, os, sys, time, urllib.parse
url = urllib.parse.urlparse(os.environ["MLFLOW_TRACKING_URI"])
conn = http.client.HTTPConnection(url.hostname, url.port)
headers = {"Authorization": "Bearer " + os.environ["MLFLOW_TRACKING_TOKEN"], "Content-Type": "application/json"}
end = time.time() + ${seconds}
step = 0
while time.time() < end:
    body = json.dumps({"run_id": sys.argv[1], "key": "loss", "value": 1.0 / (step + 1), "timestamp": int(time.time() * 1000), "step": step})
    conn.request("POST", "/api/2.0/mlflow/runs/log-metric", body, headers)
    response = conn.getresponse()
    response.read()
    assert response.status == 200, response.status
    step += 1
print(step)
`;
    const started = performance.now();
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('python3', ['-c', script, runId], {
        env: { ...process.env, MLFLOW_TRACKING_URI: endpoint.url, MLFLOW_TRACKING_TOKEN: endpoint.token },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.stderr.on('data', (chunk) => (err += chunk));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`python3 exited ${code}: ${err}`))));
    });
    const writes = Number(output.trim());
    // Let the last coalesced refresh land.
    await waitFor('the last point in the tree', () =>
      String(api.runsTree.getTreeItem(run).description).startsWith(`loss ${formatMetricValue(1 / writes)} `) ? true : undefined,
    );
    const elapsedSeconds = (performance.now() - started) / 1000;
    listener?.dispose();
    console.log(`runs view: ${writes} metrics in ${seconds} s (${Math.round(writes / seconds)}/s) refreshed the tree ${refreshes} times`);
    // At most one refresh per 250 ms, plus the trailing one.
    const mostRefreshes = Math.ceil(elapsedSeconds * 4) + 2;
    // A burst only if the writes far outnumber the refreshes allowed: each write waits for its journal flush, so how
    // many there are depends on the disk (a guest's server process logged 140-180 in 2 s on a disk shared with heavy
    // builds, 500-1,400 on a quiet one), and what this test checks is the throttle, not the disk.
    assert.ok(writes >= 5 * mostRefreshes, `the script logged only ${writes} metrics: not a burst against ${mostRefreshes} refreshes`);
    assert.ok(refreshes <= mostRefreshes, `${refreshes} refreshes for ${writes} writes in ${elapsedSeconds.toFixed(1)} s`);
    assert.ok(runRefreshes >= 2, `the run alone was refreshed ${runRefreshes} times while it logged`);
    assert.ok(runRefreshes >= refreshes - 1, `${refreshes - runRefreshes} of ${refreshes} refreshes redrew more than the run`);
  });
});

