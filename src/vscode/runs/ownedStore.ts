import type { WorkspaceStore } from '../../core/store/workspaceStore';
import type { TrackingSession } from '../trackingSession';

/** The workspace's store, opened by this window; run actions write through it. */
export async function ownedStore(session: TrackingSession): Promise<WorkspaceStore> {
  const opened = await session.session();
  if (opened.kind === 'guest') {
    throw new Error(`this workspace's store is served by another RunLens process (pid ${opened.ownerPid}); act on its runs in that window`);
  }
  return opened.store;
}
