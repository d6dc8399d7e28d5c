import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { captureInterpreter, isInterpreterFailure } from '../../../src/capture/interpreterCapture';
import { freezePackages, normalizeFreeze, type PackageFreeze } from '../../../src/capture/packageFreeze';
import { tempDir, write } from './captureTestKit';

const python = 'python3';
const hasPython = spawnSync(python, ['--version']).status === 0;
const skip = hasPython ? false : 'python3 is not installed';

function frozen(result: Awaited<ReturnType<typeof freezePackages>>): PackageFreeze {
  assert.ok(!('error' in result), 'error' in result ? result.error : '');
  return result as PackageFreeze;
}

describe('interpreter capture', () => {
  test('version, implementation, executable and prefix of the real python3', { skip }, async () => {
    const capture = await captureInterpreter(python);
    assert.ok(!isInterpreterFailure(capture), isInterpreterFailure(capture) ? capture.error : '');
    const version = execFileSync(python, ['--version'], { encoding: 'utf8' }).trim();
    assert.equal(`Python ${capture.version}`, version);
    assert.equal(capture.path, python);
    assert.ok(existsSync(capture.executable), capture.executable);
    assert.ok(capture.implementation.length > 0);
    assert.ok(existsSync(capture.prefix), capture.prefix);
  });

  test('an interpreter that does not exist is an error, not a throw', async (t) => {
    const missing = path.join(tempDir(t), 'no-python');
    const capture = await captureInterpreter(missing);
    assert.ok(isInterpreterFailure(capture));
    assert.equal(capture.path, missing);
    assert.match(capture.error, /was not found/);
  });

  test('a program that is not Python is an error, not a throw', async () => {
    const capture = await captureInterpreter(process.execPath);
    assert.ok(isInterpreterFailure(capture));
    assert.match(capture.error, new RegExp(`${path.basename(process.execPath)}`));
  });
});

describe('package freeze', () => {
  test('pip freeze of the real python3: normalized, sorted, hashed', { skip }, async () => {
    const freeze = frozen(await freezePackages(python));
    assert.equal(freeze.source, 'pip');
    const lines = freeze.text.split('\n').slice(0, -1);
    assert.equal(freeze.text.endsWith('\n'), true);
    assert.equal(lines.length, freeze.packageCount);
    assert.deepEqual(lines, [...lines].sort());
    assert.ok(lines.some((line) => line.startsWith('pip==')), 'pip itself is listed (--all)');
    for (const line of lines) assert.doesNotMatch(line.split(/==| @ /)[0], /[A-Z_.]/, line);
    assert.equal(freeze.sha256, createHash('sha256').update(freeze.text).digest('hex'));
  });

  test('without pip: importlib.metadata lists the same way', { skip }, async (t) => {
    const venv = path.join(tempDir(t), 'venv');
    execFileSync(python, ['-m', 'venv', '--without-pip', venv]);
    const venvPython = process.platform === 'win32' ? path.join(venv, 'Scripts', 'python.exe') : path.join(venv, 'bin', 'python');
    const sitePackages = execFileSync(venvPython, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'], { encoding: 'utf8' }).trim();
    write(sitePackages, 'My_Package-1.2.3.dist-info/METADATA', 'Metadata-Version: 2.1\nName: My_Package\nVersion: 1.2.3\n');
    write(sitePackages, 'zeta.pkg-0.1.dist-info/METADATA', 'Metadata-Version: 2.1\nName: Zeta.Pkg\nVersion: 0.1\n');

    const freeze = frozen(await freezePackages(venvPython));
    assert.equal(freeze.source, 'importlib.metadata');
    assert.equal(freeze.text, 'my-package==1.2.3\nzeta-pkg==0.1\n');
    assert.equal(freeze.packageCount, 2);
  });

  test('a timeout kills pip and is an error, not a throw', { skip }, async () => {
    const result = await freezePackages(python, { timeoutMs: 1 });
    assert.ok('error' in result);
    assert.match(result.error, /did not finish within 1 ms/);
  });

  test('a missing interpreter is an error, not a throw', async (t) => {
    const result = await freezePackages(path.join(tempDir(t), 'no-python'));
    assert.ok('error' in result);
    assert.match(result.error, /was not found/);
  });

  test('normalization makes equal environments compare equal', () => {
    const pip = '# comment\nPyYAML==6.0.1\ntyping_extensions==4.9.0\n\nnumpy==1.26.4\r\nmy.pkg @ file:///tmp/my.pkg\n-e git+https://x/y.git@abc#egg=y\n';
    const other = 'numpy==1.26.4\npyyaml == 6.0.1\nTyping-Extensions==4.9.0\nmy-pkg @ file:///tmp/my.pkg\n-e git+https://x/y.git@abc#egg=y\nnumpy==1.26.4\n';
    const expected = ['-e git+https://x/y.git@abc#egg=y', 'my-pkg @ file:///tmp/my.pkg', 'numpy==1.26.4', 'pyyaml==6.0.1', 'typing-extensions==4.9.0'];
    assert.deepEqual(normalizeFreeze(pip), expected);
    assert.deepEqual(normalizeFreeze(other), expected);
  });
});
