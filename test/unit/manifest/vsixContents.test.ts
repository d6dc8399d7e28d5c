import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { inflateRawSync } from 'node:zlib';
import { repoRoot } from '../support/repoRoot';

// Checks the .vsix that `npm run package` built (scripts/test.mjs packages before the unit tests):
// it must hold only what runs (dist/, media/, the manifest and the documents), and weigh at most 5 MB.

const maxVsixBytes = 5 * 1024 * 1024;

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localHeaderOffset: number;
}

/** The entries listed in a zip's central directory (a .vsix is a plain zip, well under zip64 sizes). */
function readZipEntries(zip: Buffer): ZipEntry[] {
  const endOfCentralDirectory = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(endOfCentralDirectory >= 0, 'not a zip file: no end of central directory record');
  const count = zip.readUInt16LE(endOfCentralDirectory + 10);
  let offset = zip.readUInt32LE(endOfCentralDirectory + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(offset), 0x02014b50, `bad central directory entry ${i}`);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    entries.push({
      name: zip.toString('utf8', offset + 46, offset + 46 + nameLength),
      method: zip.readUInt16LE(offset + 10),
      compressedSize: zip.readUInt32LE(offset + 20),
      localHeaderOffset: zip.readUInt32LE(offset + 42),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function readZipEntry(zip: Buffer, entry: ZipEntry): Buffer {
  const header = entry.localHeaderOffset;
  assert.equal(zip.readUInt32LE(header), 0x04034b50, `bad local header for ${entry.name}`);
  const start = header + 30 + zip.readUInt16LE(header + 26) + zip.readUInt16LE(header + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return data;
  assert.equal(entry.method, 8, `${entry.name}: unexpected compression method ${entry.method}`);
  return inflateRawSync(data);
}

const root = repoRoot;
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  main: string;
  contributes: { viewsContainers: { activitybar: { icon: string }[] } };
};
const vsixFile = path.join(root, `${manifest.name}-${manifest.version}.vsix`);

describe(`the packaged ${path.basename(vsixFile)}`, () => {
  const zip = (() => {
    assert.ok(existsSync(vsixFile), `${vsixFile} not found: run \`npm run package\` first`);
    return readFileSync(vsixFile);
  })();
  const entries = readZipEntries(zip);
  const names = entries.map((e) => e.name);

  test('holds only dist/, media/, package.json, the readme, changelog and licence, and vsce files', () => {
    // vsce stores README.md as readme.md, CHANGELOG.md as changelog.md and LICENSE as LICENSE.txt.
    const fixed = [
      '[Content_Types].xml',
      'extension.vsixmanifest',
      'extension/package.json',
      'extension/readme.md',
      'extension/changelog.md',
      'extension/LICENSE.txt',
    ];
    for (const name of fixed) assert.ok(names.includes(name), `${name} is missing`);
    const unexpected = names.filter((n) => !fixed.includes(n) && !/^extension\/(dist|media)\/[^/]/.test(n));
    assert.deepEqual(unexpected, []);
  });

  test('ships bundles, not sources, maps or node_modules', () => {
    const forbidden = names.filter((n) => /\.(ts|map)$|(^|\/)node_modules\/|^extension\/(src|webview|test)\//.test(n));
    assert.deepEqual(forbidden, []);
  });

  test('has the entry point, the CLI, the checkpoint worker, the sql.js WebAssembly and the activity bar icon', () => {
    const required = [
      manifest.main,
      'dist/cli.js',
      // Started by the store's background checkpoints (src/core/store/databaseImage.ts), from beside the bundle.
      'dist/checkpointWorker.js',
      'dist/sql-wasm.wasm',
      manifest.contributes.viewsContainers.activitybar[0].icon,
    ].map((p) => `extension/${path.posix.normalize(p)}`);
    for (const name of required) assert.ok(names.includes(name), `${name} is missing`);
  });

  test('was packaged from the current package.json', () => {
    const entry = entries.find((e) => e.name === 'extension/package.json');
    assert.ok(entry);
    const packaged = JSON.parse(readZipEntry(zip, entry).toString('utf8')) as typeof manifest;
    assert.equal(packaged.version, manifest.version);
    assert.deepEqual(packaged.contributes, manifest.contributes, 'stale .vsix: run `npm run package` again');
  });

  test('weighs at most 5 MB', () => {
    const size = statSync(vsixFile).size;
    assert.ok(size <= maxVsixBytes, `${(size / 1024 / 1024).toFixed(2)} MB is over 5 MB`);
  });
});
