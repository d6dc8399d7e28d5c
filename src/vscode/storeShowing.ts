import type { GuestSession, TrackingSession } from './trackingSession';

/**
 * What the Runs and Models views show of a store that this window does not read itself, as a
 * string to compare with what they showed last (their own listings are compared as other strings):
 * when it changes, the view is read again. That is how a view follows a store that appears, changes
 * owner or is deleted, from the first run on.
 */
export const noStoreShowing = 'no store';

export function guestShowing(opened: GuestSession): string {
  return `served by ${opened.ownerPid}`;
}

/**
 * For a poll: the store is absent, served by another process that publishes no server to read it
 * through, or there and not opened yet (reading the view opens it); undefined when the view reads it.
 */
export async function unreadStoreShowing(session: TrackingSession): Promise<string | undefined> {
  const opened = await session.settledOpenedSession();
  if (opened?.access) return undefined;
  if (!session.storeExists()) return noStoreShowing;
  return opened?.kind === 'guest' ? guestShowing(opened) : 'store not opened';
}
