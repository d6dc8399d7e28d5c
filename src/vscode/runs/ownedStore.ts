import type { StoreAccess } from '../storeAccess';
import type { GuestSession, TrackingEndpoint, TrackingSession } from '../trackingSession';

/** How to read and write the workspace's store, in this window or through the process that owns it. */
export async function storeAccess(session: TrackingSession): Promise<StoreAccess> {
  const opened = await session.session();
  return opened.kind === 'owner' ? opened.access : servingOwner(opened).access;
}

/** The owner's server a guest window reaches its store through; refused while the owner has not published it. */
export function servingOwner(guest: GuestSession): { readonly access: StoreAccess; readonly endpoint: TrackingEndpoint } {
  const { access, endpoint } = guest;
  if (access && endpoint) return { access, endpoint };
  throw new Error(`this workspace's store is owned by another RunLens process (pid ${guest.ownerPid}), which has not published its server yet; try again in a moment`);
}
