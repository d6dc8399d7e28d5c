import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { applyInPlace, CodeRestoreError, patchNotes, restoreInWorktree } from '../../../src/capture/codeRestore';
import { captureGit, type GitRepositoryCapture } from '../../../src/capture/gitCapture';
import { git, gitTestEnv, makeRepo, tempDir, treeContents, write } from './captureTestKit';

const options = { env: gitTestEnv };
const notRunlens = (relative: string): boolean => relative === '.runlens' || relative.startsWith('.runlens/');

/** A dirty tree as a launch captures it: its commit and its patch, written where the run's artifact would be. */
async function captured(t: TestContext, repo: string): Promise<{ commit: string; patchFile: string }> {
  const capture = (await captureGit(repo, options)) as GitRepositoryCapture;
  const patchFile = path.join(tempDir(t, 'runlens-artifacts-'), 'diff.patch');
  writeFileSync(patchFile, capture.patch);
  assert.ok(capture.commit);
  return { commit: capture.commit, patchFile };
}

function dirtyRepo(t: TestContext): string {
  const repo = makeRepo(t, { 'train.py': 'lr = 0.1\n', 'lib/util.py': 'x = 1\n', 'gone.txt': 'bye\n' });
  write(repo, 'train.py', 'lr = 0.01\nprint("dirty")\n');
  git(repo, 'rm', '-q', 'gone.txt');
  write(repo, 'notes/new.py', 'untracked = True\n');
  return repo;
}

describe('restoring a run\'s code', () => {
  test('a worktree at the commit with the diff and untracked files holds exactly what ran; the user\'s branch and index stay', async (t) => {
    const repo = dirtyRepo(t);
    const ran = treeContents(repo);
    const { commit, patchFile } = await captured(t, repo);
    git(repo, 'commit', '-q', '-am', 'later work');
    write(repo, 'train.py', 'lr = 5\n');

    const target = path.join(repo, '.runlens', 'worktrees', 'run1');
    const restored = await restoreInWorktree({ cwd: repo, commit, patchFile }, target, options);
    assert.equal(restored.created, true);
    assert.equal(restored.folder, target);
    assert.deepEqual(treeContents(target), ran);
    assert.equal(git(target, 'rev-parse', 'HEAD'), commit);
    assert.equal(git(repo, 'rev-parse', '--abbrev-ref', 'HEAD'), 'main');
    assert.equal(readFileSync(path.join(repo, 'train.py'), 'utf8'), 'lr = 5\n');

    const again = await restoreInWorktree({ cwd: repo, commit, patchFile }, target, options);
    assert.equal(again.created, false);
  });

  test('a workspace folder inside the repository maps to the same folder in the worktree', async (t) => {
    const repo = makeRepo(t, { 'project/train.py': 'a = 1\n' });
    const target = path.join(tempDir(t), 'wt');
    const restored = await restoreInWorktree({ cwd: path.join(repo, 'project'), commit: git(repo, 'rev-parse', 'HEAD') }, target, options);
    assert.equal(restored.folder, path.join(target, 'project'));
    assert.equal(readFileSync(path.join(restored.folder, 'train.py'), 'utf8'), 'a = 1\n');
  });

  test('a commit that is gone says so, and makes no worktree', async (t) => {
    const repo = makeRepo(t);
    const target = path.join(tempDir(t), 'wt');
    await assert.rejects(
      restoreInWorktree({ cwd: repo, commit: 'a'.repeat(40) }, target, options),
      (error: unknown) => CodeRestoreError.is(error, 'commitMissing') && /rebased away, or never fetched/.test(error.message),
    );
    assert.equal(existsSync(target), false);
  });

  test('a diff that does not apply removes the half-made worktree', async (t) => {
    const repo = makeRepo(t);
    const patchFile = write(tempDir(t), 'diff.patch', 'diff --git a/nope.py b/nope.py\n--- a/nope.py\n+++ b/nope.py\n@@ -1 +1 @@\n-old\n+new\n');
    const target = path.join(tempDir(t), 'wt');
    await assert.rejects(restoreInWorktree({ cwd: repo, commit: git(repo, 'rev-parse', 'HEAD'), patchFile }, target, options), (error: unknown) =>
      CodeRestoreError.is(error, 'patchFailed'),
    );
    assert.equal(existsSync(target), false);
    assert.equal(git(repo, 'worktree', 'list').split('\n').length, 1);
  });

  test('applied in place on a clean tree: the files are what ran, the branch and index are untouched', async (t) => {
    const repo = dirtyRepo(t);
    const ran = treeContents(repo, notRunlens);
    const { commit, patchFile } = await captured(t, repo);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'later work');
    write(repo, 'added-later.py', 'later = 1\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'more');
    const head = git(repo, 'rev-parse', 'HEAD');

    await applyInPlace({ cwd: repo, commit, patchFile }, options);
    assert.deepEqual(treeContents(repo, notRunlens), ran);
    assert.equal(git(repo, 'rev-parse', 'HEAD'), head);
    assert.equal(git(repo, 'diff', '--cached', '--name-only'), '');
  });

  test('in place on a dirty tree: refuses with the files, or stashes them (untracked too) when asked', async (t) => {
    const repo = makeRepo(t, { 'train.py': 'a = 1\n' });
    const commit = git(repo, 'rev-parse', 'HEAD');
    write(repo, 'train.py', 'a = 2\n');
    write(repo, 'scratch.py', 'mine\n');
    await assert.rejects(applyInPlace({ cwd: repo, commit }, options), (error: unknown) =>
      CodeRestoreError.is(error, 'dirty') && /train\.py/.test(error.message) && /scratch\.py/.test(error.message),
    );
    assert.equal(readFileSync(path.join(repo, 'train.py'), 'utf8'), 'a = 2\n');

    const { stashed } = await applyInPlace({ cwd: repo, commit }, { ...options, stash: true, runName: 'brave-owl' });
    assert.match(stashed ?? '', /brave-owl/);
    assert.equal(readFileSync(path.join(repo, 'train.py'), 'utf8'), 'a = 1\n');
    assert.equal(existsSync(path.join(repo, 'scratch.py')), false);
    assert.match(git(repo, 'stash', 'list'), /brave-owl/);
  });

  test('the patch notes name what the diff could not carry', () => {
    assert.deepEqual(patchNotes('diff --git a/x b/x\n# RunLens: binary files not inlined: model.bin\n'), ['binary files not inlined: model.bin']);
    assert.deepEqual(patchNotes(''), []);
  });
});
