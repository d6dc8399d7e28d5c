import * as vscode from 'vscode';
import type { ModelRegistry } from '../../core/store/modelRegistry';
import { filterLiteral } from '../../core/search/filterLiteral';
import type { ModelVersion, RegisteredModel } from '../../core/store/registry/registryEntities';
import { Disposable } from '../disposable';
import { ChangeThrottle } from '../runs/changeThrottle';
import { guestShowing, noStoreShowing, unreadStoreShowing } from '../storeShowing';
import type { TrackingSession } from '../trackingSession';
import type { ModelsTreeNode, ModelVersionNode } from './modelsTreeNodes';

/** The registry's own limit per page; a workspace with more models than this is not the sidebar's case. */
const maxModels = 1000;
const maxVersions = 1000;

/** Newest version first. */
function versionsOf(registry: ModelRegistry, name: string): ModelVersion[] {
  return registry.searchModelVersions({ filter: `name = ${filterLiteral(name)}`, orderBy: ['version_number DESC'], maxResults: maxVersions }).items;
}

function modelsIn(registry: ModelRegistry): RegisteredModel[] {
  return registry.searchRegisteredModels({ orderBy: ['name ASC'], maxResults: maxModels }).items;
}

/** Everything the view shows, as one string to compare. */
function snapshotOf(registry: ModelRegistry): string {
  return JSON.stringify(modelsIn(registry).map((model) => [model, versionsOf(registry, model.name)]));
}

/**
 * The Models view's data: registered models and their versions, read from the store. Registry
 * writes are rare and small, so after a (coalesced) write the view is redrawn whole when what it
 * shows differs, rather than node by node.
 */
export class ModelsTreeModel extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<undefined>());
  readonly onDidChange = this.changed.event;
  /** What the view last showed (a registry snapshot, or why there is none), to tell whether it changed; undefined until it is read. */
  private shown: string | undefined;
  private readonly throttle = this.register(new ChangeThrottle(() => this.poll(), { delayMs: 150, minIntervalMs: 250 }));

  constructor(readonly session: TrackingSession) {
    super();
    this.register(session.onDidChange(() => this.throttle.schedule()));
  }

  reload(): void {
    this.shown = undefined;
    this.changed.fire(undefined);
  }

  async children(node?: ModelsTreeNode): Promise<ModelsTreeNode[]> {
    if (node && node.kind !== 'model') return [];
    const folderUri = this.session.folder?.uri.toString() ?? '';
    if (!node && !this.session.storeExists()) {
      this.shown = noStoreShowing;
      return [];
    }
    const opened = await this.session.settledSession();
    if (opened.kind === 'guest') {
      if (!node) this.shown = guestShowing(opened);
      return [{ kind: 'message', id: `guest@${folderUri}`, text: `The registry is served by another RunLens process (pid ${opened.ownerPid}).` }];
    }
    const registry = opened.store.registry;
    if (node) {
      return versionsOf(registry, node.model.name).map((version): ModelVersionNode => ({ kind: 'version', id: `${node.id}/${version.version}`, parent: node, version }));
    }
    this.shown = snapshotOf(registry);
    return modelsIn(registry).map((model) => ({ kind: 'model', id: `model/${model.name}@${folderUri}`, folderUri, model }));
  }

  parentOf(node: ModelsTreeNode): ModelsTreeNode | undefined {
    return node.kind === 'version' || node.kind === 'message' ? node.parent : undefined;
  }

  private async poll(): Promise<void> {
    if (this.shown === undefined) return;
    const showing = await unreadStoreShowing(this.session);
    if (showing !== undefined) {
      if (showing !== this.shown) this.reload();
      return;
    }
    const opened = await this.session.settledOpenedSession();
    // A guest window does not read the owner's registry yet: it shows the owner, once.
    if (opened?.kind === 'guest' && guestShowing(opened) !== this.shown) this.reload();
    if (opened?.kind === 'owner' && snapshotOf(opened.store.registry) !== this.shown) this.reload();
  }

}
