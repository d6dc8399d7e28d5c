import path from 'node:path';
import * as vscode from 'vscode';
import type { StoreAccess } from '../storeAccess';
import type { WorkspaceSessions } from '../workspaceSessions';
import { fileAtRun } from '../../capture/gitFileAtRun';
import { storeAccess } from './ownedStore';
import { patchFile } from './runArtifactFiles';
import { sourceOf } from '../../core/runs/runTagValues';

export const sourceScheme = 'runlens-run-source';

/**
 * Read-only documents of a run's files as they were when it ran: `runlens-run-source:/<run>/<file>`,
 * the file relative to the run's workspace folder (its source file, or another file of its code).
 * The content comes from git at the run's commit with the captured diff applied (gitFileAtRun), and
 * is kept once read: a run's code never changes.
 */
export class RunSourceDocuments implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();

  constructor(private readonly sessions: WorkspaceSessions) {}

  /** Opens the run's source file; throws an error that says why when it cannot be had. */
  async open(runId: string): Promise<vscode.TextEditor> {
    const session = this.sessions.sessionOf(runId);
    const source = sourceOf(await (await storeAccess(session)).call('getRun', { runId }));
    if (!source.file) {
      throw new Error('the run does not record which file ran (tag mlflow.source.name); runs launched by RunLens do');
    }
    // A script run by hand may name itself by its absolute path: the document's path is folder-relative.
    const folder = session.folder?.uri.fsPath;
    const file = folder && path.isAbsolute(source.file) ? path.relative(folder, source.file).split(path.sep).join('/') : source.file;
    const uri = await this.load(runId, file);
    return vscode.window.showTextDocument(uri, { preview: true });
  }

  /**
   * The document of a file (relative to the run's workspace folder) as the run had it, read now so
   * that an error says why it cannot be had, before an editor shows it.
   */
  async load(runId: string, file: string): Promise<vscode.Uri> {
    const uri = vscode.Uri.from({ scheme: sourceScheme, path: `/${runId}/${file.replace(/^\/+/, '')}` });
    if (!this.contents.has(uri.toString())) this.contents.set(uri.toString(), await this.readUri(uri));
    return uri;
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const cached = this.contents.get(uri.toString());
    if (cached !== undefined) return cached;
    // After a reload VS Code asks again for the editors it restores.
    const content = await this.readUri(uri);
    this.contents.set(uri.toString(), content);
    return content;
  }

  private async readUri(uri: vscode.Uri): Promise<string> {
    const [, runId = '', ...file] = uri.path.split('/');
    const session = this.sessions.sessionOf(runId);
    return this.read(await storeAccess(session), runId, file.join('/'), session.folder);
  }

  /** The file from git in `folder`, the workspace folder whose store holds the run. */
  private async read(access: StoreAccess, runId: string, file: string, folder: vscode.WorkspaceFolder | undefined): Promise<string> {
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
    return fileAtRun({ cwd: folder.uri.fsPath, commit: source.commit, file, patch });
  }
}
