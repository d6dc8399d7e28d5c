import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { captureFile } from '../../../src/capture/fileCapture';
import { captureGit } from '../../../src/capture/gitCapture';
import { git, gitTestEnv, makeRepo, tempDir, write } from './captureTestKit';

const sha256 = (content: Buffer): string => createHash('sha256').update(content).digest('hex');

describe('active file capture', () => {
  test('a committed, unchanged file: hash, size, workspace path, no copy needed', async (t) => {
    const repo = makeRepo(t, { 'src/train.py': 'import sys\nprint(sys.argv)\n' });
    const file = path.join(repo, 'src', 'train.py');
    const { capture, content } = await captureFile(file, { workspaceRoot: repo, env: gitTestEnv });
    const onDisk = readFileSync(file);
    assert.deepEqual(content, onDisk);
    assert.equal(capture.sha256, sha256(onDisk));
    assert.equal(capture.size, onDisk.length);
    assert.equal(capture.workspacePath, 'src/train.py');
    assert.equal(capture.repositoryPath, 'src/train.py');
    assert.equal(capture.absolutePath, file);
    assert.equal(capture.gitState, 'unchanged');
    assert.equal(capture.needsCopy, false);
  });

  test('a modified file needs a copy; the content returned is what was hashed', async (t) => {
    const repo = makeRepo(t, { 'train.py': 'epochs = 1\n' });
    const file = write(repo, 'train.py', 'epochs = 10\n');
    const { capture, content } = await captureFile(file, { workspaceRoot: repo, env: gitTestEnv });
    assert.equal(capture.gitState, 'modified');
    assert.equal(capture.needsCopy, true);
    assert.equal(content.toString(), 'epochs = 10\n');
    assert.equal(capture.sha256, sha256(content));
  });

  test('untracked, staged-only and ignored files are not in HEAD', async (t) => {
    const repo = makeRepo(t, { '.gitignore': 'scratch/\n' });
    const untracked = write(repo, 'new.py', 'pass\n');
    const staged = write(repo, 'staged.py', 'pass\n');
    git(repo, 'add', 'staged.py');
    const ignored = write(repo, 'scratch/try.py', 'pass\n');
    for (const file of [untracked, staged, ignored]) {
      const { capture } = await captureFile(file, { workspaceRoot: repo, env: gitTestEnv });
      assert.equal(capture.gitState, 'untracked', file);
      assert.equal(capture.needsCopy, true);
    }
  });

  test('the git capture of the launch is reused and agrees', async (t) => {
    const repo = makeRepo(t, { 'a.py': 'a = 1\n', 'b.py': 'b = 1\n' });
    write(repo, 'b.py', 'b = 2\n');
    const gitCapture = await captureGit(repo, { env: gitTestEnv });
    const a = await captureFile(path.join(repo, 'a.py'), { workspaceRoot: repo, env: gitTestEnv, git: gitCapture });
    const b = await captureFile(path.join(repo, 'b.py'), { workspaceRoot: repo, env: gitTestEnv, git: gitCapture });
    assert.equal(a.capture.gitState, 'unchanged');
    assert.equal(b.capture.gitState, 'modified');
  });

  test('a repository without commits: everything is untracked', async (t) => {
    const repo = makeRepo(t, {});
    const file = write(repo, 'train.py', 'pass\n');
    git(repo, 'add', 'train.py');
    const { capture } = await captureFile(file, { workspaceRoot: repo, env: gitTestEnv });
    assert.equal(capture.gitState, 'untracked');
  });

  test('outside any repository, and outside the workspace', async (t) => {
    const folder = tempDir(t);
    const file = write(folder, 'solo.py', 'pass\n');
    const { capture } = await captureFile(file, { workspaceRoot: path.join(folder, 'elsewhere'), env: gitTestEnv });
    assert.equal(capture.gitState, 'noRepository');
    assert.equal(capture.needsCopy, true);
    assert.equal(capture.workspacePath, undefined);
    assert.equal(capture.repositoryPath, undefined);
  });

  test('git missing: the file is still hashed', async (t) => {
    const repo = makeRepo(t);
    const file = path.join(repo, 'train.py');
    const { capture } = await captureFile(file, { workspaceRoot: repo, env: { ...gitTestEnv, PATH: tempDir(t) } });
    assert.equal(capture.gitState, 'noRepository');
    assert.equal(capture.sha256, sha256(readFileSync(file)));
  });

  test('a missing file is a clear error', async (t) => {
    const missing = path.join(tempDir(t), 'gone.py');
    await assert.rejects(captureFile(missing, { workspaceRoot: path.dirname(missing) }), (error: Error) => error.message.includes(missing));
  });
});
