import assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';
import { CaptureTag } from '../../src/core/launches/captureTags';
import { git, writeFile } from './launchSupport';
import { tracking, type Tracking } from './runsTreeSupport';
import { runLensApi, waitFor, workspaceDir } from './support';

// The editor knows your experiments: the summary lens above a script, hovers on the keys it logs,
// and the diff against its best run, over runs of the script logged to the folder's tracking server.

const script = [
  'import argparse', // 0
  'import mlflow', // 1
  'parser = argparse.ArgumentParser()', // 2
  'parser.add_argument("--lr", type=float, default=0.01)', // 3
  'args = parser.parse_args()', // 4
  'if __name__ == "__main__":', // 5
  '    with mlflow.start_run():', // 6
  '        mlflow.log_param("lr", args.lr)', // 7
  '        for step in range(3):', // 8
  '            mlflow.log_metric("mse", 1 / (step + 1))', // 9
  '',
].join('\n');

const folderName = 'editor-lens';

interface Seeded {
  readonly uri: vscode.Uri;
  readonly tracking: Tracking;
  readonly experimentId: string;
  readonly commit: string;
}

/** A git repository with the script committed, and three finished runs of it; the best has lr=0.01. */
async function seed(): Promise<Seeded> {
  const repo = path.join(workspaceDir(), folderName);
  const file = writeFile(path.join(repo, 'train.py'), script);
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'train');
  const commit = git(repo, 'rev-parse', 'HEAD').trim();
  // Logged as a script logs them, to whichever process serves the folder's store.
  const server = await tracking(await runLensApi());
  const experimentId = await server.createExperiment('editor-lens');
  const now = Date.now();
  for (const [index, lr, mse] of [
    [0, '0.1', 0.3],
    [1, '0.01', 0.0104],
    [2, '0.5', 0.9],
  ] as const) {
    await logRun(server, experimentId, commit, { start: now - (3 - index) * 120_000, lr, mse: [mse * 4, mse * 2, mse] });
  }
  return { uri: vscode.Uri.file(file), tracking: server, experimentId, commit };
}

async function logRun(server: Tracking, experimentId: string, commit: string, run: { start: number; lr: string; mse: readonly number[]; end?: boolean }): Promise<string> {
  const tags = { [CaptureTag.SourceName]: `${folderName}/train.py`, [CaptureTag.GitCommit]: commit, [CaptureTag.GitDirty]: 'false' };
  const runId = await server.createRun(experimentId, { startTime: run.start, tags });
  await server.post('runs/log-batch', {
    run_id: runId,
    params: [{ key: 'lr', value: run.lr }],
    metrics: run.mse.map((value, step) => ({ key: 'mse', value, step, timestamp: run.start + step })),
  });
  if (run.end !== false) await server.post('runs/update', { run_id: runId, status: 'FINISHED', end_time: run.start + 1_000 });
  return runId;
}

/** The runs of the experiment that match the filter, in the order asked for (MLflow's runs/search). */
async function searchRuns(server: Tracking, experimentId: string, filter: string, orderBy: string[] = []): Promise<{ info: { run_id: string } }[]> {
  const found = await server.post<{ runs?: { info: { run_id: string } }[] }>('runs/search', { experiment_ids: [experimentId], filter, order_by: orderBy });
  return found.runs ?? [];
}

async function lensTitles(uri: vscode.Uri): Promise<string[]> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
  return lenses.map((lens) => lens.command?.title ?? '');
}

async function summaryLens(uri: vscode.Uri): Promise<vscode.CodeLens | undefined> {
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
  return lenses.find((lens) => lens.command?.title.startsWith('$(history)'));
}

async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)) ?? [];
  return hovers.flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value))).join('\n');
}

suite('The editor knows your experiments', () => {
  let seeded: Seeded;

  suiteSetup(async function () {
    this.timeout(60_000);
    seeded = await seed();
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test("the summary lens counts the file's runs, names the best by the primary metric, and opens the dashboard filtered to them", async function () {
    this.timeout(60_000);
    await vscode.window.showTextDocument(seeded.uri);
    const lens = await waitFor('the summary lens', () => summaryLens(seeded.uri), 10_000);
    assert.match(lens.command?.title ?? '', /^\$\(history\) 3 runs · last FINISHED \d min ago · best mse 0\.0104 \(lr=0\.01\)$/);
    assert.equal(lens.range.start.line, 5, 'above the __main__ guard, beside Run tracked');
    assert.ok((await lensTitles(seeded.uri)).includes('What changed since best?'));

    const api = await runLensApi();
    const before = api.dashboards.hosts;
    await vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []));
    const host = await waitFor('the experiment dashboard', () => api.dashboards.hosts.find((h) => !before.includes(h)));
    assert.deepEqual(host.state, { kind: 'experiment', experimentId: seeded.experimentId, filter: `tags.\`mlflow.source.name\` IN ('${folderName}/train.py', '${seeded.uri.fsPath}')` });
    const filtered = await searchRuns(seeded.tracking, seeded.experimentId, host.state.kind === 'experiment' ? (host.state.filter ?? '') : '');
    assert.equal(filtered.length, 3, "the filter selects the file's runs");
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('hovers on a logged param, an argparse option and a metric show the values of the newest runs, the best starred', async function () {
    this.timeout(60_000);
    await vscode.window.showTextDocument(seeded.uri);
    await waitFor('the summary lens', () => summaryLens(seeded.uri), 10_000);
    const param = await hoverText(seeded.uri, new vscode.Position(7, 27));
    assert.match(param, /\*\*lr\*\* \(param\) in the newest 3 of 3 runs of this file/);
    const rows = param.split('\n').filter((line) => /^\| (★)? ?\| \[/.test(line));
    assert.equal(rows.length, 3, param);
    assert.match(rows.find((row) => row.startsWith('| ★'))!, /\| 0\\\.01 \| 0\\\.0104 \|$/, 'the best run is starred with its lr and mse');
    assert.match(param, /command:runlens\.compareRuns\?/);

    const option = await hoverText(seeded.uri, new vscode.Position(3, 23));
    assert.match(option, /\*\*lr\*\* \(param\)/, 'the option --lr is the logged param lr');

    const metric = await hoverText(seeded.uri, new vscode.Position(9, 33));
    assert.match(metric, /\*\*mse\*\* \(metric\)/);
    assert.match(metric, /!\[mse by step in the newest run\]\(data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+\)/, 'a sparkline of the newest run');
    assert.equal(await hoverText(seeded.uri, new vscode.Position(4, 5)), '', 'no hover away from the keys');
  });

  test('typing reads nothing from the store; a run that ends shows in the lens within a second', async function () {
    this.timeout(60_000);
    const editor = await vscode.window.showTextDocument(seeded.uri);
    await waitFor('the summary lens', () => summaryLens(seeded.uri), 10_000);
    const api = await runLensApi();
    const reads = api.editorLens.storeReads();
    for (let i = 0; i < 20; i++) {
      await editor.edit((edit) => edit.insert(new vscode.Position(10, 0), 'x'));
      await lensTitles(seeded.uri);
      await hoverText(seeded.uri, new vscode.Position(7, 27));
    }
    assert.equal(api.editorLens.storeReads(), reads, 'no store read while typing (lenses and hovers answer from the cache)');
    await vscode.commands.executeCommand('workbench.action.files.revert');

    const runId = await logRun(seeded.tracking, seeded.experimentId, seeded.commit, { start: Date.now(), lr: '0.001', mse: [0.002], end: false });
    await waitFor('the running run in the lens', async () => (await summaryLens(seeded.uri))?.command?.title.includes('4 runs · last RUNNING'), 5_000);
    const ended = performance.now();
    await seeded.tracking.post('runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
    await waitFor('the ended run in the lens', async () => (await summaryLens(seeded.uri))?.command?.title.includes('last FINISHED just now · best mse 0.002 (lr=0.001)'), 5_000);
    const ms = performance.now() - ended;
    assert.ok(ms <= 1_000, `the run's end showed after ${Math.round(ms)} ms`);
  });

  test("What Changed Since My Best Run? opens the diff editor: the best run's code on the left, the file now on the right", async function () {
    this.timeout(60_000);
    writeFile(seeded.uri.fsPath, script.replace('default=0.01', 'default=0.2'));
    await vscode.window.showTextDocument(seeded.uri);
    await waitFor('the summary lens', () => summaryLens(seeded.uri), 10_000);
    await vscode.commands.executeCommand('runlens.diffSinceBestRun', seeded.uri.toString());
    const tab = await waitFor('a diff tab', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputTextDiff ? input : undefined;
    });
    assert.equal(tab.original.scheme, 'runlens-run-source');
    assert.equal(tab.modified.toString(), seeded.uri.toString());
    const [best] = await searchRuns(seeded.tracking, seeded.experimentId, '', ['metrics.mse ASC']);
    assert.equal(tab.original.path, `/${best.info.run_id}/${folderName}/train.py`, 'the left side is the best run (mse 0.002)');
    const before = await vscode.workspace.openTextDocument(tab.original);
    assert.equal(before.getText(), script, "the left side is the file at the run's commit");
  });
});
