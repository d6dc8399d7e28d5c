import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { changedLines } from '../../../src/core/editorLens/changedLines';

describe('the lines that differ from the best run', () => {
  test('added and changed lines of the current text, none for removed ones or the same text', () => {
    const base = 'import mlflow\nlr = 0.01\nepochs = 10\nmain()\n';
    assert.deepEqual(changedLines(base, base), []);
    assert.deepEqual(changedLines(base, 'import mlflow\nlr = 0.1\nepochs = 10\nmain()\n'), [1]);
    assert.deepEqual(changedLines(base, 'import mlflow\nimport os\nlr = 0.01\nepochs = 10\nseed = 1\nmain()\n'), [1, 4]);
    assert.deepEqual(changedLines(base, 'import mlflow\nmain()\n'), []);
    assert.deepEqual(changedLines('', 'a\nb'), [0, 1]);
  });

  test('CRLF and LF texts of the same lines are the same', () => {
    assert.deepEqual(changedLines('a\r\nb\r\nc', 'a\nB\nc'), [1]);
  });

  test('a moved block marks only what a longest common subsequence cannot keep', () => {
    assert.deepEqual(changedLines('a\nb\nc\nd', 'c\nd\na\nb'), [2, 3]);
  });

  test('two large, wholly different files are compared by position without stalling', () => {
    const base = Array.from({ length: 5_000 }, (_, i) => `x${i}`).join('\n');
    const current = Array.from({ length: 5_000 }, (_, i) => (i % 2 ? `x${i}` : `y${i}`)).join('\n');
    const started = performance.now();
    const changed = changedLines(base, current);
    assert.ok(performance.now() - started < 1000);
    assert.equal(changed.length, 2_500);
  });
});
