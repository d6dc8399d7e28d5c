// `npm run test:electron`: the same compiled integration suite (out/test/integration/index.js) in a desktop VS Code,
// through @vscode/test-electron, for contributors who prefer it. It downloads VS Code from
// update.code.visualstudio.com unless given a local one (--vscode PATH or VSCODE_EXECUTABLE_PATH); on Linux without a
// display, run it under xvfb-run. CI cannot download VS Code and uses code-server instead (`npm test`).
import { runTests } from '@vscode/test-electron';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './codeServerPaths.mjs';

// The VS Code that code-server 4.139.1 bundles, so that both harnesses test against the same API.
const vscodeVersion = '1.139.1';

function step(label, command, args) {
  console.log(`▶ ${label}`);
  return spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit' }).status === 0;
}

/** Network failures that mean "VS Code could not be downloaded", as opposed to tests that failed. */
function isDownloadFailure(error) {
  const text = `${error?.code ?? ''} ${error?.message ?? error}`;
  return /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|update\.code\.visualstudio\.com|Failed to get JSON|download/i.test(text);
}

const { values } = parseArgs({ options: { vscode: { type: 'string' } } });
const vscodeExecutablePath = values.vscode ?? process.env.VSCODE_EXECUTABLE_PATH;
const workspace = mkdtempSync(path.join(os.tmpdir(), 'runlens-electron-'));
try {
  if (!step('build', process.execPath, ['scripts/build.mjs'])) throw new Error('the build failed');
  // tsc still emits when it reports type errors, so the suite can run and show what those errors break.
  if (!step('compile tests', path.join(repoRoot, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.test.json'])) {
    console.warn('test:electron: the tests compiled with type errors (above); running them anyway');
  }
  const exitCode = await runTests({
    ...(vscodeExecutablePath ? { vscodeExecutablePath } : { version: vscodeVersion }),
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: path.join(repoRoot, 'out/test/integration/index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  });
  process.exitCode = exitCode;
} catch (error) {
  if (isDownloadFailure(error)) {
    console.error(
      `test:electron: could not download VS Code ${vscodeVersion} (${error?.message ?? error}).\n` +
        '@vscode/test-electron needs https://update.code.visualstudio.com, or a local VS Code passed with ' +
        '--vscode PATH (or VSCODE_EXECUTABLE_PATH).\nWithout either, run the same suite in code-server: npm test.',
    );
  } else {
    console.error(`test:electron: ${error?.message ?? error}`);
  }
  process.exitCode = 1;
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
