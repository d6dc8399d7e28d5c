import { StoreChanges } from '../core/store/storeChange';
import { changesPath } from '../server/routes/guest/guestRoutes';
import { ownerRequest, type OwnerEndpoint } from './ownerClient';

/** Between two answers: a script logging hundreds of times a second costs at most ten requests a second. */
const minGapMs = 100;
/** After a failed request (the owner is restarting or gone): try again, slowly. */
const retryMs = 1_000;

/**
 * Follows the owner's change feed (a long poll) and calls `onChange` after each burst of writes to
 * the store with what the burst changed, until disposed. The first answer only says where the store stands.
 */
export function followOwnerChanges(endpoint: OwnerEndpoint, onChange: (changes: StoreChanges) => void): { dispose(): void } {
  const stop = new AbortController();
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stop.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      stop.signal.addEventListener('abort', done);
    });
  void (async () => {
    let cursor: string | undefined;
    while (!stop.signal.aborted) {
      try {
        const reply = (await ownerRequest(endpoint, `${changesPath}?since=${encodeURIComponent(cursor ?? '')}`, undefined, stop.signal)) as { cursor?: unknown; changes?: unknown };
        const next = typeof reply.cursor === 'string' ? reply.cursor : '';
        if (cursor !== undefined && next !== cursor && !stop.signal.aborted) onChange(StoreChanges.fromJson(reply.changes));
        cursor = next;
        await pause(minGapMs);
      } catch {
        await pause(retryMs);
      }
    }
  })();
  return { dispose: () => stop.abort() };
}
