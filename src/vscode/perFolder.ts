import * as vscode from 'vscode';
import { Disposable } from './disposable';
import type { TrackingSession } from './trackingSession';
import { folderUriOf, type WorkspaceSessions } from './workspaceSessions';

/** What a view keeps per workspace folder: a model over that folder's session. */
export interface FolderPart extends vscode.Disposable {
  readonly session: TrackingSession;
  /** The view's own roots of the folder (what shows at the top with a single folder). */
  children(): Promise<FolderChild[]>;
}

/** A root a part gives: a message without a parent is hung under the folder's node. */
interface FolderChild {
  readonly kind: string;
  readonly parent?: unknown;
}

/** A workspace folder's root in a view, shown only when the workspace has several folders (each has its own store). */
export class FolderNode {
  readonly kind = 'folder';

  constructor(
    /** The folder's URI, as a string: which store its nodes come from. */
    readonly folderUri: string,
    readonly name: string,
  ) {}

  get id(): string {
    return `folder/${this.folderUri}`;
  }
}

/**
 * One part (a view's model) per workspace folder, made when the folder is added and disposed when
 * it is removed, in the order of the workspace folders. `onDidChangeFolders` fires after the parts
 * changed, for the view to redraw its roots.
 */
export class PerFolder<T extends FolderPart> extends Disposable {
  private readonly parts = new Map<TrackingSession, T>();
  private readonly folderNodes = new WeakMap<T, FolderNode>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeFolders = this.changed.event;

  constructor(
    private readonly sessions: WorkspaceSessions,
    private readonly create: (session: TrackingSession) => T,
  ) {
    super();
    this.follow();
    this.register(
      sessions.onDidChangeFolders(() => {
        this.follow();
        this.changed.fire();
      }),
    );
    this.register({ dispose: () => this.forget([...this.parts.keys()]) });
  }

  /** Every folder's part, in the order of the workspace folders. */
  all(): T[] {
    return this.sessions
      .all()
      .map((session) => this.parts.get(session))
      .filter((part) => part !== undefined);
  }

  /** Whether the view shows a root per folder: with several folders (with one, it looks as it always did). */
  get multiRoot(): boolean {
    return this.parts.size > 1;
  }

  /** The part of the folder a tree node belongs to; undefined for nodes of no folder (remote servers'). */
  ofNode(node: unknown): T | undefined {
    const folderUri = folderUriOf(node);
    const session = folderUri === undefined ? undefined : this.sessions.forFolder(folderUri);
    return session && this.parts.get(session);
  }

  /** The view's roots: with one folder, that folder's own roots; with several, a root per folder. */
  async roots(): Promise<(FolderChild | FolderNode)[]> {
    const parts = this.all();
    if (!this.multiRoot) return parts.length > 0 ? parts[0].children() : [];
    return parts.map((part) => this.folderNode(part));
  }

  /** A folder root's children: the folder's own roots (messages hung under it), or `empty` when it has none. */
  async folderChildren(node: FolderNode, empty: string): Promise<unknown[]> {
    const part = this.ofNode(node);
    if (!part) return [];
    const roots = (await part.children()).map((root) => (root.kind === 'message' && !root.parent ? { ...root, parent: node } : root));
    return roots.length > 0 ? roots : [{ kind: 'message', id: `${node.id}/empty`, parent: node, text: empty }];
  }

  /** The parent of a part's root: its folder's node with several folders, else none. */
  rootParent(node: unknown): FolderNode | undefined {
    const part = this.multiRoot ? this.ofNode(node) : undefined;
    return part && this.folderNode(part);
  }

  private folderNode(part: T): FolderNode {
    let node = this.folderNodes.get(part);
    if (!node) this.folderNodes.set(part, (node = new FolderNode(part.session.folder?.uri.toString() ?? '', part.session.folder?.name ?? '')));
    return node;
  }

  /** The part a command with this argument acts on (WorkspaceSessions.sessionOf). */
  for(argument: unknown): T {
    return this.parts.get(this.sessions.sessionOf(argument)) ?? this.all()[0];
  }

  private follow(): void {
    const sessions = this.sessions.all();
    this.forget([...this.parts.keys()].filter((session) => !sessions.includes(session)));
    for (const session of sessions) if (!this.parts.has(session)) this.parts.set(session, this.create(session));
  }

  private forget(sessions: readonly TrackingSession[]): void {
    for (const session of sessions) {
      this.parts.get(session)?.dispose();
      this.parts.delete(session);
    }
  }
}

/** A folder root as the views draw it: expanded, named after the folder, saying which store it shows. */
export function folderItem(node: FolderNode, what: string): vscode.TreeItem {
  const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
  item.id = node.id;
  item.tooltip = `${what} kept in ${vscode.Uri.parse(node.folderUri).fsPath}/.runlens`;
  item.iconPath = new vscode.ThemeIcon('root-folder');
  item.contextValue = 'workspaceFolder';
  return item;
}
