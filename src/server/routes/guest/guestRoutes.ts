import { toResponseError } from '../../../dashboards/dashboardError';
import { DashboardService } from '../../../dashboards/dashboardService';
import { ErrorCode, MlflowError } from '../../../core/errors';
import type { TrackingStore } from '../../../core/store/trackingStore';
import { isServiceMethod } from '../../../protocol/dashboards/methods';
import { isStoreOperationName, runStoreOperationFromJson } from '../../../core/store/storeOperations';
import type { ChangeFeed } from '../../changeFeed';
import type { RequestContext, Route } from '../../route';

/** Where a guest window asks the owner to run one of `storeOperations`: this, then the operation's name. */
export const storeOperationPrefix = '/api/2.0/runlens/store/';
/** Where a guest window's dashboards ask the owner's dashboard service: this, then the method (`run/get`); body `{params}`. */
export const dashboardMethodPrefix = '/api/2.0/runlens/dashboard/';
/**
 * Where a guest window waits for the store's next write: `?since=<cursor>` answers `{cursor, changes}`,
 * `changes` saying what changed since that cursor (`StoreChangeJson`: runs, run lists, areas, or all).
 */
export const changesPath = '/api/2.0/runlens/changes';

/**
 * RunLens's private routes for a window that is a guest of the process owning the store: the reads
 * and edits its views make (MLflow's API has no run counts per experiment, metric summaries or
 * tree pages), and a long-poll change feed. Only the server's own token may call them, never a
 * launched script's.
 */
export function guestRoutes(feed: ChangeFeed): Route[] {
  const services = new WeakMap<TrackingStore, DashboardService>();
  return [
    {
      method: 'POST',
      path: `${storeOperationPrefix}:operation`,
      handler: (context) => {
        ownerTokenOnly(context);
        const name = context.pathParams.operation ?? '';
        if (!isStoreOperationName(name)) throw new MlflowError(ErrorCode.EndpointNotFound, `No RunLens store operation '${name}'.`);
        const { store, traces, artifacts, registry } = context;
        return runStoreOperationFromJson({ tracking: store, traces, artifacts, registry }, name, context.body).then((result) => ({ result }));
      },
    },
    {
      method: 'POST',
      path: `${dashboardMethodPrefix}*method`,
      handler: async (context) => {
        ownerTokenOnly(context);
        const method = context.pathParams.method ?? '';
        if (!isServiceMethod(method)) throw new MlflowError(ErrorCode.EndpointNotFound, `No RunLens dashboard method '${method}'.`);
        const { store: tracking, traces, artifacts } = context;
        let service = services.get(tracking);
        if (!service) services.set(tracking, (service = new DashboardService({ tracking, traces, artifacts })));
        try {
          return { result: await service.handle(method, context.body.params) };
        } catch (error) {
          const response = toResponseError(error);
          if (response.code === undefined || response.code === 'internal') throw error;
          throw new DashboardBridgeError(response.code, response.message);
        }
      },
    },
    {
      method: 'GET',
      path: changesPath,
      handler: async (context) => {
        ownerTokenOnly(context);
        return feed.next(context.query.get('since') ?? '');
      },
    },
  ];
}

/** A dashboard request refused: MLflow's `{error_code, message}`, with the dashboards' own code beside them. */
class DashboardBridgeError extends MlflowError {
  constructor(
    readonly dashboardCode: string,
    message: string,
  ) {
    super(dashboardCode === 'notFound' ? ErrorCode.ResourceDoesNotExist : ErrorCode.InvalidParameterValue, message);
  }

  override toJSON(): { error_code: ErrorCode; message: string; dashboard_code: string } {
    return { ...super.toJSON(), dashboard_code: this.dashboardCode };
  }
}

export function ownerTokenOnly(context: RequestContext): void {
  if (context.launchId !== undefined) throw new MlflowError(ErrorCode.PermissionDenied, "A launched script may not use RunLens's private routes.");
}
