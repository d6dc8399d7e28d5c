import type { WorkspaceStore } from '../../core/store/workspaceStore';
import type { StoreAccess } from '../storeAccess';
import type { TrackingSession } from '../trackingSession';

/** How to read and write the workspace's store, in this window or through the process that owns it. */
export async function storeAccess(session: TrackingSession): Promise<StoreAccess> {
  const opened = await session.session();
  if (opened.kind === 'owner') return opened.access;
  if (opened.access) return opened.access;
  throw new Error(`this workspace's store is owned by another RunLens process (pid ${opened.ownerPid}), which has not published its server yet; try again in a moment`);
}

/** The workspace's store, opened by this window, for the actions that a guest window cannot take yet. */
export async function ownedStore(session: TrackingSession): Promise<WorkspaceStore> {
  const opened = await session.session();
  if (opened.kind === 'guest') {
    throw new Error(`this workspace's store is served by another RunLens process (pid ${opened.ownerPid}); act on its runs in that window`);
  }
  return opened.store;
}
