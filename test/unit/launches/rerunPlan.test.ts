import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { CaptureTag } from '../../../src/capture/tags';
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

  test('each difference is named: the file, the commit, uncommitted changes then or now', () => {
    assert.deepEqual(codeDifferences(captured, { fileSha256: 'b'.repeat(64), commit: 'fedcba9876543210', dirty: true }), [
      'src/train.py has changed since the run',
      'HEAD is fedcba98; the run used 01234567',
      'the working tree has uncommitted changes the run did not have',
    ]);
    assert.deepEqual(codeDifferences({ ...captured, [CaptureTag.GitDirty]: 'true' }, { commit: undefined, dirty: false }), [
      'src/train.py no longer exists',
      'HEAD is not a commit; the run used 01234567',
      'the run had uncommitted changes that the working tree no longer has',
    ]);
  });
});
