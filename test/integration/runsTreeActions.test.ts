import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { Run } from '../../src/core/entities';
import { storeFiles } from '../../src/core/store/storeFiles';
import { CommandId } from '../../src/vscode/contributions';
import type { RunLensApi } from '../../src/vscode/runLensExtension';
import { noteUri } from '../../src/vscode/runs/runNoteFileSystem';
import { experimentNode, resetRunsView, runNodes, tracking, type Tracking } from './runsTreeSupport';
import { children, runLensApi, waitFor, workspaceDir } from './support';

// Each run action through its command, checked against the store (over the REST API, as any client
// would see it) and the files it opens.

suite('Run actions', () => {
  let api: RunLensApi;
  let server: Tracking;
  let experimentId: string;

  async function getRun(runId: string): Promise<Run> {
    return (await server.get<{ run: Run }>('runs/get', { run_id: runId })).run;
  }

  function tag(run: Run, key: string): string | undefined {
    return run.data.tags?.find((t) => t.key === key)?.value;
  }

  suiteSetup(async () => {
    api = await runLensApi();
    server = await tracking(api);
    experimentId = await server.createExperiment('actions');
    await resetRunsView();
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('copy run id, rename, add and remove tags', async () => {
    const runId = await server.createRun(experimentId, { name: 'before' });
    const [node] = runNodes(await children(api, await experimentNode(api, experimentId))).filter((n) => n.runId === runId);
    assert.ok(node);

    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand(CommandId.CopyRunId, node, [node]);
    assert.equal(await vscode.env.clipboard.readText(), runId);

    assert.equal(await vscode.commands.executeCommand(CommandId.RenameRun, node, 'after'), 'after');
    const renamed = await getRun(runId);
    assert.equal(renamed.info.run_name, 'after');
    assert.equal(tag(renamed, 'mlflow.runName'), 'after');
    await waitFor('the renamed item', () => (node.name === 'after' ? true : undefined));

    await vscode.commands.executeCommand(CommandId.AddRunTag, runId, 'team', 'vision');
    assert.equal(tag(await getRun(runId), 'team'), 'vision');
    // An invalid key is refused with MLflow's message and changes nothing.
    assert.equal(await vscode.commands.executeCommand(CommandId.AddRunTag, runId, 'bad\u0000key', 'x'), undefined);
    assert.equal(tag(await getRun(runId), 'bad\u0000key'), undefined);
    await vscode.commands.executeCommand(CommandId.RemoveRunTag, runId, 'team');
    assert.equal(tag(await getRun(runId), 'team'), undefined);
  });

  test('the note is edited as a Markdown document and saved onto the run', async () => {
    const runId = await server.createRun(experimentId, { name: 'noted' });
    await vscode.commands.executeCommand(CommandId.EditRunNote, runId, 'first **note**');
    assert.equal(tag(await getRun(runId), 'mlflow.note.content'), 'first **note**');

    await vscode.commands.executeCommand(CommandId.EditRunNote, runId);
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'the note opened in an editor');
    assert.equal(editor.document.uri.toString(), noteUri(runId, 'noted').toString());
    assert.equal(editor.document.languageId, 'markdown');
    assert.equal(editor.document.getText(), 'first **note**');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(editor.document.uri, editor.document.positionAt(editor.document.getText().length), '\n\n- tried lr 0.1');
    assert.ok(await vscode.workspace.applyEdit(edit));
    // In the browser workbench auto-save is on by default: an auto-save already under way makes this
    // explicit save report false ("Canceled") while that one writes the note. Either way it ends saved.
    await editor.document.save();
    await waitFor('the note saved', () => (editor.document.isDirty ? undefined : true), 10_000);
    assert.equal(tag(await getRun(runId), 'mlflow.note.content'), 'first **note**\n\n- tried lr 0.1');

    await vscode.commands.executeCommand(CommandId.EditRunNote, runId, '');
    assert.equal(tag(await getRun(runId), 'mlflow.note.content'), undefined, 'an empty note removes the tag');
  });

  test('delete and restore change the lifecycle only; purge removes the rows and the artifact files', async () => {
    const keep = await server.createRun(experimentId, { name: 'keep' });
    const doomed = await server.createRun(experimentId, { name: 'doomed' });
    await server.post('runs/log-batch', {
      run_id: doomed,
      params: [{ key: 'lr', value: '0.1' }],
      metrics: [{ key: 'loss', value: 0.5, timestamp: Date.now(), step: 0 }],
    });
    await server.upload(doomed, experimentId, 'model/weights.bin', Buffer.from([1, 2, 3]));

    // Several runs are deleted at once, after one confirmation (the options stand for its answer).
    assert.deepEqual(await vscode.commands.executeCommand(CommandId.DeleteRun, [keep, doomed], { confirmed: true }), [keep, doomed]);
    assert.equal((await getRun(keep)).info.lifecycle_stage, 'deleted');
    assert.equal((await getRun(doomed)).info.lifecycle_stage, 'deleted');
    await vscode.commands.executeCommand(CommandId.RestoreRun, [keep, doomed]);
    assert.equal((await getRun(keep)).info.lifecycle_stage, 'active');

    // The window's own store, or none when a server process holds it (its rows are its own unit tests' business).
    const store = await api.workspaceStore();
    const runFolder = path.join(workspaceDir(), '.runlens', storeFiles.artifacts, experimentId, doomed);
    assert.ok(existsSync(path.join(runFolder, 'artifacts', 'model', 'weights.bin')));
    assert.deepEqual(await vscode.commands.executeCommand(CommandId.PurgeRun, doomed, { confirmed: true }), [doomed]);
    const endpoint = await api.trackingEndpoint();
    assert.ok(endpoint);
    const gone = await fetch(`${endpoint.url}/api/2.0/mlflow/runs/get?run_id=${doomed}`, { headers: { authorization: `Bearer ${endpoint.token}` } });
    assert.equal(gone.status, 404);
    if (store) {
      for (const table of ['runs', 'params', 'tags', 'metrics', 'latest_metrics']) {
        assert.equal(store.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE run_id = ?`, [doomed])?.n, 0, `${table} still holds the run`);
      }
    }
    assert.equal((await getRun(keep)).info.run_name, 'keep', 'the other run is untouched');
    assert.ok(!existsSync(runFolder), 'the artifact files are gone');
    await waitFor('the purged run to leave the view', async () =>
      runNodes(await children(api, await experimentNode(api, experimentId))).some((n) => n.runId === doomed) ? undefined : true,
    );
  });

  suite('code, diff and output of a run launched from a git repository', () => {
    let repo: string;
    const committed = 'import mlflow\nlr = 0.01\nprint("training")\n';
    const edited = 'import mlflow\nlr = 0.1\nprint("training")\n';

    suiteSetup(() => {
      repo = mkdtempSync(path.join(os.tmpdir(), 'runlens-source-repo-'));
      const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
      git('init', '-q');
      git('config', 'user.email', 'test@example.com');
      git('config', 'user.name', 'RunLens test');
      writeFileSync(path.join(repo, 'train.py'), committed);
      git('add', 'train.py');
      git('commit', '-q', '-m', 'first');
    });

    suiteTeardown(() => rmSync(repo, { recursive: true, force: true }));

    function commitOf(): string {
      return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
    }

    test('a clean run opens its file as committed, read-only', async () => {
      const runId = await server.createRun(experimentId, {
        name: 'clean',
        tags: { 'mlflow.source.name': path.join(repo, 'train.py'), 'mlflow.source.git.commit': commitOf(), 'runlens.git.dirty': 'false' },
      });
      writeFileSync(path.join(repo, 'train.py'), 'changed since\n');
      const editor = await vscode.commands.executeCommand<vscode.TextEditor>(CommandId.OpenRunSource, runId);
      assert.ok(editor);
      assert.equal(editor.document.uri.scheme, 'runlens-run-source');
      assert.equal(editor.document.getText(), committed);
      assert.equal(editor.document.languageId, 'python');
      writeFileSync(path.join(repo, 'train.py'), committed);
    });

    test('a dirty run opens its file with the captured diff applied; the diff and the output log open too', async () => {
      writeFileSync(path.join(repo, 'train.py'), edited);
      const patch = execFileSync('git', ['diff', 'HEAD'], { cwd: repo, encoding: 'utf8' });
      writeFileSync(path.join(repo, 'train.py'), committed);
      const runId = await server.createRun(experimentId, {
        name: 'dirty',
        tags: { 'mlflow.source.name': path.join(repo, 'train.py'), 'mlflow.source.git.commit': commitOf(), 'runlens.git.dirty': 'true' },
      });
      await server.upload(runId, experimentId, 'runlens/diff.patch', patch);
      await server.upload(runId, experimentId, 'runlens/output.log', 'epoch 1 loss 0.5\nepoch 2 loss 0.25\n');

      const source = await vscode.commands.executeCommand<vscode.TextEditor>(CommandId.OpenRunSource, runId);
      assert.ok(source);
      assert.equal(source.document.getText(), edited);

      const diff = await vscode.commands.executeCommand<vscode.TextEditor>(CommandId.OpenRunDiff, runId);
      assert.ok(diff);
      assert.equal(diff.document.languageId, 'diff');
      assert.equal(diff.document.getText(), patch);

      const output = await vscode.commands.executeCommand<vscode.TextEditor>(CommandId.ShowRunOutput, runId);
      assert.ok(output);
      assert.equal(output.document.getText(), 'epoch 1 loss 0.5\nepoch 2 loss 0.25\n');

      // The same files in the run's Artifacts section: a folder, then files that open in an editor.
      const run = await waitFor('the run in the view', async () =>
        runNodes(await children(api, await experimentNode(api, experimentId))).find((n) => n.runId === runId),
      );
      const artifacts = (await children(api, run)).find((n) => n.kind === 'section' && n.section === 'artifacts');
      assert.ok(artifacts);
      const [folder] = await children(api, artifacts);
      assert.equal(folder.kind === 'artifact' && `${folder.path} ${folder.isDir}`, 'runlens true');
      const files = await children(api, folder);
      assert.deepEqual(
        files.map((n) => (n.kind === 'artifact' ? n.path : n.kind)),
        ['runlens/diff.patch', 'runlens/output.log'],
      );
      const open = api.runsTree.getTreeItem(files[1]).command;
      assert.equal(open?.command, 'vscode.open');
      await vscode.commands.executeCommand(open.command, ...(open.arguments ?? []));
      assert.equal(vscode.window.activeTextEditor?.document.getText(), 'epoch 1 loss 0.5\nepoch 2 loss 0.25\n');
    });

    test('a run without a recorded commit, diff or log says why instead of opening something wrong', async () => {
      const runId = await server.createRun(experimentId, { name: 'bare', tags: { 'mlflow.source.name': 'train.py' } });
      assert.equal(await vscode.commands.executeCommand(CommandId.OpenRunSource, runId), undefined);
      assert.equal(await vscode.commands.executeCommand(CommandId.OpenRunDiff, runId), undefined);
      assert.equal(await vscode.commands.executeCommand(CommandId.ShowRunOutput, runId), undefined);
      assert.ok(!vscode.window.activeTextEditor, 'nothing opened');
    });
  });

  test('compare with… hands both runs to the compare dashboard', async () => {
    const a = await server.createRun(experimentId, { name: 'compare-a' });
    const b = await server.createRun(experimentId, { name: 'compare-b' });
    const before = api.dashboards.hosts.length;
    assert.deepEqual(await vscode.commands.executeCommand(CommandId.CompareRunWith, a, [b]), [a, b]);
    assert.equal(api.dashboards.hosts.length, before + 1, 'a compare panel opened');
  });
});
