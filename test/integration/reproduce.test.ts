import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { CaptureTag } from '../../src/core/launches/captureTags';
import { git, launchAndWait, tagsOf, TrackingReader, writeFile } from './launchSupport';
import { runLensApi, workspaceDir } from './support';

// Open Code of Run and Reproduce Run: a run made from a dirty tree comes back, byte for byte, in a
// worktree, and runs again there with the same arguments.

/** Every file under `root` but `.git`, Python's caches and the ignored data: relative path to its bytes. */
function treeOf(root: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(root, { recursive: true, encoding: 'utf8' }).sort()) {
    const relative = entry.split(path.sep).join('/');
    if (relative === '.git' || relative.startsWith('.git/') || relative.includes('__pycache__') || relative.startsWith('data/')) continue;
    const absolute = path.join(root, entry);
    if (statSync(absolute).isFile()) files.set(relative, readFileSync(absolute).toString('base64'));
  }
  return files;
}

suite('Reproduce a run', () => {
  test('a run from a dirty tree is restored in a worktree whose files equal what ran, and reproduced with the same arguments', async function () {
    this.timeout(120_000);
    const repo = path.join(workspaceDir(), 'reproduce-repo');
    const script = writeFile(path.join(repo, 'train.py'), 'import sys\nfrom config import lr\nprint("lr", lr, sys.argv[1:])\n');
    writeFile(path.join(repo, 'config.py'), 'lr = 0.1\n');
    writeFile(path.join(repo, 'old.txt'), 'removed before the run\n');
    // Data outside git, fingerprinted at launch (runlens.dataPaths).
    writeFile(path.join(repo, '.gitignore'), 'data/\n');
    const data = writeFile(path.join(repo, 'data', 'train.csv'), 'x\n1\n');
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'first');
    // The tree the run ran from: a changed file, a deleted one, an untracked one in a new folder.
    writeFile(path.join(repo, 'config.py'), 'lr = 0.01\n');
    rmSync(path.join(repo, 'old.txt'));
    writeFile(path.join(repo, 'notes', 'idea.md'), 'try a smaller lr\n');
    const ran = treeOf(repo);

    const config = vscode.workspace.getConfiguration('runlens');
    await config.update('dataPaths', ['reproduce-repo/data/*.csv'], vscode.ConfigurationTarget.Workspace);
    let first;
    try {
      first = await launchAndWait('runlens.runActiveFileWithArguments', vscode.Uri.file(script).toString(), '--epochs 2');
    } finally {
      await config.update('dataPaths', undefined, vscode.ConfigurationTarget.Workspace);
    }
    const runId = first.ended.runs[0].info.run_id;
    // Work moves on: a commit, and new uncommitted changes.
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'later');
    writeFile(path.join(repo, 'config.py'), 'lr = 9\n');
    writeFile(data, 'x\n2\n');

    const opened = await vscode.commands.executeCommand<{ root: string; created: boolean } | undefined>('runlens.openRunCode', runId, { open: 'none' });
    assert.ok(opened?.created, 'a worktree was made');
    assert.equal(opened.root, path.join(workspaceDir(), '.runlens', 'worktrees', runId));
    assert.deepEqual(treeOf(opened.root), ran, 'the worktree holds exactly the files that ran');
    assert.equal(existsSync(path.join(opened.root, 'data')), false, 'ignored data is not code: it stays in the workspace');
    assert.equal(git(repo, 'rev-parse', '--abbrev-ref', 'HEAD').trim(), 'main', "the user's branch stays");
    assert.equal(readFileSync(path.join(repo, 'config.py'), 'utf8'), 'lr = 9\n', "the user's working tree stays");

    const api = await runLensApi();
    const started = await vscode.commands.executeCommand<{ launchId: string; worktree: string; environment: string[] } | undefined>('runlens.reproduceRun', runId, {
      confirmed: true,
    });
    assert.ok(started?.launchId, 'Reproduce started a launch');
    const shownData = path.relative(workspaceDir(), data).split(path.sep).join('/');
    assert.deepEqual(started.environment, [`Data changed since the run: ${shownData}`], 'the same interpreter and packages; the data changed, named by its place in the workspace');
    assert.equal(started.worktree, opened.root, 'the worktree is reused');
    const report = await api.launches.whenEnded(started.launchId);
    assert.ok(report);
    const reader = await TrackingReader.open();
    const [original, reproduction] = await Promise.all([reader.run(runId), reader.run(report.ended.runs[0].info.run_id)]);
    const tags = tagsOf(reproduction);
    assert.equal(tags[CaptureTag.Reproduces], runId);
    assert.equal(tags[CaptureTag.Args], tagsOf(original)[CaptureTag.Args]);
    assert.equal(tags[CaptureTag.GitCommit], tagsOf(original)[CaptureTag.GitCommit], 'the same commit');
    assert.equal(tags[CaptureTag.FileSha256], tagsOf(original)[CaptureTag.FileSha256], 'the same script');
    assert.equal(tags[CaptureTag.PythonPath], tagsOf(original)[CaptureTag.PythonPath], 'the same interpreter');
    const output = "lr 0.01 ['--epochs', '2']\n";
    assert.equal(await reader.artifact(original, 'runlens/output.log'), output);
    assert.equal(await reader.artifact(reproduction, 'runlens/output.log'), output, 'the reproduction ran the code that ran, not the code now');
  });
});
