import * as vscode from 'vscode';
import { noteOf, runTags } from '../../core/runs/runTagValues';
import type { WorkspaceSessions } from '../workspaceSessions';
import { storeAccess } from './ownedStore';

export const noteScheme = 'runlens-note';

/** The note of a run as a Markdown file: `runlens-note:/<run id>/<run name>.md`. */
export function noteUri(runId: string, runName: string): vscode.Uri {
  // The name only titles the editor tab; the run id is what the file system reads.
  const title = runName.replace(/[\u0000-\u001f/\\]/g, ' ').trim().slice(0, 60) || runId.slice(0, 8);
  return vscode.Uri.from({ scheme: noteScheme, path: `/${runId}/${title} note.md` });
}

function runIdOfNote(uri: vscode.Uri): string {
  const runId = uri.path.split('/')[1];
  if (!runId) throw vscode.FileSystemError.FileNotFound(uri);
  return runId;
}

/**
 * A run's note (tag mlflow.note.content, Markdown, as MLflow keeps it) edited as a file: open it,
 * write, save with Ctrl+S and the tag is set. Saving an empty note removes the tag.
 */
export class RunNoteFileSystem implements vscode.FileSystemProvider {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  /** When each note was last saved here: VS Code compares it to detect changes made elsewhere. */
  private readonly savedAt = new Map<string, number>();

  constructor(private readonly sessions: WorkspaceSessions) {}

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const runId = runIdOfNote(uri);
    const run = await this.run(uri, runId);
    return {
      type: vscode.FileType.File,
      ctime: run.info.start_time,
      mtime: this.savedAt.get(runId) ?? run.info.start_time,
      size: Buffer.byteLength(noteOf(run)),
    };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return Buffer.from(noteOf(await this.run(uri, runIdOfNote(uri))), 'utf8');
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const runId = runIdOfNote(uri);
    const text = Buffer.from(content).toString('utf8');
    const access = await storeAccess(this.sessions.sessionOf(runId));
    const run = await this.run(uri, runId);
    try {
      if (text.trim() !== '') await access.call('setTag', { runId, key: runTags.note, value: text });
      else if (noteOf(run) !== '') await access.call('deleteTag', { runId, key: runTags.note });
    } catch (error) {
      throw vscode.FileSystemError.NoPermissions(error instanceof Error ? error.message : String(error));
    }
    this.savedAt.set(runId, Date.now());
    this.changed.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  dispose(): void {
    this.changed.dispose();
  }

  private async run(uri: vscode.Uri, runId: string) {
    const access = await storeAccess(this.sessions.sessionOf(runId));
    try {
      return await access.call('getRun', { runId });
    } catch {
      throw vscode.FileSystemError.FileNotFound(uri);
    }
  }
}
