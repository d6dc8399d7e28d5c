import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import path from 'node:path';

// Each window's entry point (this folder's index.ts, freshWorkspace/index.ts, multiRoot/index.ts) runs the tests
// of its own folder with mocha in the extension host, so `require('vscode')` in the tests is the real API.

/** The last line printed; scripts/codeServerIntegration.mjs adds up these counts over the windows. */
function summaryLine(passed: number, failed: number): string {
  return `integration: ${passed} passed, ${failed} failed`;
}

/** The compiled tests directly in `dir`: a sub-folder's tests need a window of their own. */
function findTestFiles(dir: string): string[] {
  return readdirSync(dir, { encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.js'))
    .sort()
    .map((file) => path.join(dir, file));
}

export async function runTestsIn(dir: string): Promise<void> {
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
  const files = findTestFiles(dir);
  if (files.length === 0) throw new Error(`no *.test.js files in ${dir}`);
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
