import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { captureGit, type GitRepositoryCapture } from '../../../src/capture/gitCapture';
import { FileAtRunError, fileAtRun, locate } from '../../../src/capture/gitFileAtRun';
import { git, gitTestEnv, makeRepo, tempDir, write } from './captureTestKit';

describe('a file as a run ran it', () => {
  test('is the file at the run\'s commit with its captured diff applied, whatever was committed or changed since', async (t) => {
    const repo = makeRepo(t, { 'src/train.py': 'lr = 0.1\n', 'other.py': 'x = 1\n' });
    write(repo, 'src/train.py', 'lr = 0.01\nprint("dirty")\n');
    write(repo, 'src/new.py', 'untracked = True\n');
    const capture = (await captureGit(repo, { env: gitTestEnv })) as GitRepositoryCapture;
    const patch = path.join(tempDir(t, 'runlens-artifacts-'), 'diff.patch');
    writeFileSync(patch, capture.patch);
    git(repo, 'commit', '-q', '-am', 'later work');
    write(repo, 'src/train.py', 'lr = 5\n');

    const request = { cwd: repo, commit: capture.commit!, patch };
    assert.equal(await fileAtRun({ ...request, file: 'src/train.py' }), 'lr = 0.01\nprint("dirty")\n');
    assert.equal(await fileAtRun({ ...request, file: 'src/new.py' }), 'untracked = True\n', 'a new file comes from the diff alone');
    assert.equal(await fileAtRun({ ...request, file: 'other.py' }), 'x = 1\n', 'a file the diff leaves alone is the commit\'s');
    assert.equal(await fileAtRun({ cwd: repo, commit: capture.commit!, file: 'src/train.py' }), 'lr = 0.1\n', 'without the diff: the commit\'s');
  });

  test('a commit the repository lacks, a file the commit lacks and a folder outside git each say so', async (t) => {
    const repo = makeRepo(t);
    const head = git(repo, 'rev-parse', 'HEAD');
    await assert.rejects(fileAtRun({ cwd: repo, commit: 'f'.repeat(40), file: 'train.py' }), (error) => {
      assert.ok(FileAtRunError.is(error));
      assert.match(error.message, /commit ffffffffffff is not in the repository .*fetch it first/);
      return true;
    });
    await assert.rejects(fileAtRun({ cwd: repo, commit: head, file: 'missing.py' }), /missing\.py is not in commit/);
    const outside = tempDir(t, 'runlens-nogit-');
    await assert.rejects(locate('train.py', outside), (error) => FileAtRunError.is(error) && /is not in a git repository here/.test(error.message));
  });
});
