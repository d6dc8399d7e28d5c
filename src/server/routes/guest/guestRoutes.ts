import { ErrorCode, MlflowError } from '../../../core/errors';
import { isStoreOperationName, runStoreOperationFromJson } from '../../../core/store/storeOperations';
import type { ChangeFeed } from '../../changeFeed';
import type { RequestContext, Route } from '../../route';

/** Where a guest window asks the owner to run one of `storeOperations`: this, then the operation's name. */
export const storeOperationPrefix = '/api/2.0/runlens/store/';
/** Where a guest window waits for the store's next write: `?since=<cursor>` answers `{cursor}`. */
export const changesPath = '/api/2.0/runlens/changes';

/**
 * RunLens's private routes for a window that is a guest of the process owning the store: the reads
 * and edits its views make (MLflow's API has no run counts per experiment, metric summaries or
 * tree pages), and a long-poll change feed. Only the server's own token may call them, never a
 * launched script's.
 */
export function guestRoutes(feed: ChangeFeed): Route[] {
  return [
    {
      method: 'POST',
      path: `${storeOperationPrefix}:operation`,
      handler: (context) => {
        ownerTokenOnly(context);
        const name = context.pathParams.operation ?? '';
        if (!isStoreOperationName(name)) throw new MlflowError(ErrorCode.EndpointNotFound, `No RunLens store operation '${name}'.`);
        const { store, traces, artifacts } = context;
        return runStoreOperationFromJson({ tracking: store, traces, artifacts }, name, context.body).then((result) => ({ result }));
      },
    },
    {
      method: 'GET',
      path: changesPath,
      handler: async (context) => {
        ownerTokenOnly(context);
        return { cursor: await feed.next(context.query.get('since') ?? '') };
      },
    },
  ];
}

function ownerTokenOnly(context: RequestContext): void {
  if (context.launchId !== undefined) throw new MlflowError(ErrorCode.PermissionDenied, "A launched script may not use RunLens's private routes.");
}
