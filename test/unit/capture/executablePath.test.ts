import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { resolveExecutable } from '../../../src/capture/executablePath';
import { tempDir } from './captureTestKit';

// What a launch of `python3` really runs: the first executable file of that name on the launch's PATH.

function executable(file: string, mode = 0o755): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, mode);
  return file;
}

describe('resolveExecutable', { skip: process.platform === 'win32' && 'POSIX permissions' }, () => {
  test('a bare name is the first executable file of that name on PATH, skipping files that cannot run and folders', async (t) => {
    const root = tempDir(t);
    executable(path.join(root, 'a', 'python3'), 0o644);
    mkdirSync(path.join(root, 'b', 'python3'), { recursive: true });
    const real = executable(path.join(root, 'c', 'python3'));
    executable(path.join(root, 'd', 'python3'));
    const PATH = ['a', 'b', 'c', 'd'].map((dir) => path.join(root, dir)).join(path.delimiter);
    assert.equal(await resolveExecutable('python3', { PATH }, root), real);
    assert.equal(await resolveExecutable('python3', { PATH: path.join(root, 'a') }, root), undefined);
    assert.equal(await resolveExecutable('python3', {}, root), undefined);
  });

  test('a name with a slash is taken relative to the working folder, not looked up', async (t) => {
    const root = tempDir(t);
    const venv = executable(path.join(root, '.venv', 'bin', 'python'));
    assert.equal(await resolveExecutable('.venv/bin/python', { PATH: '/usr/bin' }, root), venv);
    assert.equal(await resolveExecutable(venv, {}, '/'), venv);
    assert.equal(await resolveExecutable('./missing/python', { PATH: path.join(root, '.venv', 'bin') }, root), undefined);
  });

  test('an empty PATH entry does not make the working folder choose the interpreter', async (t) => {
    const root = tempDir(t);
    executable(path.join(root, 'python3'));
    assert.equal(await resolveExecutable('python3', { PATH: `${path.delimiter}` }, root), undefined);
  });
});
