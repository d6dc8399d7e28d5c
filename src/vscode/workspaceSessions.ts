import * as vscode from 'vscode';
import { Disposable } from './disposable';
import { TrackingSession } from './trackingSession';

/**
 * One TrackingSession per workspace folder: each folder has its own `.runlens/` store and tracking
 * server (DESIGN.md, "Data"). Folders added or removed while the window is open are followed: a
 * removed folder's session is closed (its store checkpointed and given up), an added one gets a
 * session that opens on first use. Without a folder there is one session without a folder, whose
 * use says to open a folder first.
 */
export class WorkspaceSessions extends Disposable {
  private readonly byFolder = new Map<string, TrackingSession>();
  private folderless: TrackingSession | undefined;
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Fires after folders were added or removed (the sessions' list changed). */
  readonly onDidChangeFolders = this.changed.event;

  constructor() {
    super();
    this.follow();
    this.register(
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.follow();
        this.changed.fire();
      }),
    );
    this.register({ dispose: () => this.closeAll() });
  }

  /** Every session, in the order of the workspace folders. */
  all(): TrackingSession[] {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) return [(this.folderless ??= new TrackingSession(undefined))];
    return folders.map((folder) => this.byFolder.get(folder.uri.toString())).filter((session) => session !== undefined);
  }

  /** The first folder's session: where what names no folder goes when there is only one. */
  primary(): TrackingSession {
    return this.all()[0];
  }

  /** The session of the folder that holds `uri`, if a workspace folder does. */
  forUri(uri: vscode.Uri): TrackingSession | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    return folder && this.byFolder.get(folder.uri.toString());
  }

  /** The session of the folder named by its URI (as tree nodes carry it). */
  forFolder(folderUri: string): TrackingSession | undefined {
    return this.byFolder.get(folderUri);
  }

  /** For what names no folder: the active editor's folder, else the first folder. */
  active(): TrackingSession {
    const editor = vscode.window.activeTextEditor?.document.uri;
    return (editor && this.forUri(editor)) ?? this.primary();
  }

  /**
   * The session a command's argument belongs to: a tree node's folder, else the folder whose opened
   * store holds the run id given, else the active editor's folder. A selection counts by its first element.
   */
  sessionOf(argument: unknown): TrackingSession {
    const first = Array.isArray(argument) ? (argument as unknown[])[0] : argument;
    const folderUri = folderUriOf(first);
    const byNode = folderUri === undefined ? undefined : this.byFolder.get(folderUri);
    if (byNode) return byNode;
    if (typeof first === 'string') {
      const holding = [...this.byFolder.values()].find((session) => session.ownsRun(first));
      if (holding) return holding;
    }
    return this.active();
  }

  private follow(): void {
    const current = new Set((vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.toString()));
    for (const [key, session] of this.byFolder) {
      if (current.has(key)) continue;
      this.byFolder.delete(key);
      session.dispose();
    }
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const key = folder.uri.toString();
      if (!this.byFolder.has(key)) this.byFolder.set(key, new TrackingSession(folder));
    }
    if (current.size > 0) {
      this.folderless?.dispose();
      this.folderless = undefined;
    }
  }

  private closeAll(): void {
    for (const session of this.byFolder.values()) session.dispose();
    this.byFolder.clear();
    this.folderless?.dispose();
    this.folderless = undefined;
  }
}

/**
 * The workspace folder a tree node belongs to: experiments, folder roots and registered models name
 * it; other nodes reach one through what they hang under (`parent`, or a section's `run` node).
 */
export function folderUriOf(value: unknown): string | undefined {
  let node = value;
  for (let depth = 0; typeof node === 'object' && node !== null && depth < 100; depth++) {
    const { folderUri, parent, run } = node as { folderUri?: unknown; parent?: unknown; run?: unknown };
    if (typeof folderUri === 'string') return folderUri;
    node = parent ?? run;
  }
  return undefined;
}
