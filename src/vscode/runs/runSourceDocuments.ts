import * as vscode from 'vscode';
import type { StoreAccess } from '../storeAccess';
import type { WorkspaceSessions } from '../workspaceSessions';
import { fileAtRun } from './gitFileAtRun';
import { storeAccess } from './ownedStore';
import { patchFile } from './runArtifactFiles';
import { sourceOf } from './runTagValues';

export const sourceScheme = 'runlens-run-source';

/**
 * Read-only documents of a run's source file as it was when it ran: `runlens-source:/<run>/<file>`.
 * The content comes from git at the run's commit with the captured diff applied (gitFileAtRun), and
 * is kept once read: a run's code never changes.
 */
export class RunSourceDocuments implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();

  constructor(private readonly sessions: WorkspaceSessions) {}

  /** Opens the run's source file; throws an error that says why when it cannot be had. */
  async open(runId: string): Promise<vscode.TextEditor> {
    const session = this.sessions.sessionOf(runId);
    const access = await storeAccess(session);
    const source = sourceOf(await access.call('getRun', { runId }));
    if (!source.file) {
      throw new Error('the run does not record which file ran (tag mlflow.source.name); runs launched by RunLens do');
    }
    const uri = vscode.Uri.from({ scheme: sourceScheme, path: `/${runId}/${source.file.replace(/^\/+/, '')}` });
    if (!this.contents.has(uri.toString())) this.contents.set(uri.toString(), await this.read(access, runId, session.folder));
    return vscode.window.showTextDocument(uri, { preview: true });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const cached = this.contents.get(uri.toString());
    if (cached !== undefined) return cached;
    // After a reload VS Code asks again for the editors it restores.
    const runId = uri.path.split('/')[1] ?? '';
    const session = this.sessions.sessionOf(runId);
    const content = await this.read(await storeAccess(session), runId, session.folder);
    this.contents.set(uri.toString(), content);
    return content;
  }

  /** The file from git in `folder`, the workspace folder whose store holds the run. */
  private async read(access: StoreAccess, runId: string, folder: vscode.WorkspaceFolder | undefined): Promise<string> {
    const run = await access.call('getRun', { runId });
    const source = sourceOf(run);
    if (!source.commit) {
      throw new Error(
        'the run records no git commit (tag mlflow.source.git.commit): it did not run from a git repository, so its code cannot be recovered from git',
      );
    }
    if (!folder) throw new Error('open the workspace folder the run was launched from');
    const patch = source.dirty ? await patchFile(access, run) : undefined;
    if (source.dirty && !patch) {
      throw new Error('the run had uncommitted changes but its captured diff (runlens/diff.patch) is missing, so its exact code is unknown');
    }
    return fileAtRun({ cwd: folder.uri.fsPath, commit: source.commit, file: source.file ?? '', patch });
  }
}
