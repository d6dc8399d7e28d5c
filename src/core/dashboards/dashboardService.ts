import {
  isServiceMethod,
  maxArtifactItems,
  type ArtifactListing,
  type ArtifactPreview,
  type CompareCandidatesResult,
  type CompareModel,
  type ExperimentChartsResult,
  type ExperimentTableModel,
  type ExportCsvResult,
  type MetricChartOptions,
  type MetricSeriesResult,
  type MetricSummary,
  type RunDashboardModel,
  type RunRef,
  type ServiceMethod,
  type ServiceMethods,
  type SetNoteResult,
  type TableSort,
  type MetricAggregation,
} from '../../protocol/dashboards';
import type { Experiment, Run } from '../entities';
import { MlflowError } from '../errors';
import type { ArtifactStore } from '../store/artifactStore';
import type { TrackingStore } from '../store/trackingStore';
import { listArtifactsDeep } from './artifactListing';
import { previewArtifact } from './artifactPreview';
import { runArtifacts, runTags } from './codeState';
import { buildCompareModel } from './compareModel';
import { DashboardError, invalidParams } from './dashboardError';
import { availableFields, buildParallelChart, buildScatterChart, type ChartRun } from './experimentCharts';
import { buildMetricChart, runLabels } from './metricCharts';
import { readMetricColumns } from './metricSeriesReader';
import { readMetricSummaries } from './metricSummaries';
import { ParamsReader } from './requestParams';
import { RunChangeTracker } from './runChanges';
import { storePathOf, storeRootOf } from './runArtifactRoot';
import { compareKeys } from './runDiff';
import { buildRunModel, runRefOf } from './runModel';
import { buildTable, sortRows, tableCsv } from './tableModel';

export interface DashboardServiceOptions {
  readonly tracking: TrackingStore;
  readonly artifacts: ArtifactStore;
  /** The clock, for the duration of running runs. */
  readonly now?: () => number;
}

/** Limits on what one request may ask for, so that no request can stall the host. */
export const requestLimits = {
  seriesRuns: 100,
  seriesKeys: 100,
  chartRuns: 500,
  compareRuns: 100,
  parallelAxes: 30,
  tablePage: 1000,
  defaultTablePage: 200,
  candidates: 200,
  defaultCandidates: 50,
  noteLength: 100_000,
  queryLength: 500,
  filterLength: 10_000,
} as const;

/** Runs read per search page when a table needs every run of an experiment. */
const searchPage = 10_000;

type Handlers = { readonly [M in ServiceMethod]: (params: ParamsReader) => Promise<ServiceMethods[M]['result']> | ServiceMethods[M]['result'] };

/**
 * Answers every dashboard request of the protocol (host actions excepted) from the store. Params are
 * untrusted data from the webview: each is checked, and a bad one is a DashboardError
 * `invalidParams`; a missing run or experiment is `notFound`; a bad filter is the store's
 * FilterError. Hosts turn any of these into a response with `toResponseError`.
 */
export class DashboardService {
  private readonly tracking: TrackingStore;
  private readonly artifacts: ArtifactStore;
  private readonly now: () => number;

  constructor(options: DashboardServiceOptions) {
    this.tracking = options.tracking;
    this.artifacts = options.artifacts;
    this.now = options.now ?? Date.now;
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
    return new RunChangeTracker(this.tracking);
  }

  private readonly handlers: Handlers = {
    'run/get': (p) => this.runModel(p.requiredString('runId')),
    'run/metricSeries': (p) =>
      this.metricSeries(
        p.stringList('runIds', { min: 1, max: requestLimits.seriesRuns }),
        p.optionalStringList('keys', { min: 0, max: requestLimits.seriesKeys }),
        p.chartOptions('chart'),
      ),
    'experiment/table': (p) => this.experimentTable(p),
    'experiment/charts': (p) => this.experimentCharts(p),
    'experiment/exportCsv': (p) => this.exportCsv(p),
    'compare/get': (p) => this.compare(p),
    'compare/candidates': (p) => this.candidates(p),
    'note/set': (p) => this.setNote(p.requiredString('runId'), p.string('markdown', requestLimits.noteLength)),
    'artifact/preview': (p) =>
      this.preview(p.requiredString('runId'), p.requiredString('path'), p.oneOf('from', ['start', 'end'] as const) ?? 'start'),
  };

  private async runModel(runId: string): Promise<RunDashboardModel> {
    const run = this.tracking.getRun(runId);
    const root = storeRootOf(run.info.artifact_uri);
    const artifacts: ArtifactListing =
      root === undefined ? { items: [], truncated: false } : await listArtifactsDeep(this.artifacts, root, maxArtifactItems);
    return buildRunModel({
      run,
      experiment: this.experimentOrUndefined(run.info.experiment_id),
      metrics: this.summaries([runId]).get(runId) ?? new Map(),
      artifacts,
      now: this.now(),
    });
  }

  private metricSeries(runIds: readonly string[], keys: readonly string[] | undefined, chart: MetricChartOptions): MetricSeriesResult {
    const runs = runIds.map((id) => this.tracking.getRun(id));
    const chartKeys = keys ?? this.metricKeysOf(runs);
    if (chartKeys.length > requestLimits.seriesKeys) {
      throw invalidParams('run/metricSeries', `these runs have ${chartKeys.length} metrics; name at most ${requestLimits.seriesKeys} in 'keys'.`);
    }
    const labels = runLabels(runs.map((run) => ({ runId: run.info.run_id, name: run.info.run_name })));
    const withTimestamps = chart.xAxis !== 'step';
    return {
      charts: chartKeys.map((key) =>
        buildMetricChart(
          key,
          runs.map((run, index) => ({
            runId: run.info.run_id,
            label: labels[index],
            ...readMetricColumns(this.tracking, run.info.run_id, key, withTimestamps),
          })),
          chart,
        ),
      ),
    };
  }

  private metricKeysOf(runs: readonly Run[]): string[] {
    const keys = new Set<string>();
    for (const run of runs) for (const metric of run.data.metrics ?? []) keys.add(metric.key);
    return [...keys].sort(compareKeys);
  }

  private experimentTable(p: ParamsReader): ExperimentTableModel {
    const query = readTableQuery(p);
    const offset = p.optionalInteger('offset', 0, Number.MAX_SAFE_INTEGER) ?? 0;
    const limit = p.optionalInteger('limit', 1, requestLimits.tablePage) ?? requestLimits.defaultTablePage;
    const { experiment, columns, rows } = this.table(query);
    return {
      experiment: { id: experiment.experiment_id, name: experiment.name },
      columns,
      rows: rows.slice(offset, offset + limit),
      totalRows: rows.length,
      offset,
    };
  }

  private exportCsv(p: ParamsReader): ExportCsvResult {
    const query = readTableQuery(p);
    const wanted = p.optionalStringList('columns', { min: 0, max: 100_000 });
    const { experiment, columns, rows } = this.table(query);
    const chosen =
      wanted === undefined
        ? columns
        : wanted.map((id) => columns.find((column) => column.id === id) ?? p.fail(`column '${id}' is not in this table.`));
    return {
      fileName: `${safeFileName(experiment.name) || `experiment-${experiment.experiment_id}`}-runs.csv`,
      csv: tableCsv(chosen, rows),
      rowCount: rows.length,
    };
  }

  /** Every run of the experiment that matches the filter, as table rows in the requested order. */
  private table(query: TableQuery) {
    const experiment = this.tracking.getExperiment(query.experimentId);
    const runs: Run[] = [];
    let pageToken: string | undefined;
    do {
      const page = this.tracking.searchRuns({
        experimentIds: [experiment.experiment_id],
        filter: query.filter,
        orderBy: ['attributes.start_time DESC'],
        runViewType: query.includeDeleted ? 'ALL' : 'ACTIVE_ONLY',
        maxResults: searchPage,
        pageToken,
      });
      runs.push(...page.runs);
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined);
    const summaries = this.summaries(runs.map((run) => run.info.run_id));
    const { columns, rows } = buildTable(
      runs.map((run) => ({ run, metrics: summaries.get(run.info.run_id) ?? new Map() })),
      { aggregations: query.aggregations, now: this.now() },
    );
    return { experiment, columns, rows: query.sort ? sortRows(rows, columns, query.sort) : rows };
  }

  private experimentCharts(p: ParamsReader): ExperimentChartsResult {
    const runIds = p.stringList('runIds', { min: 1, max: requestLimits.chartRuns });
    const runs = runIds.map((id) => this.tracking.getRun(id));
    const summaries = this.summaries(runIds);
    const labels = runLabels(runs.map((run) => ({ runId: run.info.run_id, name: run.info.run_name })));
    const chartRuns: ChartRun[] = runs.map((run, index) => ({
      run,
      label: labels[index],
      metrics: summaries.get(run.info.run_id) ?? new Map(),
    }));
    const now = this.now();
    let overlay: ExperimentChartsResult['overlay'];
    if (p.has('overlay')) {
      const o = p.nested('overlay');
      if (runIds.length > requestLimits.seriesRuns) p.fail(`an overlay draws at most ${requestLimits.seriesRuns} runs.`);
      overlay = this.metricSeries(runIds, o.stringList('keys', { min: 1, max: requestLimits.seriesKeys }), o.chartOptions('chart')).charts;
    }
    const scatter = p.has('scatter') ? p.nested('scatter') : undefined;
    const parallel = p.has('parallel') ? p.nested('parallel') : undefined;
    return {
      fields: availableFields(chartRuns),
      ...(overlay ? { overlay } : {}),
      ...(scatter ? { scatter: buildScatterChart(chartRuns, scatter.fieldRef('x'), scatter.fieldRef('y'), now) } : {}),
      ...(parallel
        ? {
            parallel: buildParallelChart(
              chartRuns,
              parallel.fieldRefList('keys', { min: 2, max: requestLimits.parallelAxes }),
              parallel.optionalFieldRef('color'),
              now,
            ),
          }
        : {}),
    };
  }

  private async compare(p: ParamsReader): Promise<CompareModel> {
    const runIds = p.stringList('runIds', { min: 2, max: requestLimits.compareRuns });
    const directions = p.directions('directions');
    const aggregation = p.oneOf<MetricAggregation>('aggregation', ['last', 'min', 'max']);
    const onlyDifferences = p.optionalBoolean('onlyDifferences');
    const runs = runIds.map((id) => this.tracking.getRun(id));
    const summaries = this.summaries(runIds);
    const experiments = new Map<string, Experiment | undefined>();
    const entries = [];
    for (const run of runs) {
      const experimentId = run.info.experiment_id;
      if (!experiments.has(experimentId)) experiments.set(experimentId, this.experimentOrUndefined(experimentId));
      entries.push({
        run,
        experiment: experiments.get(experimentId),
        metrics: summaries.get(run.info.run_id) ?? new Map<string, MetricSummary>(),
        launchArtifacts: await this.launchArtifacts(run),
      });
    }
    return buildCompareModel({ runs: entries, directions, aggregation, onlyDifferences, now: this.now() });
  }

  /** The run's `runlens/` artifacts (the launcher's output log and captured diff). */
  private async launchArtifacts(run: Run): Promise<ArtifactListing> {
    const root = storeRootOf(run.info.artifact_uri);
    if (root === undefined) return { items: [], truncated: false };
    const folder = runArtifacts.launchFolder.replace(/\/$/, '');
    const listing = await listArtifactsDeep(this.artifacts, `${root}/${folder}`, 100);
    return { ...listing, items: listing.items.map((item) => ({ ...item, path: `${folder}/${item.path}` })) };
  }

  private candidates(p: ParamsReader): CompareCandidatesResult {
    const query = p.string('query', requestLimits.queryLength).trim().toLowerCase();
    const exclude = new Set(p.optionalStringList('excludeRunIds', { min: 0, max: requestLimits.compareRuns }) ?? []);
    const preferred = p.optionalString('experimentId');
    const limit = p.optionalInteger('limit', 1, requestLimits.candidates) ?? requestLimits.defaultCandidates;
    const experiments = this.tracking.listExperiments();
    const names = new Map(experiments.map((experiment) => [experiment.experiment_id, experiment.name]));
    const order = [
      ...experiments.filter((e) => e.experiment_id === preferred),
      ...(experiments.some((e) => e.experiment_id !== preferred) ? [undefined] : []),
    ];
    const found: RunRef[] = [];
    for (const experiment of order) {
      const experimentIds = experiment
        ? [experiment.experiment_id]
        : experiments.filter((e) => e.experiment_id !== preferred).map((e) => e.experiment_id);
      let pageToken: string | undefined;
      do {
        const page = this.tracking.searchRuns({ experimentIds, orderBy: ['attributes.start_time DESC'], maxResults: 1000, pageToken });
        for (const run of page.runs) {
          if (exclude.has(run.info.run_id)) continue;
          if (query !== '' && !run.info.run_name.toLowerCase().includes(query) && !run.info.run_id.includes(query)) continue;
          found.push(runRefOf(run, names.get(run.info.experiment_id) ?? ''));
          if (found.length >= limit) return { runs: found };
        }
        pageToken = page.nextPageToken;
      } while (pageToken !== undefined);
    }
    return { runs: found };
  }

  private setNote(runId: string, markdown: string): SetNoteResult {
    this.tracking.setTag(runId, runTags.note, markdown);
    return { note: markdown };
  }

  private async preview(runId: string, path: string, from: 'start' | 'end'): Promise<ArtifactPreview> {
    const run = this.tracking.getRun(runId);
    return previewArtifact(this.artifacts, storePathOf(run.info.artifact_uri, path), from);
  }

  private summaries(runIds: readonly string[]): Map<string, Map<string, MetricSummary>> {
    return readMetricSummaries(this.tracking, runIds);
  }

  /** A run's experiment, or undefined when it is gone (the run still shows). */
  private experimentOrUndefined(experimentId: string): Experiment | undefined {
    try {
      return this.tracking.getExperiment(experimentId);
    } catch (error) {
      if (MlflowError.is(error)) return undefined;
      throw error;
    }
  }
}

interface TableQuery {
  readonly experimentId: string;
  readonly filter?: string;
  readonly sort?: TableSort;
  readonly aggregations: Record<string, MetricAggregation>;
  readonly includeDeleted: boolean;
}

function readTableQuery(p: ParamsReader): TableQuery {
  const filter = p.optionalString('filter');
  if (filter !== undefined && filter.length > requestLimits.filterLength) p.fail(`'filter' is longer than ${requestLimits.filterLength} characters.`);
  return {
    experimentId: p.requiredString('experimentId'),
    ...(filter === undefined || filter.trim() === '' ? {} : { filter }),
    ...optionalSort(p.sort('sort')),
    aggregations: p.aggregations('aggregations'),
    includeDeleted: p.optionalBoolean('includeDeleted') ?? false,
  };
}

function optionalSort(sort: TableSort | undefined): { sort?: TableSort } {
  return sort === undefined ? {} : { sort };
}

/** An experiment name made safe as a file name: no separators, no control or shell-hostile characters. */
function safeFileName(name: string): string {
  return name
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .slice(0, 80);
}
