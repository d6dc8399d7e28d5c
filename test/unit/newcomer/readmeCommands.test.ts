import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from '../support/repoRoot';

// CI proves the newcomer's path only while .ci/run types what README.md says, and installs no more than it lists.

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const ciRun = readFileSync(path.join(repoRoot, '.ci', 'run'), 'utf8');

/** The Debian packages named by the first `apt-get install …` in a text, in order. */
function aptInstallPackages(text: string): string[] {
  const match = /apt-get install ((?:-[-\w]+ )*)([a-z0-9][-a-z0-9. +]*)/.exec(text);
  assert.ok(match, 'no apt-get install line');
  return match[2].trim().split(/\s+/);
}

/** What scripts/codeServerSetup.mjs installs as root when a package is missing. */
function setupScriptPackages(): string[] {
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'codeServerSetup.mjs'), '--apt-packages'], {
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim().split(/\s+/);
}

describe('the README commands a newcomer types', () => {
  test('README starts with the two commands, and .ci/run runs its test command verbatim', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = firstBlock.split('\n').map((line) => line.replace(/#.*$/, '').trim()).filter(Boolean);
    assert.deepEqual(commands, ['npm install && npm start', 'npm install && npm test']);
    const ciCommands = ciRun.split('\n').filter((line) => line.trim() && !line.trimStart().startsWith('#'));
    assert.equal(ciCommands.at(-1)?.trim(), 'npm install && npm test');
  });

  test('.ci/run installs exactly the Debian packages README lists, which are the ones the setup installs', () => {
    const listed = aptInstallPackages(readme);
    assert.deepEqual(aptInstallPackages(ciRun), listed);
    assert.deepEqual([...setupScriptPackages()].sort(), [...listed].sort());
  });

  test('.ci/run runs no setup step the README does not name', () => {
    assert.doesNotMatch(ciRun, /scripts\/|npm ci|npx /);
  });
});
