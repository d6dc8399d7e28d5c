import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { children, mlflowPost, runLensApi, waitFor, workspaceDir } from './support';

// The workspace's tracking server as a person reaches it: through the commands, the clipboard,
// a terminal running a script, and the Runs view. Real HTTP on loopback, real Python in a real terminal.

suite('Tracking server in the workspace', () => {
  test('Copy MLflow Tracking Environment copies a working URI and token, and the store is git-ignored', async () => {
    await runLensApi();
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('runlens.copyTrackingEnv');
    const copied = await vscode.env.clipboard.readText();
    const url = /^export MLFLOW_TRACKING_URI=(http:\/\/127\.0\.0\.1:\d+)$/m.exec(copied)?.[1];
    const token = /^export MLFLOW_TRACKING_TOKEN=(\S+)$/m.exec(copied)?.[1];
    assert.ok(url && token, `clipboard holds the two export lines, got: ${copied}`);

    const withToken = await fetch(`${url}/api/2.0/mlflow/experiments/get?experiment_id=0`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(withToken.status, 200);
    assert.equal(((await withToken.json()) as { experiment: { name: string } }).experiment.name, 'Default');
    const withoutToken = await fetch(`${url}/api/2.0/mlflow/experiments/get?experiment_id=0`);
    assert.equal(withoutToken.status, 401);

    const gitignore = path.join(workspaceDir(), '.runlens', '.gitignore');
    assert.ok(existsSync(gitignore), '.runlens/.gitignore exists');
    assert.equal(readFileSync(gitignore, 'utf8').trim(), '*');
  });

  test('a run logged over HTTP shows in the Runs view', async () => {
    const runLens = await runLensApi();
    const endpoint = await runLens.trackingEndpoint();
    assert.ok(endpoint);
    const post = mlflowPost(endpoint);
    const { experiment_id } = (await post('experiments/create', { name: 'tree-test' })) as { experiment_id: string };
    const created = (await post('runs/create', { experiment_id, run_name: 'shown-in-tree', start_time: Date.now() })) as {
      run: { info: { run_id: string } };
    };

    const experiment = await waitFor(
      'the experiment in the Runs view',
      async () => (await children(runLens)).find((n) => n.kind === 'experiment' && n.name === 'tree-test'),
      5_000,
    );
    const runs = await children(runLens, experiment);
    assert.deepEqual(
      runs.map((n) => (n.kind === 'run' ? [n.runId, n.name, n.status] : n.kind)),
      [[created.run.info.run_id, 'shown-in-tree', 'RUNNING']],
    );
    const item = runLens.runsTree.getTreeItem(runs[0]);
    assert.equal(item.label, 'shown-in-tree');
    assert.equal(item.contextValue, 'run.running');
  });

  test('Run Active Python File Tracked runs the script in a terminal, and its run finishes', async () => {
    const runLens = await runLensApi();
    const script = path.join(workspaceDir(), 'tracked_script.py');
    writeFileSync(
      script,
      [
        'import runlens',
        'runlens.set_experiment("from-terminal")',
        'with runlens.start_run(run_name="terminal-run"):',
        '    runlens.log_metric("loss", 0.25, step=1)',
      ].join('\n'),
    );
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(script));
    await vscode.commands.executeCommand('runlens.runActiveFile', editor.document.uri);

    const experiment = await waitFor(
      'the launched run in the Runs view',
      async () => (await children(runLens)).find((n) => n.kind === 'experiment' && n.name === 'from-terminal'),
      20_000,
    );
    const finished = await waitFor(
      'the launched run to finish',
      async () => {
        const [run] = await children(runLens, experiment);
        return run?.kind === 'run' && run.status === 'FINISHED' ? run : undefined;
      },
      20_000,
    );
    assert.equal(finished.kind === 'run' && finished.name, 'terminal-run');
  });
});
