import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ArgumentSyntaxError, splitArguments } from '../../../src/core/launches/argumentWords';

describe('arguments typed as one line', () => {
  test('split on whitespace, with quotes and escapes as a POSIX shell reads them', () => {
    assert.deepEqual(splitArguments('  --epochs 10\t--lr=0.01  '), ['--epochs', '10', '--lr=0.01']);
    assert.deepEqual(splitArguments(`--name 'my run' --note "it's \\"quoted\\""`), ['--name', 'my run', '--note', `it's "quoted"`]);
    assert.deepEqual(splitArguments(`a\\ b 'c'"d" '' ""`), ['a b', 'cd', '', '']);
    assert.deepEqual(splitArguments(`"keep \\n and \\\\"`), ['keep \\n and \\']);
    assert.deepEqual(splitArguments(''), []);
  });

  test('nothing is expanded: variables, globs and separators reach the script as typed', () => {
    assert.deepEqual(splitArguments('$HOME data/*.csv ; rm -rf / `id` $(id)'), ['$HOME', 'data/*.csv', ';', 'rm', '-rf', '/', '`id`', '$(id)']);
  });

  test('an unclosed quote or a dangling backslash is an error that says where', () => {
    assert.throws(() => splitArguments(`--name 'open`), (error: Error) => error instanceof ArgumentSyntaxError && /position 8/.test(error.message));
    assert.throws(() => splitArguments('"open'), /never closed/);
    assert.throws(() => splitArguments('trailing\\'), /backslash/);
  });
});
