import * as vscode from 'vscode';
import { runTestsIn } from '../suiteRunner';

// The entry point of the window opened on a `.code-workspace` with two folders, alpha and beta, both with no
// `.runlens/` yet (scripts/codeServerIntegration.mjs writes them).

/** The workspace's two folders, once the extension host has them. */
async function workspaceFoldersLoaded(): Promise<void> {
  // Seen on a loaded machine: the extension host started with `workspaceFile` set but `workspaceFolders` still empty
  // (the folders follow as a change event), so a test reading the folders at once found none.
  const deadline = Date.now() + 30_000;
  while ((vscode.workspace.workspaceFolders?.length ?? 0) < 2 && Date.now() < deadline) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, 200);
      const change = vscode.workspace.onDidChangeWorkspaceFolders(done);
      function done(): void {
        clearTimeout(timer);
        change.dispose();
        resolve();
      }
    });
  }
}

export async function run(): Promise<void> {
  await workspaceFoldersLoaded();
  return runTestsIn(__dirname);
}
