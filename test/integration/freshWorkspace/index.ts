import { runTestsIn } from '../suiteRunner';

// The entry point of the window that opens a folder with no `.runlens/` yet, as a person's first use does
// (scripts/codeServerIntegration.mjs makes the folder empty; these tests must not assume any order among themselves
// beyond mocha's: file by file, in name order).

export function run(): Promise<void> {
  return runTestsIn(__dirname);
}
