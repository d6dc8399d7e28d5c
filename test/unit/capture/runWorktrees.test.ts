import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { restoreInWorktree } from '../../../src/capture/codeRestore';
import { captureGit, type GitRepositoryCapture } from '../../../src/capture/gitCapture';
import { listRunWorktrees, removeRunWorktree } from '../../../src/capture/runWorktrees';
import { git, gitTestEnv, makeRepo, tempDir, write } from './captureTestKit';

const options = { env: gitTestEnv };

describe('run worktrees: listed with size and changes, removed by git', () => {
  test('restored worktrees are unchanged until edited; removal forgets them in the repository', async (t) => {
    const repo = makeRepo(t, { 'train.py': 'lr = 0.1\n', 'data.csv': 'x\n'.repeat(1000) });
    const clean = git(repo, 'rev-parse', 'HEAD');
    // A dirty run: an edited file and an untracked one, captured as a launch does.
    write(repo, 'train.py', 'lr = 0.01\n');
    write(repo, 'extra.py', 'import train\n');
    const capture = (await captureGit(repo, options)) as GitRepositoryCapture;
    const patchFile = path.join(tempDir(t), 'diff.patch');
    writeFileSync(patchFile, capture.patch);

    const folder = path.join(tempDir(t), 'worktrees');
    await restoreInWorktree({ cwd: repo, commit: clean }, path.join(folder, 'run-clean'), options);
    await restoreInWorktree({ cwd: repo, commit: capture.commit!, patchFile }, path.join(folder, 'run-dirty'), options);
    await restoreInWorktree({ cwd: repo, commit: clean }, path.join(folder, 'run-edited'), options);
    write(path.join(folder, 'run-edited'), 'notes.txt', 'my own notes\n');
    // Not a worktree at all (its repository went away): listed as changed, as nobody can tell.
    mkdirSync(path.join(folder, 'run-orphan'));
    writeFileSync(path.join(folder, 'run-orphan', 'train.py'), 'lr = 1\n');

    const byRun = new Map((await listRunWorktrees(folder, options)).map((worktree) => [worktree.runId, worktree]));
    assert.deepEqual([...byRun.keys()].sort(), ['run-clean', 'run-dirty', 'run-edited', 'run-orphan']);
    assert.equal(byRun.get('run-clean')?.changed, false);
    assert.equal(byRun.get('run-dirty')?.changed, false, 'the captured diff is what was restored, not a change');
    assert.equal(byRun.get('run-edited')?.changed, true);
    assert.equal(byRun.get('run-orphan')?.changed, true);
    // data.csv (2,000 bytes) and train.py, plus the worktree's small .git file.
    const cleanBytes = byRun.get('run-clean')?.bytes ?? 0;
    assert.ok(cleanBytes >= 2000 + 'lr = 0.1\n'.length && cleanBytes < 2200, String(cleanBytes));

    // Editing a restored file of the dirty one is a change too.
    write(path.join(folder, 'run-dirty'), 'extra.py', 'import train  # edited\n');
    assert.equal((await listRunWorktrees(folder, options)).find((worktree) => worktree.runId === 'run-dirty')?.changed, true);

    for (const runId of ['run-clean', 'run-edited', 'run-orphan']) await removeRunWorktree(path.join(folder, runId), options);
    assert.deepEqual(
      (await listRunWorktrees(folder, options)).map((worktree) => worktree.runId),
      ['run-dirty'],
    );
    assert.equal(existsSync(path.join(folder, 'run-edited')), false);
    const known = git(repo, 'worktree', 'list', '--porcelain');
    assert.match(known, /run-dirty/);
    assert.doesNotMatch(known, /run-clean|run-edited/);
    assert.equal(git(repo, 'rev-parse', '--abbrev-ref', 'HEAD'), 'main', "the person's branch is untouched");
  });

  test('no worktrees folder: none', async (t) => {
    assert.deepEqual(await listRunWorktrees(path.join(tempDir(t), 'missing'), options), []);
  });
});
