import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { captureGit, type GitCapture, type GitCaptureOptions, type GitRepositoryCapture } from '../../../src/capture/gitCapture';
import { applyToCleanCheckout, git, gitTestEnv, isExecutable, makeRepo, tempDir, treeContents, write } from './captureTestKit';

const options: GitCaptureOptions = { env: gitTestEnv };

function repository(capture: GitCapture): GitRepositoryCapture {
  assert.equal(capture.isRepository, true, capture.isRepository ? '' : capture.reason);
  return capture as GitRepositoryCapture;
}

function leftOutAs(capture: GitRepositoryCapture, reason: string): string[] {
  return capture.leftOut.filter((file) => file.reason === reason).map((file) => file.path);
}

describe('git capture', () => {
  test('a clean repository: root, commit, branch, no patch', async (t) => {
    const repo = makeRepo(t);
    const capture = repository(await captureGit(repo, options));
    assert.equal(capture.root, repo);
    assert.equal(capture.commit, git(repo, 'rev-parse', 'HEAD'));
    assert.equal(capture.branch, 'main');
    assert.equal(capture.detached, false);
    assert.equal(capture.dirty, false);
    assert.equal(capture.patch, '');
    assert.deepEqual(capture.changedFiles, []);
    assert.deepEqual(capture.untrackedFiles, []);
    assert.equal(capture.remote, undefined);
    assert.deepEqual(capture.warnings, []);
  });

  test('a tracked change: dirty, and the patch reproduces the working tree on a clean checkout', async (t) => {
    const repo = makeRepo(t, { 'train.py': 'lr = 0.1\nprint(lr)\n', 'lib/util.py': 'x = 1\n', 'gone.txt': 'bye\n' });
    // Settings that would spoil a naive `git diff`: no a/ b/ prefixes, colour, paths relative to the subfolder.
    git(repo, 'config', 'diff.noprefix', 'true');
    git(repo, 'config', 'color.ui', 'always');
    git(repo, 'config', 'diff.relative', 'true');
    write(repo, 'train.py', 'lr = 0.01\nprint(lr)\nprint("more")\n');
    write(repo, 'lib/util.py', 'x = 2');
    git(repo, 'rm', '-q', 'gone.txt');

    const capture = repository(await captureGit(path.join(repo, 'lib'), options));
    assert.equal(capture.dirty, true);
    assert.deepEqual([...capture.changedFiles].sort(), ['gone.txt', 'lib/util.py', 'train.py']);
    assert.equal(capture.patch, git(repo, '-c', 'diff.noprefix=false', 'diff', '--no-color', '--no-relative', 'HEAD') + '\n');
    const clone = applyToCleanCheckout(t, repo, capture.patch, capture.commit);
    assert.deepEqual(treeContents(clone), treeContents(repo));
  });

  test('staged and unstaged changes are both in the patch', async (t) => {
    const repo = makeRepo(t, { 'a.py': 'a = 1\n', 'b.py': 'b = 1\n', 'c.py': 'c = 1\n' });
    write(repo, 'a.py', 'a = 2\n');
    git(repo, 'add', 'a.py');
    write(repo, 'b.py', 'b = 2\n');
    write(repo, 'c.py', 'c = 2\n');
    git(repo, 'add', 'c.py');
    write(repo, 'c.py', 'c = 3\n');
    write(repo, 'new.py', 'staged_new = True\n');
    git(repo, 'add', 'new.py');

    const capture = repository(await captureGit(repo, options));
    assert.deepEqual([...capture.changedFiles].sort(), ['a.py', 'b.py', 'c.py', 'new.py']);
    const clone = applyToCleanCheckout(t, repo, capture.patch, capture.commit);
    assert.deepEqual(treeContents(clone), treeContents(repo));
    assert.equal(readFileSync(path.join(clone, 'c.py'), 'utf8'), 'c = 3\n');
  });

  test('untracked text files become new-file diffs; binary and ignored files stay out', async (t) => {
    const repo = makeRepo(t, { '.gitignore': 'ignored.log\n', 'train.py': 'print(1)\n' });
    write(repo, 'notes with space.md', 'no newline at the end');
    write(repo, 'empty.txt', '');
    write(repo, 'scripts/run.sh', '#!/bin/sh\necho hi\r\n', 0o755);
    write(repo, 'quo"te.txt', 'quoted name\n');
    write(repo, 'weights.bin', Buffer.from([1, 2, 0, 3, 4]));
    write(repo, 'latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    write(repo, 'ignored.log', 'not captured\n');
    if (process.platform !== 'win32') symlinkSync('train.py', path.join(repo, 'link.py'));

    const capture = repository(await captureGit(repo, options));
    assert.equal(capture.dirty, true);
    assert.deepEqual(capture.changedFiles, []);
    const expectedUntracked = ['empty.txt', 'latin1.txt', 'notes with space.md', 'quo"te.txt', 'scripts/run.sh', 'weights.bin'];
    if (process.platform !== 'win32') expectedUntracked.push('link.py');
    assert.deepEqual([...capture.untrackedFiles].sort(), expectedUntracked.sort());
    assert.equal(capture.untrackedCount, expectedUntracked.length);
    assert.deepEqual(leftOutAs(capture, 'binary'), ['weights.bin']);
    assert.deepEqual(leftOutAs(capture, 'notUtf8'), ['latin1.txt']);
    assert.match(capture.patch, /^# RunLens: binary files not inlined: weights\.bin$/m);
    assert.doesNotMatch(capture.patch, /ignored\.log/);

    const clone = applyToCleanCheckout(t, repo, capture.patch, capture.commit);
    const notInPatch = new Set(['weights.bin', 'latin1.txt', 'ignored.log']);
    assert.deepEqual(treeContents(clone), treeContents(repo, (file) => notInPatch.has(file)));
    if (process.platform !== 'win32') assert.equal(isExecutable(path.join(clone, 'scripts/run.sh')), true);
  });

  test('a nested repository is listed as a folder; untracked files past the limit are listed, not read', async (t) => {
    const repo = makeRepo(t);
    git(repo, 'init', '-q', 'vendor/lib');
    write(repo, 'vendor/lib/x.py', 'pass\n');
    for (const name of ['a.txt', 'b.txt', 'c.txt', 'd.txt']) write(repo, name, `${name}\n`);
    const capture = repository(await captureGit(repo, { ...options, maxUntrackedFiles: 2 }));
    assert.equal(capture.untrackedCount, 5);
    assert.deepEqual(capture.untrackedFiles, ['a.txt', 'b.txt']);
    assert.deepEqual(leftOutAs(capture, 'folder'), ['vendor/lib/']);
    assert.deepEqual(leftOutAs(capture, 'capped'), ['c.txt', 'd.txt']);
    assert.match(capture.patch, /^\+a\.txt$/m);
    assert.doesNotMatch(capture.patch, /^\+c\.txt$/m);
  });

  test('only ignored untracked files leave the tree clean', async (t) => {
    const repo = makeRepo(t, { '.gitignore': '*.log\n' });
    write(repo, 'out.log', 'noise\n');
    const capture = repository(await captureGit(repo, options));
    assert.equal(capture.dirty, false);
    assert.equal(capture.patch, '');
  });

  test('a detached HEAD: the commit, no branch', async (t) => {
    const repo = makeRepo(t);
    const first = git(repo, 'rev-parse', 'HEAD');
    write(repo, 'train.py', 'print("second")\n');
    git(repo, 'commit', '-q', '-am', 'second');
    git(repo, 'checkout', '-q', '--detach', first);
    const capture = repository(await captureGit(repo, options));
    assert.equal(capture.detached, true);
    assert.equal(capture.branch, undefined);
    assert.equal(capture.commit, first);
    assert.equal(capture.dirty, false);
  });

  test('a repository with no commits: no commit, the unborn branch, everything as new files', async (t) => {
    const repo = makeRepo(t, {});
    write(repo, 'staged.py', 'import os\n');
    git(repo, 'add', 'staged.py');
    write(repo, 'staged.py', 'import os\nimport sys\n');
    write(repo, 'data/readme.txt', 'untracked\n');

    const capture = repository(await captureGit(repo, options));
    assert.equal(capture.commit, undefined);
    assert.equal(capture.branch, 'main');
    assert.equal(capture.detached, false);
    assert.equal(capture.dirty, true);
    assert.deepEqual(capture.changedFiles, ['staged.py']);
    assert.deepEqual(capture.untrackedFiles, ['data/readme.txt']);
    const clone = applyToCleanCheckout(t, repo, capture.patch);
    assert.deepEqual(treeContents(clone), treeContents(repo));
  });

  test('a folder that is not in a repository', async (t) => {
    const capture = await captureGit(tempDir(t), options);
    assert.deepEqual(capture, { isRepository: false, reason: 'not a git repository', gitMissing: false });
  });

  test('a folder that does not exist', async (t) => {
    const capture = await captureGit(path.join(tempDir(t), 'missing'), options);
    assert.equal(capture.isRepository, false);
    assert.equal(capture.isRepository === false && capture.gitMissing, false);
  });

  test('git not installed: PATH holds no git, and nothing throws', async (t) => {
    const repo = makeRepo(t);
    const capture = await captureGit(repo, { env: { ...gitTestEnv, PATH: tempDir(t, 'runlens-empty-path-') } });
    assert.equal(capture.isRepository, false);
    assert.equal(capture.isRepository === false && capture.gitMissing, true);
    assert.match((capture as { reason: string }).reason, /git is not installed/);
  });

  test('the remote: origin first, credentials stripped', async (t) => {
    const repo = makeRepo(t);
    git(repo, 'remote', 'add', 'upstream', 'https://bob:s3cret@example.com/team/project.git');
    let capture = repository(await captureGit(repo, options));
    assert.deepEqual(capture.remote, { name: 'upstream', url: 'https://example.com/team/project.git' });

    git(repo, 'remote', 'add', 'origin', 'https://ghp_token123@github.com/me/project.git');
    capture = repository(await captureGit(repo, options));
    assert.deepEqual(capture.remote, { name: 'origin', url: 'https://github.com/me/project.git' });
    assert.doesNotMatch(JSON.stringify(capture), /s3cret|ghp_token123/);
  });

  test('the patch cap: whole files that fit, a note with the full size, and it still applies', async (t) => {
    const big = Array.from({ length: 400 }, (_, i) => `line ${i} of a long generated file`).join('\n') + '\n';
    const repo = makeRepo(t, { 'big.txt': big, 'small.py': 'x = 1\n' });
    write(repo, 'big.txt', big.toUpperCase());
    write(repo, 'small.py', 'x = 2\n');
    write(repo, 'new.py', 'print("new")\n');
    const maxPatchBytes = 4096;

    const capture = repository(await captureGit(repo, { ...options, maxPatchBytes }));
    assert.equal(capture.patchCapped, true);
    assert.ok(capture.patchBytes <= maxPatchBytes, `${capture.patchBytes} bytes`);
    assert.equal(capture.patchBytes, Buffer.byteLength(capture.patch));
    const uncapped = repository(await captureGit(repo, options));
    assert.equal(uncapped.patchCapped, false);
    assert.equal(capture.fullPatchBytes, uncapped.patchBytes);
    assert.deepEqual(leftOutAs(capture, 'capped'), ['big.txt']);
    const note = `# RunLens: patch capped at ${maxPatchBytes} bytes; the full patch is ${uncapped.patchBytes} bytes; left out: big.txt\n`;
    assert.ok(capture.patch.endsWith(note), capture.patch.slice(-300));

    const clone = applyToCleanCheckout(t, repo, capture.patch, capture.commit);
    assert.equal(readFileSync(path.join(clone, 'small.py'), 'utf8'), 'x = 2\n');
    assert.equal(readFileSync(path.join(clone, 'new.py'), 'utf8'), 'print("new")\n');
    assert.equal(readFileSync(path.join(clone, 'big.txt'), 'utf8'), big);
  });

  test('untracked files beyond the cap are counted by size, not read', async (t) => {
    const repo = makeRepo(t);
    write(repo, 'data/huge.csv', 'a,b\n'.repeat(5000));
    const capture = repository(await captureGit(repo, { ...options, maxPatchBytes: 1024 }));
    assert.deepEqual(leftOutAs(capture, 'capped'), ['data/huge.csv']);
    assert.equal(capture.fullPatchBytesExact, false);
    assert.match(capture.patch, /the full patch is at least 20000 bytes/);
  });

  test('from a subfolder: the repository root, and root-relative paths', async (t) => {
    const repo = makeRepo(t, { 'src/model/net.py': 'layers = 2\n', 'README.md': 'hi\n' });
    write(repo, 'src/model/net.py', 'layers = 3\n');
    write(repo, 'README.md', 'hello\n');
    const deep = path.join(repo, 'src', 'model');
    mkdirSync(path.join(deep, 'empty'), { recursive: true });
    const capture = repository(await captureGit(path.join(deep, 'empty'), options));
    assert.equal(capture.root, repo);
    assert.deepEqual([...capture.changedFiles].sort(), ['README.md', 'src/model/net.py']);
    applyToCleanCheckout(t, repo, capture.patch, capture.commit);
  });

  test("never writes the user's index, even when its stat data is stale", async (t) => {
    const repo = makeRepo(t, { 'a.py': 'a = 1\n' });
    // Same content, new mtime: a `git status` would refresh (rewrite) the index here.
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(repo, 'a.py'), later, later);
    const indexBefore = readFileSync(path.join(repo, '.git', 'index'));
    const capture = repository(await captureGit(repo, options));
    assert.equal(capture.dirty, false);
    assert.deepEqual(readFileSync(path.join(repo, '.git', 'index')), indexBefore);
  });
});
