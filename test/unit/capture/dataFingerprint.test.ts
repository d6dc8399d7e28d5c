import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, symlinkSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { pathsInArguments } from '../../../src/capture/argumentPaths';
import { fingerprintFiles, fingerprintPaths } from '../../../src/capture/dataFingerprint';
import { toDatasetInput } from '../../../src/capture/datasetInput';
import { hashFile } from '../../../src/capture/fileHash';
import { walkFiles } from '../../../src/capture/fileWalker';
import { GlobMatcher } from '../../../src/capture/globMatcher';
import { validateInputs } from '../../../src/core/store/tracking/runInputs';
import { openTrackingStore } from '../tracking/support/trackingFixture';
import { tempDir, write } from './captureTestKit';

const sha256 = (content: Buffer | string): string => createHash('sha256').update(content).digest('hex');

/** A small dataset tree, with folders the walk must skip. */
function dataTree(root: string): void {
  write(root, 'data/train.csv', 'x,y\n1,2\n');
  write(root, 'data/test.csv', 'x,y\n3,4\n');
  write(root, 'data/raw/2024/jan.csv', 'x,y\n5,6\n');
  write(root, 'data/readme.txt', 'about the data\n');
  write(root, 'models/model.pkl', Buffer.from([1, 2, 3]));
  write(root, 'node_modules/pkg/data.csv', 'skip me\n');
  write(root, '.git/data.csv', 'skip me\n');
  write(root, '.runlens/data.csv', 'skip me\n');
}

describe('glob matching', () => {
  const cases: [string, string, boolean][] = [
    ['*.csv', 'train.csv', true],
    ['*.csv', 'data/train.csv', false],
    ['**/*.csv', 'train.csv', true],
    ['**/*.csv', 'data/raw/2024/jan.csv', true],
    ['data/**', 'data/raw/2024/jan.csv', true],
    ['data/**/*.csv', 'data/train.csv', true],
    ['data/**/*.csv', 'data/raw/2024/jan.csv', true],
    ['data/**/*.csv', 'other/data/train.csv', false],
    ['data/*.csv', 'data/raw/jan.csv', false],
    ['data/?.csv', 'data/a.csv', true],
    ['data/?.csv', 'data/ab.csv', false],
    ['data/[ab].csv', 'data/b.csv', true],
    ['data/[!ab].csv', 'data/b.csv', false],
    ['data/[!ab].csv', 'data/c.csv', true],
    ['data/*.{csv,parquet}', 'data/t.parquet', true],
    ['data/*.{csv,parquet}', 'data/t.json', false],
    ['{data,more}/**/*.csv', 'more/x/y.csv', true],
    ['./data/train.csv', 'data/train.csv', true],
    ['data\\train.csv', 'data/train.csv', true],
    ['data', 'data/raw/2024/jan.csv', true],
    ['data/raw/', 'data/raw/2024/jan.csv', true],
    ['data', 'database.csv', false],
    ['data.csv', 'dataXcsv', false],
    ['a+b(1).csv', 'a+b(1).csv', true],
    ['data/{x}.csv', 'data/{x}.csv', true],
    ['a{b,c{d,e}}f', 'acef', true],
    ['a{b', 'a{b', true],
    ['data/*.csv', 'data/.hidden.csv', true],
  ];

  test('wildcards, globstars, sets, braces and folders', () => {
    for (const [pattern, file, expected] of cases) {
      assert.equal(new GlobMatcher([pattern]).matches(file), expected, `${pattern} against ${file}`);
    }
  });

  test('walk only below the fixed part of each pattern', () => {
    assert.deepEqual(new GlobMatcher(['data/raw/*.csv', 'data/**/*.txt', 'models/m.pkl']).bases(), ['data', 'models/m.pkl']);
    assert.deepEqual(new GlobMatcher(['**/*.csv', 'data/*.csv']).bases(), ['']);
  });
});

describe('file walk', () => {
  test('sorted, depth first, skipping .git, node_modules and .runlens, following links once', async (t) => {
    const root = tempDir(t);
    dataTree(root);
    if (process.platform !== 'win32') symlinkSync(path.join(root, 'data'), path.join(root, 'data', 'raw', 'loop'));
    const walked: string[] = [];
    for await (const file of walkFiles(root)) walked.push(file.relative);
    assert.deepEqual(walked, ['data/raw/2024/jan.csv', 'data/readme.txt', 'data/test.csv', 'data/train.csv', 'models/model.pkl']);
  });
});

describe('streamed hashing', () => {
  test('a file larger than the chunk size hashes as one-shot crypto does', async (t) => {
    const content = randomBytes(3 * 1024 * 1024 + 17);
    const file = write(tempDir(t), 'big.bin', content);
    assert.deepEqual(await hashFile(file, { chunkBytes: 64 * 1024 }), { sha256: sha256(content), size: content.length });
    assert.deepEqual(await hashFile(file), { sha256: sha256(content), size: content.length });
  });

  test('an empty file', async (t) => {
    const file = write(tempDir(t), 'empty', '');
    assert.deepEqual(await hashFile(file), { sha256: sha256(''), size: 0 });
  });
});

describe('data fingerprints', () => {
  test('one fingerprint per matching file: size, sha256, mtime', async (t) => {
    const root = tempDir(t);
    dataTree(root);
    const when = new Date('2024-05-01T12:00:00Z');
    utimesSync(path.join(root, 'data/train.csv'), when, when);
    const { fingerprints, problems } = await fingerprintFiles(root, ['data/**/*.csv']);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      fingerprints.map((fingerprint) => fingerprint.name),
      ['data/raw/2024/jan.csv', 'data/test.csv', 'data/train.csv'],
    );
    const train = fingerprints[2];
    const content = readFileSync(path.join(root, 'data/train.csv'));
    assert.deepEqual(train, {
      name: 'data/train.csv',
      path: path.join(root, 'data', 'train.csv'),
      kind: 'file',
      size: content.length,
      sha256: sha256(content),
      fileCount: 1,
      mtimeMs: when.getTime(),
      truncated: false,
    });
  });

  test('a glob that names a folder takes its files; overlapping globs give each file once', async (t) => {
    const root = tempDir(t);
    dataTree(root);
    const { fingerprints } = await fingerprintFiles(root, ['data/raw', '**/*.csv', 'models/*.pkl']);
    assert.deepEqual(
      fingerprints.map((fingerprint) => fingerprint.name),
      ['data/raw/2024/jan.csv', 'data/test.csv', 'data/train.csv', 'models/model.pkl'],
    );
  });

  test('the file cap is reported', async (t) => {
    const root = tempDir(t);
    dataTree(root);
    const { fingerprints, problems } = await fingerprintFiles(root, ['**/*.csv'], { maxFiles: 2 });
    assert.equal(fingerprints.length, 2);
    assert.match(problems[0], /more than 2 files match/);
  });

  test('a folder is one fingerprint over its sorted manifest', async (t) => {
    const root = tempDir(t);
    dataTree(root);
    const { fingerprints, problems } = await fingerprintPaths(root, ['data', 'models/model.pkl', 'missing.csv']);
    const [folder, file] = fingerprints;
    const files = ['raw/2024/jan.csv', 'readme.txt', 'test.csv', 'train.csv'];
    const manifest = files.map((name) => `${sha256(readFileSync(path.join(root, 'data', name)))}  ${name}\n`).join('');
    assert.equal(folder.kind, 'folder');
    assert.equal(folder.name, 'data');
    assert.equal(folder.sha256, sha256(manifest));
    assert.equal(folder.fileCount, 4);
    assert.equal(folder.size, files.reduce((sum, name) => sum + readFileSync(path.join(root, 'data', name)).length, 0));
    assert.equal(file.name, 'models/model.pkl');
    assert.equal(file.kind, 'file');
    assert.equal(problems.length, 1);
    assert.match(problems[0], /missing\.csv could not be read/);

    write(root, 'data/test.csv', 'x,y\n3,5\n');
    const changed = (await fingerprintPaths(root, ['data'])).fingerprints[0];
    assert.notEqual(changed.sha256, folder.sha256);
  });

  test('a folder over the cap is marked truncated', async (t) => {
    const root = tempDir(t);
    dataTree(root);
    const { fingerprints, problems } = await fingerprintPaths(root, ['data'], { maxFilesPerFolder: 2 });
    assert.equal(fingerprints[0].truncated, true);
    assert.equal(fingerprints[0].fileCount, 2);
    assert.match(problems[0], /holds more than 2 files/);
  });
});

describe('dataset inputs', () => {
  test("MLflow's shape, accepted by the store and read back as logged", async (t) => {
    const root = tempDir(t);
    dataTree(root);
    const { fingerprints } = await fingerprintPaths(root, ['data/train.csv', 'data']);
    const inputs = fingerprints.map((fingerprint) => toDatasetInput(fingerprint));
    const [file] = inputs;
    assert.deepEqual(file.tags, [{ key: 'mlflow.data.context', value: 'input' }]);
    assert.equal(file.dataset.name, 'data/train.csv');
    assert.equal(file.dataset.digest, fingerprints[0].sha256.slice(0, 8));
    assert.equal(file.dataset.source_type, 'local');
    assert.deepEqual(JSON.parse(file.dataset.source), { uri: pathToFileURL(path.join(root, 'data', 'train.csv')).href });
    assert.deepEqual(JSON.parse(file.dataset.profile ?? ''), { size: 8, files: 1, sha256: fingerprints[0].sha256 });
    assert.deepEqual(JSON.parse(inputs[1].dataset.profile ?? ''), { size: fingerprints[1].size, files: 4, sha256: fingerprints[1].sha256 });

    validateInputs(inputs);
    const store = await openTrackingStore();
    t.after(() => store.db.close());
    const run = store.createRun({ experimentId: '0' });
    store.logInputs(run.info.run_id, inputs);
    const logged = store.getRun(run.info.run_id).inputs.dataset_inputs ?? [];
    assert.deepEqual(
      logged.map((input) => [input.dataset.name, input.dataset.digest]),
      inputs.map((input) => [input.dataset.name, input.dataset.digest]),
    );
  });
});

describe('paths in arguments', () => {
  test('existing files and folders inside the workspace, each once, in order', async (t) => {
    const root = tempDir(t);
    dataTree(root);
    const cwd = path.join(root, 'data');
    const args = ['--train=train.csv', 'raw', '--lr', '0.1', 'missing.csv', '../models/model.pkl', '--test', 'test.csv', 'train.csv', '..', '../.git', '-', 'https://example.com/x.csv', path.join(root, '..')];
    assert.deepEqual(await pathsInArguments(args, cwd, root), [
      path.join(root, 'data', 'train.csv'),
      path.join(root, 'data', 'raw'),
      path.join(root, 'models', 'model.pkl'),
      path.join(root, 'data', 'test.csv'),
    ]);
  });
});
