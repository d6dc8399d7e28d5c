import type { ArtifactPreview } from '../protocol/dashboards/artifactPreview';
import type { CompareCandidatesResult, CompareModel } from '../protocol/dashboards/compareRequests';
import type { ExperimentChartsResult, ExperimentTableModel, ExportCsvResult } from '../protocol/dashboards/experimentRequests';
import { isServiceMethod, type ServiceMethod, type ServiceMethods } from '../protocol/dashboards/methods';
import {
  maxArtifactItems,
  type ArtifactListing,
  type LoggedModelSummary,
  type MetricSeriesResult,
  type RunDashboardModel,
  type SetNoteResult,
} from '../protocol/dashboards/runRequests';
import type { MetricChartOptions, MetricSummary, RunRef, RunsChangedParams, MetricAggregation } from '../protocol/dashboards/shapes';
import type { TableSort } from '../protocol/dashboards/state';
import { parseRemoteAddress, remoteAddress } from '../protocol/runAddress';
import type { Experiment, Run } from '../core/entities';
import { MlflowError, notFound } from '../core/errors';
import type { RemoteMirrors } from '../remote/browse/remoteMirrors';
import type { ArtifactFile, ArtifactStore } from '../core/store/artifactStore';
import type { TrackingStore } from '../core/store/trackingStore';
import { listArtifactsDeep } from './artifactListing';
import { previewArtifact } from './artifactPreview';
import { runArtifacts, runTags } from './codeState';
import { buildCompareModel } from './compareModel';
import { DashboardError, invalidParams } from './dashboardError';
import { availableFields, buildParallelChart, buildScatterChart, type ChartRun } from './experimentCharts';
import { buildMetricChart, runLabels } from './metricCharts';
import { readMetricColumns } from './metricSeriesReader';
import { ParamsReader } from './requestParams';
import { RunChangeTracker } from '../core/runs/runChanges';
import { compareKeys } from './runDiff';
import { buildRunModel, runRefOf } from './runModel';
import { RunSources, type ResolvedRun } from './runSources';
import { buildTable, sortRows, tableCsv } from './tableModel';
import { runTraceFilter, type TraceStore } from '../core/traces/traceStore';
import { assessmentModel, buildTraceModel } from './traceModel';
import { diffTraces } from './traceDiff';
import type { RunTracesModel, TraceModel } from '../protocol/traceDashboard';

export interface DashboardServiceOptions {
  readonly tracking: TrackingStore;
  readonly artifacts: ArtifactStore;
  /** The clock, for the duration of running runs. */
  readonly now?: () => number;
  /** The added remote MLflow servers, whose runs requests name by address (runAddress.ts); none in the browser mode. */
  readonly remote?: RemoteMirrors;
  /** The store's traces, for the trace viewer; without them its requests are `unavailable`. */
  readonly traces?: TraceStore;
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
  /** A run dashboard lists this many of the run's newest traces. */
  runTraces: 100,
  queryLength: 500,
  filterLength: 10_000,
  /** Remote runs whose whole histories one table or chart may copy (for min and max). */
  remoteHistoryRuns: 200,
  /** How long the compare's picker waits for a remote server before leaving it out. */
  remoteSearchMs: 3_000,
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
  private readonly traces: TraceStore | undefined;
  private readonly sources: RunSources;
  private readonly now: () => number;

  constructor(options: DashboardServiceOptions) {
    this.tracking = options.tracking;
    this.traces = options.traces;
    this.sources = new RunSources(options.tracking, options.artifacts, options.remote);
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

  /** What changed on remote servers among the runs and experiments a panel shows (hosts poll this every few seconds). */
  remoteChanges(watch: { readonly runIds?: readonly string[]; readonly experimentIds?: readonly string[] }): Promise<RunsChangedParams | undefined> {
    return this.sources.remoteChanges(watch);
  }

  /** One artifact of a run, local or remote, streamed: for the host actions that open it in an editor. */
  async readArtifact(runId: string, path: string): Promise<ArtifactFile> {
    const [resolved] = await this.sources.runs([runId], 'summary');
    return this.artifactsOf(resolved).read(path);
  }

  private readonly handlers: Handlers = {
    'run/get': (p) => this.runModel(p.requiredString('runId')),
    'run/metricSeries': (p) =>
      this.metricSeries(
        p.stringList('runIds', { min: 1, max: requestLimits.seriesRuns }),
        p.optionalStringList('keys', { min: 0, max: requestLimits.seriesKeys }),
        p.optionalInteger('limit', 1, requestLimits.seriesKeys),
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
    'trace/get': (p) => this.traceModel(p.requiredString('traceId')),
    'trace/compare': async (p) => diffTraces(await this.traceModel(p.requiredString('traceId')), await this.traceModel(p.requiredString('otherTraceId'))),
    'trace/logFeedback': (p) => {
      const value = p.feedbackValue('value');
      const rationale = p.optionalString('rationale');
      const spanId = p.optionalString('spanId');
      const traceId = p.requiredString('traceId');
      const assessment = this.traceStore().createAssessment(traceId, {
        assessment_name: p.requiredString('name').slice(0, requestLimits.queryLength),
        trace_id: traceId,
        source: { source_type: 'HUMAN', source_id: 'RunLens' },
        feedback: { value },
        ...(rationale ? { rationale: rationale.slice(0, requestLimits.noteLength) } : {}),
        ...(spanId ? { span_id: spanId } : {}),
      });
      return assessmentModel(assessment);
    },
  };

  private async traceModel(traceId: string): Promise<TraceModel> {
    const traces = this.traceStore();
    return buildTraceModel(traces.getTraceInfo(traceId), await traces.readSpans(traceId));
  }

  private traceStore(): TraceStore {
    if (this.traces === undefined) throw new DashboardError('unavailable', 'Traces are not available here.');
    return this.traces;
  }

  private async runModel(runId: string): Promise<RunDashboardModel> {
    const [resolved] = await this.sources.runs([runId], 'full');
    // Read from the store before listing artifacts: a remote copy may be refreshed meanwhile.
    const metrics = this.sources.summaries([resolved]).get(runId) ?? new Map<string, MetricSummary>();
    const experiment = this.experimentOf(resolved);
    const notes = this.sources.notes([resolved]);
    const [artifacts, loggedModels] = await Promise.all([
      this.listArtifacts(resolved, '', maxArtifactItems, notes),
      this.loggedModels(resolved, notes),
    ]);
    const model = buildRunModel({ run: resolved.run, experiment, metrics, artifacts, loggedModels, now: this.now() });
    const parentRunId = model.header.parentRunId;
    const server = resolved.source.remote?.server;
    return {
      ...model,
      header: {
        ...model.header,
        ...(parentRunId === undefined ? {} : { parentRunId: resolved.source.runAddress(parentRunId) }),
        ...(server === undefined ? {} : { server: { name: server.name, url: server.url } }),
      },
      ...(notes.length > 0 ? { notes } : {}),
      ...(this.traces && !resolved.source.remote ? { traces: this.runTraces(resolved.run) } : {}),
    };
  }

  /** The run's newest traces for its dashboard, and how many it has. */
  private runTraces(run: Run): RunTracesModel {
    const traces = this.traceStore();
    const runId = run.info.run_id;
    const total = traces.countTraces({ runId });
    if (total === 0) return { total, items: [] };
    const experimentIds = traces.runTraceExperimentIds(runId);
    const { items } = traces.searchSummaries({ experimentIds, filter: runTraceFilter(runId), maxResults: requestLimits.runTraces });
    return {
      total,
      items: items.map((trace) => ({
        traceId: trace.traceId,
        name: trace.name,
        state: trace.state,
        requestTime: trace.requestTimeMs,
        ...(trace.executionMs === null ? {} : { executionMs: trace.executionMs }),
        spanCount: trace.spanCount,
        inputTokens: trace.inputTokens,
        outputTokens: trace.outputTokens,
      })),
    };
  }

  private async metricSeries(
    runIds: readonly string[],
    keys: readonly string[] | undefined,
    limit: number | undefined,
    chart: MetricChartOptions,
  ): Promise<MetricSeriesResult> {
    const resolved = await this.sources.runs(runIds, 'full');
    const runs = resolved.map((r) => r.run);
    const availableKeys = this.metricKeysOf(runs);
    const chartKeys = (keys ?? availableKeys).slice(0, limit);
    if (chartKeys.length > requestLimits.seriesKeys) {
      throw invalidParams(
        'run/metricSeries',
        `these runs have ${chartKeys.length} metrics; name at most ${requestLimits.seriesKeys} in 'keys' or set 'limit'.`,
      );
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
            ...readMetricColumns(resolved[index].source.tracking.db, resolved[index].localId, key, withTimestamps),
          })),
          chart,
        ),
      ),
      availableKeys,
    };
  }

  private metricKeysOf(runs: readonly Run[]): string[] {
    const keys = new Set<string>();
    for (const run of runs) for (const metric of run.data.metrics ?? []) keys.add(metric.key);
    return [...keys].sort(compareKeys);
  }

  private async experimentTable(p: ParamsReader): Promise<ExperimentTableModel> {
    const query = readTableQuery(p);
    const offset = p.optionalInteger('offset', 0, Number.MAX_SAFE_INTEGER) ?? 0;
    const limit = p.optionalInteger('limit', 1, requestLimits.tablePage) ?? requestLimits.defaultTablePage;
    const { experiment, columns, rows, notes } = await this.table(query);
    return {
      experiment: { id: experiment.experiment_id, name: experiment.name },
      columns,
      rows: rows.slice(offset, offset + limit),
      totalRows: rows.length,
      offset,
      ...(notes.length > 0 ? { notes } : {}),
    };
  }

  private async exportCsv(p: ParamsReader): Promise<ExportCsvResult> {
    const query = readTableQuery(p);
    const wanted = p.optionalStringList('columns', { min: 0, max: 100_000 });
    const { experiment, columns, rows } = await this.table(query);
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

  /**
   * Every run of the experiment that matches the filter, as table rows in the requested order. A
   * remote experiment's runs are copied first, and the mirror's store answers the filter.
   */
  private async table(query: TableQuery) {
    const { source, localId, notes } = await this.sources.experiment(query.experimentId);
    const experiment = source.tracking.getExperiment(localId);
    const runs: Run[] = [];
    let pageToken: string | undefined;
    do {
      const page = source.tracking.searchRuns({
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
    let resolved = runs.map((stored): ResolvedRun => ({ address: source.runAddress(stored.info.run_id), localId: stored.info.run_id, source, stored, run: source.present(stored) }));
    if (source.remote && Object.values(query.aggregations).some((aggregation) => aggregation !== 'last')) {
      resolved = await this.remoteHistories(resolved.map((r) => r.address), 'the table');
    }
    const summaries = this.sources.summaries(resolved);
    const { columns, rows } = buildTable(
      resolved.map(({ run, address }) => ({ run, metrics: summaries.get(address) ?? new Map() })),
      { aggregations: query.aggregations, now: this.now() },
    );
    return { experiment: source.presentExperiment(experiment), columns, rows: query.sort ? sortRows(rows, columns, query.sort) : rows, notes };
  }

  /**
   * Remote runs copied with their whole histories, for min and max: at most `remoteHistoryRuns`,
   * since each costs a request per metric on the server.
   */
  private async remoteHistories(runIds: readonly string[], what: string): Promise<ResolvedRun[]> {
    const remote = runIds.filter((id) => parseRemoteAddress(id) !== undefined).length;
    if (remote > requestLimits.remoteHistoryRuns) {
      throw new DashboardError(
        'invalidParams',
        `Min and max need each remote run's whole metric history; ${what} has ${remote} remote runs, and RunLens reads at most ${requestLimits.remoteHistoryRuns}: filter them, or use last values.`,
      );
    }
    return this.sources.runs(runIds, 'full');
  }

  private async experimentCharts(p: ParamsReader): Promise<ExperimentChartsResult> {
    const runIds = p.stringList('runIds', { min: 1, max: requestLimits.chartRuns });
    const scatter = p.has('scatter') ? p.nested('scatter') : undefined;
    const parallel = p.has('parallel') ? p.nested('parallel') : undefined;
    const scatterAxes = scatter ? ([scatter.fieldRef('x'), scatter.fieldRef('y')] as const) : undefined;
    const parallelAxes = parallel
      ? {
          keys: parallel.fieldRefList('keys', { min: 2, max: requestLimits.parallelAxes }),
          color: parallel.optionalFieldRef('color'),
          direction: parallel.optionalDirection('direction'),
        }
      : undefined;
    const fields = [...(scatterAxes ?? []), ...(parallelAxes?.keys ?? []), ...(parallelAxes?.color ? [parallelAxes.color] : [])];
    const needsHistories = fields.some((field) => field.kind === 'metric' && field.aggregation !== undefined && field.aggregation !== 'last');
    const resolved = needsHistories ? await this.remoteHistories(runIds, 'this chart') : await this.sources.runs(runIds, 'summary');
    const summaries = this.sources.summaries(resolved);
    const runs = resolved.map((r) => r.run);
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
      overlay = (await this.metricSeries(runIds, o.stringList('keys', { min: 1, max: requestLimits.seriesKeys }), undefined, o.chartOptions('chart'))).charts;
    }
    return {
      fields: availableFields(chartRuns),
      ...(overlay ? { overlay } : {}),
      ...(scatterAxes ? { scatter: buildScatterChart(chartRuns, scatterAxes[0], scatterAxes[1], now) } : {}),
      ...(parallelAxes ? { parallel: buildParallelChart(chartRuns, parallelAxes.keys, parallelAxes.color, now, parallelAxes.direction) } : {}),
    };
  }

  private async compare(p: ParamsReader): Promise<CompareModel> {
    const runIds = p.stringList('runIds', { min: 2, max: requestLimits.compareRuns });
    const directions = p.directions('directions');
    const aggregation = p.oneOf<MetricAggregation>('aggregation', ['last', 'min', 'max']);
    const onlyDifferences = p.optionalBoolean('onlyDifferences');
    const resolved = await this.sources.runs(runIds, 'full');
    const summaries = this.sources.summaries(resolved);
    const experiments = resolved.map((run) => this.experimentOf(run));
    const notes = this.sources.notes(resolved);
    const launchArtifacts = await Promise.all(resolved.map((run) => this.launchArtifacts(run)));
    const entries = resolved.map(({ run, address, source }, index) => ({
      run,
      experiment: experiments[index],
      metrics: summaries.get(address) ?? new Map<string, MetricSummary>(),
      launchArtifacts: launchArtifacts[index],
      ...(this.traces && !source.remote ? { traces: this.traces.runTraceStats(run.info.run_id) } : {}),
    }));
    const model = buildCompareModel({ runs: entries, directions, aggregation, onlyDifferences, now: this.now() });
    return notes.length > 0 ? { ...model, notes } : model;
  }

  /** The run's `runlens/` artifacts (the launcher's output log and captured diff). */
  private async launchArtifacts(run: ResolvedRun): Promise<ArtifactListing> {
    const folder = runArtifacts.launchFolder.replace(/\/$/, '');
    const listing = await this.listArtifacts(run, folder, 100, []);
    return { ...listing, items: listing.items.map((item) => ({ ...item, path: `${folder}/${item.path}` })) };
  }

  /**
   * A run's artifacts below `folder`, depth first. A remote server that cannot list them leaves the
   * listing empty, with a note why, rather than failing the whole view.
   */
  private async listArtifacts(run: ResolvedRun, folder: string, maxItems: number, notes: string[]): Promise<ArtifactListing> {
    const artifacts = run.source.artifactsOf(run.stored);
    if (artifacts === undefined) return { items: [], truncated: false };
    try {
      return await listArtifactsDeep(artifacts, folder, maxItems);
    } catch (error) {
      if (!run.source.remote || !DashboardError.is(error, 'unavailable')) throw error;
      notes.push(`Artifacts could not be listed: ${error.message}`);
      return { items: [], truncated: false };
    }
  }

  /** The models the run logged; like its artifacts, a remote server that cannot list them leaves a note. */
  private async loggedModels(run: ResolvedRun, notes: string[]): Promise<LoggedModelSummary[]> {
    try {
      return await run.source.loggedModelsOf(run.stored);
    } catch (error) {
      if (!run.source.remote || !DashboardError.is(error, 'unavailable')) throw error;
      notes.push(`Logged models could not be listed: ${error.message}`);
      return [];
    }
  }

  private artifactsOf(run: ResolvedRun) {
    const artifacts = run.source.artifactsOf(run.stored);
    if (artifacts === undefined) throw notFound(`This run's artifacts (${run.stored.info.artifact_uri}) are not kept in this RunLens store.`);
    return artifacts;
  }

  /**
   * The workspace's runs and the added remote servers' runs that match, together: the preferred
   * experiment's first, then newest first. A server that does not answer within a few seconds is
   * left out, with a note.
   */
  private async candidates(p: ParamsReader): Promise<CompareCandidatesResult> {
    const query = p.string('query', requestLimits.queryLength).trim().toLowerCase();
    const exclude = new Set(p.optionalStringList('excludeRunIds', { min: 0, max: requestLimits.compareRuns }) ?? []);
    const preferred = p.optionalString('experimentId');
    const limit = p.optionalInteger('limit', 1, requestLimits.candidates) ?? requestLimits.defaultCandidates;
    const notes: string[] = [];
    const remote = await Promise.all(
      this.sources.remoteServers().map(async (server) => {
        try {
          return await withDeadline(this.remoteCandidates(server.url, query, exclude, preferred, limit), requestLimits.remoteSearchMs);
        } catch (error) {
          notes.push(`${server.name}: ${error instanceof Error ? error.message : String(error)}`);
          return [];
        }
      }),
    );
    const all = [...this.localCandidates(query, exclude, preferred, limit), ...remote.flat()];
    const newestFirst = (a: RunRef, b: RunRef) => b.startTime - a.startTime;
    const runs = [...all.filter((run) => run.experimentId === preferred).sort(newestFirst), ...all.filter((run) => run.experimentId !== preferred).sort(newestFirst)];
    return { runs: runs.slice(0, limit), ...(notes.length > 0 ? { notes } : {}) };
  }

  private async remoteCandidates(url: string, query: string, exclude: ReadonlySet<string>, preferred: string | undefined, limit: number): Promise<RunRef[]> {
    const source = await this.sources.remoteSource(url);
    const preferredHere = preferred === undefined ? undefined : parseRemoteAddress(preferred);
    const found = await this.sources.reach(source, () =>
      source.remote!.mirror.search.find(query, limit, preferredHere?.serverUrl === url ? preferredHere.id : undefined),
    );
    const server = source.remote!.server;
    return found
      .map(({ run, experimentName }): RunRef => ({
        runId: remoteAddress(url, run.runId),
        name: run.name,
        experimentId: remoteAddress(url, run.experimentId),
        experimentName: `${experimentName} (${server.name})`,
        status: run.status as RunRef['status'],
        startTime: run.startTime ?? 0,
      }))
      .filter((run) => !exclude.has(run.runId));
  }

  /** The workspace's runs whose name or id contains the query: the preferred experiment's first, then newest first. */
  private localCandidates(query: string, exclude: ReadonlySet<string>, preferred: string | undefined, limit: number): RunRef[] {
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
          if (found.length >= limit) return found;
        }
        pageToken = page.nextPageToken;
      } while (pageToken !== undefined);
    }
    return found;
  }

  /**
   * The note is the `mlflow.note.content` tag, as MLflow's UI keeps it. A remote run's note is
   * written to its server (runs/set-tag), as MLflow's own UI would: the person edited it there on
   * purpose; a server that refuses (read-only credentials) answers why.
   */
  private async setNote(runId: string, markdown: string): Promise<SetNoteResult> {
    if (parseRemoteAddress(runId) === undefined) {
      this.tracking.setTag(runId, runTags.note, markdown);
      return { note: markdown };
    }
    const [{ source, localId }] = await this.sources.runs([runId], 'summary');
    await this.sources.reach(source, () => source.remote!.mirror.setTag(localId, runTags.note, markdown));
    return { note: markdown };
  }

  private async preview(runId: string, path: string, from: 'start' | 'end'): Promise<ArtifactPreview> {
    const [resolved] = await this.sources.runs([runId], 'summary');
    return previewArtifact(this.artifactsOf(resolved), path, from);
  }

  /** A run's experiment as the views name it, or undefined when it is gone (the run still shows). */
  private experimentOf({ source, stored }: ResolvedRun): Experiment | undefined {
    try {
      return source.presentExperiment(source.tracking.getExperiment(stored.info.experiment_id));
    } catch (error) {
      if (MlflowError.is(error)) return undefined;
      throw error;
    }
  }
}

/** The promise's answer, or a rejection saying it took too long. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
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
