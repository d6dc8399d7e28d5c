import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { CaptureRecord } from '../../../src/capture/captureRecord';
import { formatCommandLine } from '../../../src/capture/commandLine';
import { captureHost } from '../../../src/capture/hostCapture';
import { captureLaunch, type LaunchCaptureRequest } from '../../../src/capture/launchCapture';
import { captureTags, limitTagValue, truncationMarker } from '../../../src/capture/tags';
import { CaptureTag } from '../../../src/core/launches/captureTags';
import { validateTag } from '../../../src/core/validation';
import { openTrackingStore } from '../tracking/support/trackingFixture';
import { git, gitTestEnv, makeRepo, tempDir, write } from './captureTestKit';

const hasPython = spawnSync('python3', ['--version']).status === 0;

function request(workspaceRoot: string, overrides: Partial<LaunchCaptureRequest> = {}): LaunchCaptureRequest {
  return {
    launchId: 'launch-1',
    workspaceRoot,
    cwd: workspaceRoot,
    interpreterPath: 'python3',
    script: 'train.py',
    args: ['--data', 'data/train.csv', '--epochs', '3'],
    runlensVersion: '0.1.0',
    env: gitTestEnv,
    ...overrides,
  };
}

describe('launch capture', () => {
  test('code, file, interpreter, host and data in one record that survives JSON', async (t) => {
    const repo = makeRepo(t, { 'train.py': 'print("v1")\n', 'data/train.csv': 'x\n1\n' });
    git(repo, 'remote', 'add', 'origin', 'https://me:pw@example.com/ml/project.git');
    write(repo, 'train.py', 'print("v2")\n');
    write(repo, 'data/extra.csv', 'x\n2\n');

    const { record, fileContent } = await captureLaunch(request(repo, { dataGlobs: ['data/*.csv'], dataFromArguments: true }));
    assert.equal(record.launchId, 'launch-1');
    assert.ok(record.git.isRepository);
    assert.equal(record.git.commit, git(repo, 'rev-parse', 'HEAD'));
    assert.equal(record.git.dirty, true);
    assert.equal(record.file?.workspacePath, 'train.py');
    assert.equal(record.file?.gitState, 'modified');
    assert.equal(fileContent?.toString(), 'print("v2")\n');
    assert.equal(record.command.script, path.join(repo, 'train.py'));
    assert.deepEqual(
      record.data.fingerprints.map((fingerprint) => fingerprint.name),
      ['data/extra.csv', 'data/train.csv'],
    );
    assert.deepEqual(record.problems, []);
    assert.equal(record.host.runlensVersion, '0.1.0');
    if (hasPython) assert.ok(!('error' in record.interpreter));
    assert.deepEqual(JSON.parse(JSON.stringify(record)), record);

    const tags = captureTags(record);
    assert.equal(tags[CaptureTag.SourceName], 'train.py');
    assert.equal(tags[CaptureTag.SourceType], 'LOCAL');
    assert.equal(tags[CaptureTag.GitCommit], record.git.commit);
    assert.equal(tags[CaptureTag.GitBranch], 'main');
    assert.equal(tags[CaptureTag.GitRepoUrl], 'https://example.com/ml/project.git');
    assert.equal(tags[CaptureTag.GitDirty], 'true');
    assert.equal(tags[CaptureTag.GitDetached], 'false');
    assert.equal(tags[CaptureTag.FileSha256], createHash('sha256').update('print("v2")\n').digest('hex'));
    assert.equal(tags[CaptureTag.Command], 'python3 train.py --data data/train.csv --epochs 3');
    assert.deepEqual(JSON.parse(tags[CaptureTag.Args]), ['--data', 'data/train.csv', '--epochs', '3']);
    assert.equal(tags[CaptureTag.Cwd], repo);
    // The interpreter that ran, by its own account (sys.executable), not the bare name it was launched by.
    const executable = hasPython ? spawnSync('python3', ['-c', 'import sys; print(sys.executable)']).stdout.toString().trim() : 'python3';
    assert.equal(tags[CaptureTag.PythonPath], executable);
    if (hasPython) assert.ok(path.isAbsolute(tags[CaptureTag.PythonPath]), tags[CaptureTag.PythonPath]);
    assert.equal(tags[CaptureTag.Host], os.hostname());
    assert.equal(tags[CaptureTag.Platform], process.platform);
    assert.equal(tags[CaptureTag.Version], '0.1.0');
    assert.equal(tags[CaptureTag.LaunchId], 'launch-1');
    assert.equal(tags[CaptureTag.EnvSha256], undefined, 'no environment hash before the freeze ends');
    if (hasPython) assert.match(tags[CaptureTag.PythonVersion], /^\d+\.\d+\.\d+/);

    const store = await openTrackingStore();
    t.after(() => store.db.close());
    const entries = Object.entries(tags).map(([key, value]) => ({ key, value }));
    for (const { key, value } of entries) validateTag(key, value);
    const run = store.createRun({ experimentId: '0', tags: entries });
    const stored = new Map((store.getRun(run.info.run_id).data.tags ?? []).map((tag) => [tag.key, tag.value]));
    for (const { key, value } of entries) assert.equal(stored.get(key), value, key);
  });

  test('outside a repository: what is true, and no git tags', async (t) => {
    const folder = tempDir(t);
    write(folder, 'train.py', 'pass\n');
    const { record } = await captureLaunch(request(folder, { interpreterPath: path.join(folder, 'no-python') }));
    assert.deepEqual(record.git, { isRepository: false, reason: 'not a git repository', gitMissing: false });
    assert.equal(record.file?.gitState, 'noRepository');
    assert.ok('error' in record.interpreter);
    const tags = captureTags(record);
    for (const key of [CaptureTag.GitCommit, CaptureTag.GitBranch, CaptureTag.GitRepoUrl, CaptureTag.GitDirty, CaptureTag.GitDetached, CaptureTag.PythonVersion]) {
      assert.equal(tags[key], undefined, key);
    }
    assert.equal(tags[CaptureTag.PythonPath], path.join(folder, 'no-python'));
  });

  test('a script that cannot be read is a problem in the record, not a throw', async (t) => {
    const folder = tempDir(t);
    const { record, fileContent } = await captureLaunch(request(folder, { script: 'missing.py' }));
    assert.equal(record.file, undefined);
    assert.equal(fileContent, undefined);
    assert.match(record.problems[0], /missing\.py/);
    assert.equal(captureTags(record)[CaptureTag.SourceName], 'missing.py');
  });

  test('a reproduction names the run it reproduces; other launches carry no such tag', async (t) => {
    const folder = tempDir(t);
    write(folder, 'train.py', 'print(1)\n');
    const { record } = await captureLaunch(request(folder));
    assert.equal(captureTags(record)[CaptureTag.Reproduces], undefined);
    assert.equal(captureTags({ ...record, reproduces: 'run-123' })[CaptureTag.Reproduces], 'run-123');
  });
});

describe('capture tags', () => {
  test('long values are cut to the limit with a marker, never inside a surrogate pair', () => {
    const long = 'x'.repeat(9000);
    const cut = limitTagValue(long);
    assert.equal(cut.length, 8000);
    assert.ok(cut.endsWith(truncationMarker));
    assert.equal(limitTagValue('short'), 'short');
    const emoji = 'a' + '😀'.repeat(40);
    const cutEmoji = limitTagValue(emoji, 6 + truncationMarker.length);
    assert.ok(cutEmoji.endsWith(truncationMarker));
    assert.equal(cutEmoji, `a😀😀${truncationMarker}`);
  });

  test('arguments too long for a tag are truncated in the tag, kept whole in the record', () => {
    const args = Array.from({ length: 2000 }, (_, i) => `--option-${i}=value`);
    const record: CaptureRecord = {
      version: 1,
      launchId: 'l',
      capturedAt: 0,
      workspaceRoot: '/w',
      command: { executable: 'python3', script: '/w/train.py', args, cwd: '/w' },
      git: { isRepository: false, reason: 'not a git repository', gitMissing: false },
      interpreter: { path: 'python3', error: 'x' },
      host: captureHost('0.1.0'),
      data: { fingerprints: [], problems: [] },
      environment: { sha256: 'ab'.repeat(32), packageCount: 3, source: 'pip' },
      problems: [],
    };
    const tags = captureTags(record);
    for (const value of Object.values(tags)) assert.ok(value.length <= 8000);
    assert.ok(tags[CaptureTag.Args].endsWith(truncationMarker));
    assert.ok(tags[CaptureTag.Command].endsWith(truncationMarker));
    assert.equal(tags[CaptureTag.EnvSha256], 'ab'.repeat(32));
    assert.equal(tags[CaptureTag.SourceName], 'train.py');
    assert.equal(record.command.args.length, 2000);
  });

  test('the command line quotes what a shell would read otherwise', () => {
    assert.equal(formatCommandLine('/opt/py 3/bin/python', ['train.py', '--name', "it's", '$HOME', 'a b', '']), `'/opt/py 3/bin/python' train.py --name 'it'\\''s' '$HOME' 'a b' ''`);
  });
});
