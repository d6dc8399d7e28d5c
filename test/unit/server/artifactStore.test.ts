// ArtifactStore on its own, on a real temporary folder: the path rules and what the HTTP tests
// cannot reach (a stream that breaks midway, leftovers of a killed upload).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { MlflowError } from '../../../src/core/errors';
import { ArtifactStore, artifactPathSegments } from '../../../src/core/store/artifactStore';

describe('ArtifactStore', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'runlens-artifacts-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('normalizes "." and empty segments, and refuses the rest of the unsafe forms', () => {
    assert.deepEqual(artifactPathSegments('1/./r//artifacts/x.txt/'), ['1', 'r', 'artifacts', 'x.txt']);
    assert.deepEqual(artifactPathSegments(''), []);
    for (const bad of ['..', 'a/../b', '/abs', 'C:/x', 'c:x', 'a\\b', 'a\0b']) {
      assert.throws(() => artifactPathSegments(bad), (e: unknown) => MlflowError.is(e, 'INVALID_PARAMETER_VALUE'), bad);
    }
  });

  test('removes what a killed upload left in staging, on first use', async () => {
    const root = path.join(dir, 'killed', 'artifacts');
    mkdirSync(`${root}.uploads`, { recursive: true });
    writeFileSync(path.join(`${root}.uploads`, 'dead.partial'), 'half a model');
    const store = new ArtifactStore(root);
    assert.deepEqual(await store.list(''), []);
    assert.ok(!existsSync(path.join(`${root}.uploads`, 'dead.partial')));
  });

  for (const when of ['before the copy starts', 'midway through the copy']) {
    test(`a source that breaks ${when} leaves no file and no staging file`, async () => {
      const root = path.join(dir, `broken-${when.split(' ')[0]}`, 'artifacts');
      const store = new ArtifactStore(root);
      const source = new PassThrough();
      const writing = store.write('1/r/artifacts/model.bin', source);
      if (when.startsWith('midway')) {
        source.write(Buffer.alloc(64 * 1024));
        // Wait until the copy has a staging file: the break then lands inside it.
        for (let i = 0; i < 200 && !(existsSync(`${root}.uploads`) && readdirSync(`${root}.uploads`).length > 0); i++) {
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        assert.equal(readdirSync(`${root}.uploads`).length, 1);
      }
      source.destroy(new Error('connection reset'));
      await assert.rejects(writing, /connection reset/);
      assert.deepEqual(await store.list('1/r/artifacts'), []);
      assert.deepEqual(existsSync(`${root}.uploads`) ? readdirSync(`${root}.uploads`) : [], []);
    });
  }

  test('a source past the cap is refused with the cap in the message, and nothing is kept', async () => {
    const root = path.join(dir, 'capped', 'artifacts');
    const store = new ArtifactStore(root, { maxFileBytes: 1000 });
    await assert.rejects(store.write('a.bin', Readable.from([Buffer.alloc(600), Buffer.alloc(600)])), /artifact exceeds 1000 bytes/);
    assert.equal(await store.write('b.bin', Readable.from([Buffer.alloc(600), Buffer.alloc(400)])), 1000);
    assert.deepEqual(
      (await store.list('')).map((e) => e.path),
      ['b.bin'],
    );
    assert.deepEqual(readdirSync(`${root}.uploads`), []);
  });

  test('writing over a folder is refused; reading a folder is refused; missing files are 404', async () => {
    const store = new ArtifactStore(path.join(dir, 'shapes', 'artifacts'));
    await store.write('d/f.txt', Readable.from([Buffer.from('x')]));
    await assert.rejects(store.write('d', Readable.from([Buffer.from('y')])), /is a directory/);
    await assert.rejects(store.read('d'), /is a directory/);
    await assert.rejects(store.read('d/missing.txt'), (e: unknown) => MlflowError.is(e, 'RESOURCE_DOES_NOT_EXIST'));
    await assert.rejects(store.read('d/f.txt/below'), (e: unknown) => MlflowError.is(e, 'RESOURCE_DOES_NOT_EXIST'));
  });
});
