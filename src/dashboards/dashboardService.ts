import { maxSeriesPoints } from '../protocol/dashboards/shapes';
import { isServiceMethod, type ServiceMethod, type ServiceMethods } from '../protocol/dashboards/methods';
import type { RunsChangedParams } from '../protocol/dashboards/shapes';
import type { RemoteMirrors } from '../remote/browse/remoteMirrors';
import type { ArtifactFile, ArtifactStore } from '../core/store/artifactStore';
import type { TrackingStore } from '../core/store/trackingStore';
import { RunChangeTracker } from '../core/runs/runChanges';
import type { TraceStore } from '../core/traces/traceStore';
import { DashboardError } from './dashboardError';
import { compareCandidates, compareRunParts, compareRuns } from './handlers/compareHandlers';
import { artifactsOf, type DashboardContext } from './handlers/dashboardContext';
import { experimentCharts, experimentTable, exportCsv } from './handlers/experimentHandlers';
import { drawnSeries, metricSeries, previewRunArtifact, runDashboardModel, setNote } from './handlers/runHandlers';
import { compareTraces, logFeedback, traceDashboardModel, traceSpanDetail } from './handlers/traceHandlers';
import { ParamsReader } from './requestParams';
import { requestLimits } from './requestLimits';
import { RunSources } from './runSources';

export interface DashboardServiceOptions {
  /**
   * The store and its artifacts, both or neither. Without them the service reads only the remote
   * servers' runs: a guest window's reader, which holds no database (the process owning the store
   * answers for the workspace's runs).
   */
  readonly tracking?: TrackingStore;
  readonly artifacts?: ArtifactStore;
  /** The clock, for the duration of running runs. */
  readonly now?: () => number;
  /** The added remote MLflow servers, whose runs requests name by address (runAddress.ts); none in the browser mode. */
  readonly remote?: RemoteMirrors;
  /** The store's traces, for the trace viewer; without them its requests are `unavailable`. */
  readonly traces?: TraceStore;
}

type Handlers = { readonly [M in ServiceMethod]: (params: ParamsReader) => Promise<ServiceMethods[M]['result']> | ServiceMethods[M]['result'] };

/**
 * Answers every dashboard request of the protocol (host actions excepted) from the store. Params are
 * untrusted data from the webview: each is checked, and a bad one is a DashboardError
 * `invalidParams`; a missing run or experiment is `notFound`; a bad filter is the store's
 * FilterError. Hosts turn any of these into a response with `toResponseError`.
 */
export class DashboardService {
  private readonly context: DashboardContext;

  constructor(options: DashboardServiceOptions) {
    this.context = {
      tracking: options.tracking,
      traces: options.traces,
      sources: new RunSources(localStore(options), options.remote),
      now: options.now ?? Date.now,
    };
  }

  /** Dispatches one request. Rejects with a DashboardError for an unknown method or bad params. */
  async handle<M extends ServiceMethod>(method: M, params: unknown): Promise<ServiceMethods[M]['result']>;
  async handle(method: string, params: unknown): Promise<unknown>;
  async handle(method: string, params: unknown): Promise<unknown> {
    if (!isServiceMethod(method)) throw new DashboardError('invalidParams', `Unknown dashboard request '${method}'.`);
    const handler = this.handlers[method] as (params: ParamsReader) => unknown;
    return handler(new ParamsReader(method, params));
  }

  /** A change tracker over this service's store, for the host's `runs/changed` notifications. */
  changeTracker(): RunChangeTracker {
    return new RunChangeTracker(this.context.tracking);
  }

  /** What changed on remote servers among the runs and experiments a panel shows (hosts poll this every few seconds). */
  remoteChanges(watch: { readonly runIds?: readonly string[]; readonly experimentIds?: readonly string[] }): Promise<RunsChangedParams | undefined> {
    return this.context.sources.remoteChanges(watch);
  }

  /** One artifact of a run, local or remote, streamed: for the host actions that open it in an editor. */
  async readArtifact(runId: string, path: string): Promise<ArtifactFile> {
    const [resolved] = await this.context.sources.runs([runId], 'summary');
    return artifactsOf(resolved).read(path);
  }

  private readonly handlers: Handlers = {
    'run/get': (p) => runDashboardModel(this.context, p.requiredString('runId')),
    'run/metricSeries': (p) =>
      metricSeries(
        this.context,
        p.stringList('runIds', { min: 1, max: requestLimits.seriesRuns }),
        p.optionalStringList('keys', { min: 0, max: requestLimits.seriesKeys }),
        p.optionalInteger('limit', 1, requestLimits.seriesKeys),
        p.chartOptions('chart'),
      ),
    'experiment/table': (p) => experimentTable(this.context, p),
    'experiment/charts': (p) => experimentCharts(this.context, p),
    'experiment/exportCsv': (p) => exportCsv(this.context, p),
    'run/drawnSeries': (p) =>
      drawnSeries(
        this.context,
        p.stringList('runIds', { min: 1, max: requestLimits.seriesRuns }),
        p.stringList('keys', { min: 0, max: requestLimits.seriesKeys }),
        p.chartOptions('chart'),
        p.optionalInteger('maxPoints', 1, maxSeriesPoints) ?? maxSeriesPoints,
      ),
    'compare/get': (p) => compareRuns(this.context, p),
    'compare/runs': (p) => compareRunParts(this.context, p.stringList('runIds', { min: 1, max: requestLimits.compareRuns })),
    'compare/candidates': (p) => compareCandidates(this.context, p),
    'note/set': (p) => setNote(this.context, p.requiredString('runId'), p.string('markdown', requestLimits.noteLength)),
    'artifact/preview': (p) =>
      previewRunArtifact(this.context, p.requiredString('runId'), p.requiredString('path'), p.oneOf('from', ['start', 'end'] as const) ?? 'start'),
    'trace/get': (p) => traceDashboardModel(this.context, p.requiredString('traceId')),
    'trace/span': (p) => traceSpanDetail(this.context, p.requiredString('traceId'), p.requiredString('spanId')),
    'trace/compare': (p) => compareTraces(this.context, p.requiredString('traceId'), p.requiredString('otherTraceId')),
    'trace/logFeedback': (p) => logFeedback(this.context, p),
  };
}

function localStore({ tracking, artifacts }: DashboardServiceOptions): { tracking: TrackingStore; artifacts: ArtifactStore } | undefined {
  if (tracking === undefined && artifacts === undefined) return undefined;
  if (tracking === undefined || artifacts === undefined) throw new TypeError('A dashboard service reads a store with its artifacts, or neither');
  return { tracking, artifacts };
}
