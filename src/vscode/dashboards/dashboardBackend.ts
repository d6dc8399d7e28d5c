import { DashboardError } from '../../dashboards/dashboardError';
import type { DashboardService } from '../../dashboards/dashboardService';
import { SideBySide, sidesNamed } from '../../dashboards/sideBySide';
import { RunChangeTracker, type ChangeWatch } from '../../core/runs/runChanges';
import type { ServiceMethod, ServiceMethods } from '../../protocol/dashboards/methods';
import type { RunsChangedParams } from '../../protocol/dashboards/shapes';
import type { ResponseErrorCode } from '../../protocol/messages';
import { dashboardMethodPrefix } from '../../server/routes/guest/guestRoutes';
import { OwnerRequestError, ownerRequest, type OwnerEndpoint } from '../ownerClient';
import type { StoreAccess } from '../storeAccess';

/** Tells one panel what changed among its runs since it last asked. */
export interface PanelChangeTracker {
  poll(watch: ChangeWatch): Promise<RunsChangedParams | undefined>;
}

/** What answers a panel's data requests: the store's DashboardService in this window, or the owner process's. */
export interface DashboardBackend {
  handle<M extends ServiceMethod>(method: M, params: unknown): Promise<ServiceMethods[M]['result']>;
  changeTracker(): PanelChangeTracker;
}

/** The dashboard service of the store this window has open. */
export function inProcessBackend(service: DashboardService): DashboardBackend {
  return {
    handle: (method, params) => service.handle(method, params),
    changeTracker: () => {
      const tracker = service.changeTracker();
      return { poll: async (watch) => tracker.poll(watch) };
    },
  };
}

/**
 * The dashboard service of the process that owns the store (`POST /api/2.0/runlens/dashboard/<method>`);
 * what changed is found by comparing fingerprints the owner reads.
 */
export function ownerBackend(endpoint: OwnerEndpoint, access: StoreAccess): DashboardBackend {
  return {
    handle: async <M extends ServiceMethod>(method: M, params: unknown) => {
      try {
        const reply = (await ownerRequest(endpoint, `${dashboardMethodPrefix}${method}`, { params: params ?? null })) as { result: ServiceMethods[M]['result'] };
        return reply.result;
      } catch (error) {
        throw ownerRefusalAsDashboardError(error);
      }
    },
    changeTracker: () => {
      const tracker = new RunChangeTracker();
      return {
        poll: async (watch) =>
          tracker.compare(watch, await access.call('watchPrints', { runIds: [...(watch.runIds ?? [])], experimentIds: [...(watch.experimentIds ?? [])] })),
      };
    },
  };
}

/**
 * A guest window's panels: the owner answers for the store's runs and experiments; those of the added
 * remote servers, which the owner cannot read (their addresses and credentials are this window's), this
 * window's own service reads. A comparison naming both (and the compare picker, which offers both) asks
 * each for its runs and puts them side by side, as the window owning the store shows them.
 */
export function guestBackend(owner: DashboardBackend, remote: DashboardBackend): DashboardBackend {
  const sideBySide = new SideBySide(
    (method, params) => owner.handle(method, params),
    (method, params) => remote.handle(method, params),
  );
  return {
    handle: async <M extends ServiceMethod>(method: M, params: unknown): Promise<ServiceMethods[M]['result']> => {
      if (method === 'compare/candidates') return (await sideBySide.candidates(params)) as ServiceMethods[M]['result'];
      const sides = sidesNamed(namedIds(params));
      if (sides === 'workspace') return owner.handle(method, params);
      if (sides === 'remote') return remote.handle(method, params);
      if (method === 'compare/get') return (await sideBySide.compare(params)) as ServiceMethods[M]['result'];
      if (method === 'run/metricSeries') return (await sideBySide.metricSeries(params)) as ServiceMethods[M]['result'];
      throw new DashboardError('invalidParams', `A '${method}' request names one run or experiment: a workspace's or a remote server's.`);
    },
    changeTracker: () => owner.changeTracker(),
  };
}

/** The runs and experiments a dashboard request names (its `runId`, `runIds`, `experimentId`). */
function namedIds(params: unknown): string[] {
  if (typeof params !== 'object' || params === null) return [];
  const { runId, runIds, experimentId } = params as Record<string, unknown>;
  return [runId, experimentId, ...(Array.isArray(runIds) ? runIds : [])].filter((id): id is string => typeof id === 'string');
}

/**
 * The owner's refusal says what the webview shows (a bad filter, a missing run), as in process: a
 * refusal the owner gave a reason for is no internal failure of this window.
 */
export function ownerRefusalAsDashboardError(error: unknown): unknown {
  if (!(error instanceof OwnerRequestError)) return error;
  if (error.dashboardCode) return new DashboardError(error.dashboardCode as ResponseErrorCode, error.message);
  if (error.status >= 500) return new DashboardError('internal', error.message);
  return new DashboardError(error.errorCode === 'RESOURCE_DOES_NOT_EXIST' ? 'notFound' : 'invalidParams', error.message);
}
