// The pieces the git capture builds its patch from: header paths, streamed section splitting,
// new-file sections, the capped builder, and remote URLs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pathOfDiffHeader, quotedName } from '../../../src/capture/diffPaths';
import { DiffSectionSplitter, isBinaryDiffSection, type DiffSection } from '../../../src/capture/diffSections';
import { contentKind, newFileDiff } from '../../../src/capture/newFileDiff';
import { PatchBuilder } from '../../../src/capture/patchBuilder';
import { parseRemoteConfig, preferredRemote, withoutCredentials } from '../../../src/capture/remoteUrl';
import { git, makeRepo, write } from './captureTestKit';

function split(output: Buffer, chunkBytes: number, maxSectionBytes = Infinity): DiffSection[] {
  const sections: DiffSection[] = [];
  const splitter = new DiffSectionSplitter(maxSectionBytes, (section) => sections.push(section));
  for (let at = 0; at < output.length; at += chunkBytes) splitter.write(output.subarray(at, at + chunkBytes));
  splitter.end();
  return sections;
}

describe('diff header paths', () => {
  const names = ['train.py', 'dir/with space.py', 'tab\there.txt', 'quo"te\\back.txt', 'ünïcode/数据.csv', 'a b/b a.txt'];

  test('a name written the way git writes it reads back the same', () => {
    for (const name of names) {
      const header = `diff --git ${quotedName(`a/${name}`)} ${quotedName(`b/${name}`)}`;
      assert.equal(pathOfDiffHeader(header), name, header);
    }
  });

  test("git's own headers, quoted and octal-escaped included, read back as the path", (t) => {
    const repo = makeRepo(t, {});
    for (const name of names) write(repo, name, 'x\n');
    git(repo, 'add', '-A');
    const headers = git(repo, '-c', 'core.quotepath=true', 'diff', '--cached', '--no-color')
      .split('\n')
      .filter((line) => line.startsWith('diff --git '));
    assert.deepEqual(headers.map(pathOfDiffHeader).sort(), [...names].sort());
  });

  test('headers that are not diff headers name nothing', () => {
    assert.equal(pathOfDiffHeader('index 0000000..e69de29'), undefined);
    assert.equal(pathOfDiffHeader('diff --git a/x b/y'), undefined);
    assert.equal(pathOfDiffHeader('diff --git "a/unterminated'), undefined);
  });
});

describe('diff sections', () => {
  test('the same sections whatever the chunk boundaries', (t) => {
    const repo = makeRepo(t, { 'a.txt': 'a\n', 'b/c.txt': 'diff --git a/fake b/fake\n', 'd.bin': 'x' });
    write(repo, 'a.txt', 'a\nA\n');
    write(repo, 'b/c.txt', 'diff --git a/fake b/fake\n+diff --git a/x b/x\n');
    write(repo, 'd.bin', Buffer.from([0, 1, 2]));
    const output = Buffer.from(git(repo, 'diff', '--no-color', 'HEAD') + '\n');
    const whole = split(output, output.length);
    assert.deepEqual(
      whole.map((section) => section.path),
      ['a.txt', 'b/c.txt', 'd.bin'],
    );
    assert.deepEqual(Buffer.concat(whole.map((section) => section.bytes as Buffer)), output);
    for (const chunkBytes of [1, 2, 5, 11, 12, 13, 64]) assert.deepEqual(split(output, chunkBytes), whole, `chunks of ${chunkBytes}`);
    assert.deepEqual(
      whole.map((section) => isBinaryDiffSection(section.bytes as Buffer)),
      [false, false, true],
    );
  });

  test('a section over the limit is counted, not kept', () => {
    const small = 'diff --git a/s b/s\n--- a/s\n+++ b/s\n@@ -1 +1 @@\n-a\n+b\n';
    const big = `diff --git a/big b/big\n--- a/big\n+++ b/big\n@@ -1 +1,100 @@\n${'+0123456789\n'.repeat(100)}`;
    const sections = split(Buffer.from(big + small), 7, 200);
    assert.deepEqual(sections, [
      { path: 'big', bytes: undefined, size: Buffer.byteLength(big) },
      { path: 's', bytes: Buffer.from(small), size: Buffer.byteLength(small) },
    ]);
  });
});

describe('new-file sections', () => {
  test('text, binary and non-UTF-8 content', () => {
    assert.equal(contentKind(Buffer.from('plain\n')), 'text');
    assert.equal(contentKind(Buffer.from([0x61, 0x00, 0x62])), 'binary');
    assert.equal(contentKind(Buffer.from([0x63, 0x61, 0x66, 0xe9])), 'notUtf8');
    assert.equal(contentKind(Buffer.alloc(0)), 'text');
  });

  test('what git diff prints for the same file, but the index line', (t) => {
    const repo = makeRepo(t, {});
    const files: [string, string][] = [
      ['one.txt', 'single line\n'],
      ['two words.txt', 'first\nsecond'],
      ['crlf.txt', 'a\r\nb\r\n'],
      ['empty.txt', ''],
    ];
    for (const [name, content] of files) {
      write(repo, name, content);
      git(repo, 'add', name);
      const expected = `${git(repo, 'diff', '--cached', '--no-color', '--', name)}\n`.replace(/^index .*\n/m, '');
      assert.equal(newFileDiff(name, Buffer.from(content), '100644'), expected, name);
    }
  });
});

describe('patch builder', () => {
  /** A section of `bytes` bytes, ending its last line as git's sections do. */
  const section = (letter: string, bytes: number): string => `${letter.repeat(bytes - 1)}\n`;

  test('keeps what fits, in order, and notes what it left out', () => {
    const builder = new PatchBuilder(400);
    builder.offer('a.py', section('A', 100));
    builder.offer('big.py', section('B', 1000));
    builder.offer('c.py', section('C', 100));
    builder.leaveOut('w.bin', 'binary');
    const built = builder.build();
    assert.equal(built.capped, true);
    assert.equal(built.fullPatchBytes, 1200);
    assert.ok(built.patch.startsWith(section('A', 100) + section('C', 100) + '# RunLens:'));
    assert.match(built.patch, /^# RunLens: patch capped at 400 bytes; the full patch is 1200 bytes; left out: big\.py$/m);
    assert.match(built.patch, /^# RunLens: binary files not inlined: w\.bin$/m);
    assert.ok(built.patchBytes <= 400);
  });

  test('drops trailing sections so that the notes fit under the cap too', () => {
    const builder = new PatchBuilder(250);
    builder.offer('a.py', section('A', 100));
    builder.offer('b.py', section('B', 100));
    builder.offer('huge.py', section('H', 1000));
    const built = builder.build();
    assert.ok(built.patchBytes <= 250, `${built.patchBytes}`);
    assert.deepEqual(
      built.leftOut.map((file) => file.path),
      ['huge.py', 'b.py'],
    );
    assert.ok(built.patch.startsWith(section('A', 100) + '# RunLens:'));
  });

  test('nothing changed: an empty patch', () => {
    const built = new PatchBuilder(100).build();
    assert.deepEqual(built, { patch: '', patchBytes: 0, capped: false, fullPatchBytes: 0, fullPatchBytesExact: true, leftOut: [] });
  });
});

describe('remote URLs', () => {
  test('credentials are stripped, everything else kept', () => {
    const cases: [string, string][] = [
      ['https://user:token@github.com/a/b.git', 'https://github.com/a/b.git'],
      ['https://ghp_abc@github.com/a/b.git', 'https://github.com/a/b.git'],
      ['http://u:p@host:8080/r?x=1', 'http://host:8080/r?x=1'],
      ['https://github.com/a/b.git', 'https://github.com/a/b.git'],
      ['ssh://git:secret@host.xz:22/repo.git', 'ssh://git@host.xz:22/repo.git'],
      ['ssh://git@host.xz/repo.git', 'ssh://git@host.xz/repo.git'],
      ['git@github.com:a/b.git', 'git@github.com:a/b.git'],
      ['/srv/git/repo.git', '/srv/git/repo.git'],
      ['https://us%40er:p%40ss@example.com/x', 'https://example.com/x'],
    ];
    for (const [url, expected] of cases) assert.equal(withoutCredentials(url), expected, url);
  });

  test('remotes from git config -z, names with dots included; origin preferred', () => {
    const output = 'remote.up.stream.url\nhttps://a/x\0remote.origin.url\ngit@b:y\0remote.origin.url\nsecond-url-ignored\0';
    const remotes = parseRemoteConfig(output);
    assert.deepEqual(remotes, [
      { name: 'up.stream', url: 'https://a/x' },
      { name: 'origin', url: 'git@b:y' },
    ]);
    assert.equal(preferredRemote(remotes)?.name, 'origin');
    assert.equal(preferredRemote(remotes.slice(0, 1))?.name, 'up.stream');
    assert.equal(preferredRemote([]), undefined);
  });
});
