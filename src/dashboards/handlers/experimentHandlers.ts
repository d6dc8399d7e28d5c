import type { Run } from '../../core/entities';
import type { ExperimentChartsResult, ExperimentTableModel, ExportCsvResult } from '../../protocol/dashboards/experimentRequests';
import type { MetricAggregation } from '../../protocol/dashboards/shapes';
import type { TableSort } from '../../protocol/dashboards/state';
import { availableFields, buildParallelChart, buildScatterChart, type ChartRun } from '../experimentCharts';
import { runLabels } from '../metricCharts';
import type { ParamsReader } from '../requestParams';
import { requestLimits } from '../requestLimits';
import type { ResolvedRun } from '../runSources';
import { buildTable, sortRows, tableCsv } from '../tableModel';
import { remoteHistories, type DashboardContext } from './dashboardContext';
import { metricSeries } from './runHandlers';

// The experiment dashboard's requests: its runs table (a page of it, or all of it as CSV) and its charts.

/** Runs read per search page when a table needs every run of an experiment. */
const searchPage = 10_000;

export async function experimentTable(context: DashboardContext, p: ParamsReader): Promise<ExperimentTableModel> {
  const query = readTableQuery(p);
  const offset = p.optionalInteger('offset', 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const limit = p.optionalInteger('limit', 1, requestLimits.tablePage) ?? requestLimits.defaultTablePage;
  const { experiment, columns, rows, notes } = await experimentRows(context, query);
  return {
    experiment: { id: experiment.experiment_id, name: experiment.name },
    columns,
    rows: rows.slice(offset, offset + limit),
    totalRows: rows.length,
    offset,
    ...(notes.length > 0 ? { notes } : {}),
  };
}

export async function exportCsv(context: DashboardContext, p: ParamsReader): Promise<ExportCsvResult> {
  const query = readTableQuery(p);
  const wanted = p.optionalStringList('columns', { min: 0, max: 100_000 });
  const { experiment, columns, rows } = await experimentRows(context, query);
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
async function experimentRows(context: DashboardContext, query: TableQuery) {
  const { source, localId, notes } = await context.sources.experiment(query.experimentId);
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
    resolved = await remoteHistories(context, resolved.map((r) => r.address), 'the table');
  }
  const summaries = context.sources.summaries(resolved);
  const { columns, rows } = buildTable(
    resolved.map(({ run, address }) => ({ run, metrics: summaries.get(address) ?? new Map() })),
    { aggregations: query.aggregations, now: context.now() },
  );
  return { experiment: source.presentExperiment(experiment), columns, rows: query.sort ? sortRows(rows, columns, query.sort) : rows, notes };
}

export async function experimentCharts(context: DashboardContext, p: ParamsReader): Promise<ExperimentChartsResult> {
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
  const resolved = needsHistories ? await remoteHistories(context, runIds, 'this chart') : await context.sources.runs(runIds, 'summary');
  const summaries = context.sources.summaries(resolved);
  const runs = resolved.map((r) => r.run);
  const labels = runLabels(runs.map((run) => ({ runId: run.info.run_id, name: run.info.run_name })));
  const chartRuns: ChartRun[] = runs.map((run, index) => ({
    run,
    label: labels[index],
    metrics: summaries.get(run.info.run_id) ?? new Map(),
  }));
  const now = context.now();
  let overlay: ExperimentChartsResult['overlay'];
  if (p.has('overlay')) {
    const o = p.nested('overlay');
    if (runIds.length > requestLimits.seriesRuns) p.fail(`an overlay draws at most ${requestLimits.seriesRuns} runs.`);
    overlay = (await metricSeries(context, runIds, o.stringList('keys', { min: 1, max: requestLimits.seriesKeys }), undefined, o.chartOptions('chart'))).charts;
  }
  return {
    fields: availableFields(chartRuns),
    ...(overlay ? { overlay } : {}),
    ...(scatterAxes ? { scatter: buildScatterChart(chartRuns, scatterAxes[0], scatterAxes[1], now) } : {}),
    ...(parallelAxes ? { parallel: buildParallelChart(chartRuns, parallelAxes.keys, parallelAxes.color, now, parallelAxes.direction) } : {}),
  };
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
