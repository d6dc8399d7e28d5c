import * as vscode from 'vscode';
import { registryListingLimits } from '../../core/store/registry/registryListing';
import { Disposable } from '../disposable';
import { storeAccess } from '../runs/ownedStore';
import { ChangeThrottle } from '../runs/changeThrottle';
import { guestShowing, noStoreShowing, unreadStoreShowing } from '../storeShowing';
import type { TrackingSession } from '../trackingSession';
import type { ModelsTreeNode, ModelVersionNode } from './modelsTreeNodes';

/**
 * The Models view's data: registered models and their versions, read through the session's
 * StoreAccess (this window's store, or the owner process's when the window is its guest). Registry
 * writes are rare and small, so after a (coalesced) write the view is redrawn whole when what it
 * shows differs, rather than node by node.
 */
export class ModelsTreeModel extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<undefined>());
  readonly onDidChange = this.changed.event;
  /** What the view last showed (the registry's print, or why there is none), to tell whether it changed; undefined until it is read. */
  private shown: string | undefined;
  private readonly throttle = this.register(new ChangeThrottle(() => this.poll(), { delayMs: 150, minIntervalMs: 250 }));

  constructor(readonly session: TrackingSession) {
    super();
    // Runs logging hundreds of times a second do not concern the registry: only its own writes (or a new store) do.
    this.register(session.onDidChange((changes) => changes.touches('registry') && this.throttle.schedule()));
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
    const opened = await this.session.session();
    if (opened.kind === 'guest' && !opened.access) {
      if (!node) this.shown = guestShowing(opened);
      const text = `The registry is served by another RunLens process (pid ${opened.ownerPid}), which has not published its server yet.`;
      return [{ kind: 'message', id: `guest@${folderUri}`, text }];
    }
    // The same reads whichever process holds the store: in this window, or through its owner's server.
    const access = await storeAccess(this.session);
    if (node) {
      const versions = await access.call('modelVersions', { name: node.model.name, limit: registryListingLimits.versions });
      return versions.map((version): ModelVersionNode => ({ kind: 'version', id: `${node.id}/${version.version}`, parent: node, version }));
    }
    // The print first: a write between the two reads makes the next poll read again.
    this.shown = (await access.call('registryPrint', {})).print;
    const models = await access.call('registeredModels', { limit: registryListingLimits.models });
    return models.map((model) => ({ kind: 'model', id: `model/${model.name}@${folderUri}`, folderUri, model }));
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
    const access = (await this.session.openedSession())?.access;
    if (access && (await access.call('registryPrint', {})).print !== this.shown) this.reload();
  }
}
