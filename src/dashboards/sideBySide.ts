import type { CompareCandidatesParams, CompareCandidatesResult, CompareModel, CompareRunsResult } from '../protocol/dashboards/compareRequests';
import type { ServiceMethod, ServiceMethods } from '../protocol/dashboards/methods';
import type { DrawnSeriesResult, MetricSeriesResult } from '../protocol/dashboards/runRequests';
import type { MetricSummary } from '../protocol/dashboards/shapes';
import { isRemoteAddress } from '../protocol/runAddress';
import { candidateOrderOf, candidatesInOrder, compareModelOf, compareRequestOf } from './handlers/compareHandlers';
import { metricSeriesOf, seriesBudget, seriesPlan } from './metricCharts';
import { ParamsReader } from './requestParams';
import { requestLimits } from './requestLimits';

/** Asks one process's dashboard service. */
export type AskService = <M extends ServiceMethod>(method: M, params: ServiceMethods[M]['params']) => Promise<ServiceMethods[M]['result']>;

/**
 * The requests that name the workspace's runs and remote servers' runs together, answered where no
 * one process reads both: in a guest window, the process that owns the store reads the workspace's
 * runs and the window's own reader the remote servers' (the owner has neither their addresses nor
 * their credentials). Each is asked for its runs' parts (`compare/runs`, `run/drawnSeries`, its
 * candidates) and the answer is built from them as one process reading both builds it, so a
 * comparison looks the same in a guest window as in the window that owns the store.
 */
export class SideBySide {
  constructor(
    private readonly workspace: AskService,
    private readonly remote: AskService,
    private readonly now: () => number = Date.now,
  ) {}

  async compare(params: unknown): Promise<CompareModel> {
    const request = compareRequestOf(new ParamsReader('compare/get', params));
    const sides = bySide(request.runIds);
    const none: CompareRunsResult = { runs: [] };
    const [workspace, remote] = await Promise.all([
      sides.workspace.length === 0 ? none : this.workspace('compare/runs', { runIds: sides.workspace }),
      sides.remote.length === 0 ? none : this.remote('compare/runs', { runIds: sides.remote }),
    ]);
    const runs = inRequestOrder(request.runIds, workspace.runs, remote.runs).map((part) => ({ ...part, metrics: part.metrics.map(([key, summary]) => [key, withNumbers(summary)] as const) }));
    const parts = { runs, notes: [...(workspace.notes ?? []), ...(remote.notes ?? [])] };
    return compareModelOf(parts, request, this.now());
  }

  async metricSeries(params: unknown): Promise<MetricSeriesResult> {
    const p = new ParamsReader('run/metricSeries', params);
    const runIds = p.stringList('runIds', { min: 1, max: requestLimits.seriesRuns });
    const keys = p.optionalStringList('keys', { min: 0, max: requestLimits.seriesKeys });
    const limit = p.optionalInteger('limit', 1, requestLimits.seriesKeys);
    const chart = p.chartOptions('chart');
    const sides = bySide(runIds);
    const maxPoints = seriesBudget(runIds.length);
    const draw = async (drawKeys: readonly string[]): Promise<DrawnSeriesResult> => {
      const none: DrawnSeriesResult = { runs: [], charts: drawKeys.map((key) => ({ key, series: [] })) };
      const [workspace, remote] = await Promise.all([
        sides.workspace.length === 0 ? none : this.workspace('run/drawnSeries', { runIds: sides.workspace, keys: drawKeys, chart, maxPoints }),
        sides.remote.length === 0 ? none : this.remote('run/drawnSeries', { runIds: sides.remote, keys: drawKeys, chart, maxPoints }),
      ]);
      return {
        runs: inRequestOrder(runIds, workspace.runs, remote.runs),
        charts: drawKeys.map((key, index) => ({ key, series: inRequestOrder(runIds, workspace.charts[index].series, remote.charts[index].series) })),
      };
    };
    // Without keys, the runs' metrics decide which are charted: the runs are read first, with no series.
    const first = await draw(keys === undefined ? [] : keys.slice(0, limit));
    const plan = seriesPlan(first.runs, keys, limit);
    const drawn = keys === undefined ? await draw(plan.chartKeys) : first;
    return metricSeriesOf(plan, drawn.charts, chart);
  }

  /** The compare picker's runs: the workspace's and the remote servers' that match, in one list. */
  async candidates(params: unknown): Promise<CompareCandidatesResult> {
    const order = candidateOrderOf(new ParamsReader('compare/candidates', params));
    const asked = params as CompareCandidatesParams;
    const found = await Promise.all([this.workspace('compare/candidates', asked), this.remote('compare/candidates', asked)]);
    return candidatesInOrder(found, order);
  }
}

/** Whether a request's runs are all the workspace's, all remote, or both. */
export function sidesNamed(ids: readonly string[]): 'workspace' | 'remote' | 'both' {
  const remote = ids.filter(isRemoteAddress).length;
  return remote === 0 ? 'workspace' : remote === ids.length ? 'remote' : 'both';
}

function bySide(ids: readonly string[]): { workspace: string[]; remote: string[] } {
  return { workspace: ids.filter((id) => !isRemoteAddress(id)), remote: ids.filter(isRemoteAddress) };
}

/** The two sides' answers (each in its own ids' order) back in the order the request named the runs. */
function inRequestOrder<T>(ids: readonly string[], workspace: readonly T[], remote: readonly T[]): T[] {
  let w = 0;
  let r = 0;
  return ids.map((id) => (isRemoteAddress(id) ? remote[r++] : workspace[w++]));
}

/**
 * A summary as the owner's JSON carries it: a non-finite value (a NaN loss, an infinite max) is the
 * string MLflow's wire spells it with (`"NaN"`, `"Infinity"`), which the comparison must compare as the number.
 */
function withNumbers(summary: MetricSummary): MetricSummary {
  return { ...summary, last: Number(summary.last), min: Number(summary.min), max: Number(summary.max) };
}
