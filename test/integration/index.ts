import { runTestsIn } from './suiteRunner';

// The entry point VS Code loads as `extensionTestsPath`, whichever way VS Code was started
// (code-server through scripts/codeServerIntegration.mjs, or desktop VS Code through @vscode/test-electron):
// the main suite, in a workspace folder that its tests fill as they go.

export function run(): Promise<void> {
  return runTestsIn(__dirname);
}
