import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import path from 'node:path';

// The entry point VS Code loads as `extensionTestsPath`, whichever way VS Code was started
// (code-server through scripts/codeServerIntegration.mjs, or desktop VS Code through @vscode/test-electron).
// It runs mocha in the extension host, so `require('vscode')` in the tests is the real API.

/** The last line printed; scripts/test.mjs adds these counts to its total. */
function summaryLine(passed: number, failed: number): string {
  return `integration: ${passed} passed, ${failed} failed`;
}

function findTestFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.js'))
    .sort()
    .map((file) => path.join(dir, file));
}

export async function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    color: false,
    // Opening views and starting processes in a cold workbench on 2 CI cores takes seconds, not milliseconds.
    timeout: 30_000,
    slow: 2_000,
    // RUNLENS_INTEGRATION_GREP=<text> runs only the tests whose full title contains it (the extension host inherits
    // the environment of scripts/codeServerIntegration.mjs), for working on one feature.
    grep: process.env.RUNLENS_INTEGRATION_GREP || undefined,
  });
  const files = findTestFiles(__dirname);
  if (files.length === 0) throw new Error(`no *.test.js files under ${__dirname}`);
  for (const file of files) mocha.addFile(file);

  const { passes, failures } = await new Promise<{ passes: number; failures: number }>((resolve, reject) => {
    try {
      const runner = mocha.run(() => resolve({ passes: runner.stats?.passes ?? 0, failures: runner.stats?.failures ?? 0 }));
    } catch (error) {
      reject(error);
    }
  });
  console.log(summaryLine(passes, failures));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
