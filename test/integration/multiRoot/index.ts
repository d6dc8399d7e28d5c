import { runTestsIn } from '../suiteRunner';

// The entry point of the window opened on a `.code-workspace` with two folders, alpha and beta, both with no
// `.runlens/` yet (scripts/codeServerIntegration.mjs writes them).

export function run(): Promise<void> {
  return runTestsIn(__dirname);
}
