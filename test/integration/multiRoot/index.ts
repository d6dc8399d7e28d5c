import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { runTestsIn } from '../suiteRunner';

// The entry point of the window opened on a `.code-workspace` with two folders, alpha and beta, both with no
// `.runlens/` yet (scripts/codeServerIntegration.mjs writes them).

/** Resolves when the workspace has two folders, or after `ms`. */
async function twoFolders(ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
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
  return (vscode.workspace.workspaceFolders?.length ?? 0) >= 2;
}

/**
 * The workspace's two folders, once the extension host has them. In about one full suite run in three (seen after
 * the server process became the default, cause not found), code-server opened the `.code-workspace` with
 * `workspaceFile` set and no folders at all, never followed by a change: every suite then failed in its setup. Then
 * the folders the file lists are added as a person would (RunLens follows folders added to a workspace the same way),
 * and the window says so in the test log.
 */
async function workspaceFoldersLoaded(): Promise<void> {
  if (await twoFolders(10_000)) return;
  const file = vscode.workspace.workspaceFile;
  if (!file || vscode.workspace.workspaceFolders?.length) return;
  const { folders } = JSON.parse(readFileSync(file.fsPath, 'utf8')) as { folders: { path: string }[] };
  console.log(`multi-root window: VS Code opened ${file.fsPath} with no folders; adding its ${folders.length} folders`);
  const uris = folders.map((folder) => ({ uri: vscode.Uri.file(path.resolve(path.dirname(file.fsPath), folder.path)) }));
  vscode.workspace.updateWorkspaceFolders(0, 0, ...uris);
  await twoFolders(30_000);
}

export async function run(): Promise<void> {
  await workspaceFoldersLoaded();
  return runTestsIn(__dirname);
}
