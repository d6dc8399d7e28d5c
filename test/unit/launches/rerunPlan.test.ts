import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { CaptureTag } from '../../../src/core/launches/captureTags';
import { patchSections } from '../../../src/capture/patchFiles';
import { codeDifferences, rerunPlan } from '../../../src/core/launches/rerunPlan';

const captured = {
  [CaptureTag.SourceName]: 'src/train.py',
  [CaptureTag.Args]: JSON.stringify(['--epochs', '3']),
  [CaptureTag.FileSha256]: 'a'.repeat(64),
  [CaptureTag.GitCommit]: '0123456789abcdef0123456789abcdef01234567',
  [CaptureTag.GitDirty]: 'false',
};

describe('run again', () => {
  test('the plan is the captured script, resolved in the workspace, with its arguments', () => {
    assert.deepEqual(rerunPlan(captured, '/work/space'), { script: path.resolve('/work/space', 'src/train.py'), args: ['--epochs', '3'] });
  });

  test('a run RunLens did not launch, or with a broken args tag, cannot be run again', () => {
    assert.throws(() => rerunPlan({ [CaptureTag.SourceName]: 'x.py' }, '/w'), /not launched by RunLens/);
    assert.throws(() => rerunPlan({ ...captured, [CaptureTag.Args]: '{"a":1}' }, '/w'), /not a list of arguments/);
  });

  test('the same file at the same clean commit differs in nothing', () => {
    assert.deepEqual(codeDifferences(captured, { fileSha256: 'a'.repeat(64), commit: captured[CaptureTag.GitCommit], dirty: false }), []);
  });

  test('each difference is named: the file with its hashes, the commit, uncommitted changes then or now with their files', () => {
    const now = new Map([['src/train.py', 'diff --git a/src/train.py b/src/train.py\n+x\n']]);
    assert.deepEqual(codeDifferences(captured, { fileSha256: 'b'.repeat(64), commit: 'fedcba9876543210', dirty: true, changes: now }), [
      'src/train.py has changed since the run (SHA-256 aaaaaaaa then, bbbbbbbb now)',
      'HEAD is fedcba98; the run used 01234567',
      'the working tree has uncommitted changes the run did not have (in src/train.py)',
    ]);
    const then = new Map([['README.md', 'diff --git a/README.md b/README.md\n+y\n']]);
    assert.deepEqual(codeDifferences({ ...captured, [CaptureTag.GitDirty]: 'true' }, { commit: undefined, dirty: false }, then), [
      'src/train.py no longer exists',
      'HEAD is not a commit; the run used 01234567',
      'the run had uncommitted changes (in README.md) that the working tree no longer has',
    ]);
  });

  test('uncommitted changes then and now are compared file by file: equal ones are no difference', () => {
    const dirty = { ...captured, [CaptureTag.GitDirty]: 'true' };
    const same = { fileSha256: 'a'.repeat(64), commit: captured[CaptureTag.GitCommit], dirty: true };
    const patch = 'diff --git a/a.py b/a.py\n+1\ndiff --git a/b.py b/b.py\n+2\n';
    assert.deepEqual(codeDifferences(dirty, { ...same, changes: patchSections(patch) }, patchSections(patch)), []);
    const edited = patch.replace('+2', '+3') + 'diff --git a/c.py b/c.py\n+4\n';
    assert.deepEqual(codeDifferences(dirty, { ...same, changes: patchSections(edited) }, patchSections(patch)), [
      "the uncommitted changes differ from the run's in b.py, c.py",
    ]);
    const many = Array.from({ length: 8 }, (_, i) => `diff --git a/f${i}.py b/f${i}.py\n+${i}\n`).join('');
    assert.deepEqual(codeDifferences(dirty, { ...same, changes: patchSections(many) }, new Map()), [
      "the uncommitted changes differ from the run's in f0.py, f1.py, f2.py, f3.py, f4.py and 3 more files",
    ]);
    assert.deepEqual(codeDifferences(dirty, { ...same, changes: patchSections(patch) }, undefined), [
      'the run had uncommitted changes, and so does the working tree now; the run kept no diff to compare them with',
    ]);
  });

  test('a patch splits into its files, names with spaces included', () => {
    const patch = 'diff --git a/my file.py b/my file.py\n--- a/my file.py\n+++ b/my file.py\n@@ -1 +1 @@\n-a\n+b\ndiff --git a/x.py b/x.py\n+x\n';
    const sections = patchSections(patch);
    assert.deepEqual([...sections.keys()], ['my file.py', 'x.py']);
    assert.equal(sections.get('x.py'), 'diff --git a/x.py b/x.py\n+x\n');
    assert.equal([...sections.values()].join(''), patch);
  });
});
