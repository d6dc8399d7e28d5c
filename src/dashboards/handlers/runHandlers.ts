import { parseRemoteAddress } from '../../protocol/runAddress';
import type { RunTracesModel } from '../../protocol/traceDashboard';
import type { MetricChartOptions, MetricSummary } from '../../protocol/dashboards/shapes';
import type { ArtifactPreview } from '../../protocol/dashboards/artifactPreview';
import {
  maxArtifactItems,
  type DrawnSeriesResult,
  type MetricSeriesResult,
  type RunDashboardModel,
  type SetNoteResult,
} from '../../protocol/dashboards/runRequests';
import type { Run } from '../../core/entities';
import type { ResolvedRun } from '../runSources';
import { runTraceFilter } from '../../core/traces/traceStore';
import { previewArtifact } from '../artifactPreview';
import { runTags } from '../../core/runs/runTagValues';
import { drawSeries, metricSeriesOf, seriesBudget, seriesPlan, type SeriesRun } from '../metricCharts';
import { readMetricColumns } from '../metricSeriesReader';
import { requestLimits } from '../requestLimits';
import { buildRunModel } from '../runModel';
import { artifactsOf, experimentOf, listArtifacts, listLoggedModels, localStoreOf, traceStoreOf, type DashboardContext } from './dashboardContext';

// The run dashboard's requests: the run, its metric charts, its note, an artifact's preview.

export async function runDashboardModel(context: DashboardContext, runId: string): Promise<RunDashboardModel> {
  const [resolved] = await context.sources.runs([runId], 'full');
  // Read from the store before listing artifacts: a remote copy may be refreshed meanwhile.
  const metrics = context.sources.summaries([resolved]).get(runId) ?? new Map<string, MetricSummary>();
  const experiment = experimentOf(resolved);
  const notes = context.sources.notes([resolved]);
  const [artifacts, loggedModels] = await Promise.all([
    listArtifacts(resolved, '', maxArtifactItems, notes),
    listLoggedModels(resolved, notes),
  ]);
  const model = buildRunModel({ run: resolved.run, experiment, metrics, artifacts, loggedModels, now: context.now() });
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
    ...(context.traces && !resolved.source.remote ? { traces: await runTraces(context, resolved.run) } : {}),
  };
}

/** The run's newest traces for its dashboard, and how many it has. */
async function runTraces(context: DashboardContext, run: Run): Promise<RunTracesModel> {
  const traces = traceStoreOf(context);
  const runId = run.info.run_id;
  const total = traces.countTraces({ runId });
  if (total === 0) return { total, items: [] };
  const experimentIds = traces.runTraceExperimentIds(runId);
  const { items } = await traces.searchSummaries({ experimentIds, filter: runTraceFilter(runId), maxResults: requestLimits.runTraces });
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

export async function metricSeries(
  context: DashboardContext,
  runIds: readonly string[],
  keys: readonly string[] | undefined,
  limit: number | undefined,
  chart: MetricChartOptions,
): Promise<MetricSeriesResult> {
  const resolved = await context.sources.runs(runIds, 'full');
  const plan = seriesPlan(resolved.map(seriesRunOf), keys, limit);
  return metricSeriesOf(plan, drawnCharts(resolved, plan.chartKeys, chart, seriesBudget(resolved.length)), chart);
}

/** run/drawnSeries: the runs' series of these metrics, drawn but not yet put in a chart (run/metricSeries is these, assembled). */
export async function drawnSeries(
  context: DashboardContext,
  runIds: readonly string[],
  keys: readonly string[],
  chart: MetricChartOptions,
  maxPoints: number,
): Promise<DrawnSeriesResult> {
  const resolved = await context.sources.runs(runIds, 'full');
  return { runs: resolved.map(seriesRunOf), charts: drawnCharts(resolved, keys, chart, maxPoints) };
}

function drawnCharts(resolved: readonly ResolvedRun[], keys: readonly string[], chart: MetricChartOptions, maxPoints: number): DrawnSeriesResult['charts'] {
  const withTimestamps = chart.xAxis !== 'step';
  return keys.map((key) => ({
    key,
    series: resolved.map(({ run, source, localId }) =>
      drawSeries({ runId: run.info.run_id, ...readMetricColumns(source.tracking.db, localId, key, withTimestamps) }, chart, maxPoints),
    ),
  }));
}

function seriesRunOf({ run }: ResolvedRun): SeriesRun {
  return { runId: run.info.run_id, name: run.info.run_name, metricKeys: [...new Set((run.data.metrics ?? []).map((metric) => metric.key))] };
}

/**
 * The note is the `mlflow.note.content` tag, as MLflow's UI keeps it. A remote run's note is
 * written to its server (runs/set-tag), as MLflow's own UI would: the person edited it there on
 * purpose; a server that refuses (read-only credentials) answers why.
 */
export async function setNote(context: DashboardContext, runId: string, markdown: string): Promise<SetNoteResult> {
  if (parseRemoteAddress(runId) === undefined) {
    localStoreOf(context).setTag(runId, runTags.note, markdown);
    return { note: markdown };
  }
  const [{ source, localId }] = await context.sources.runs([runId], 'summary');
  await context.sources.reach(source, () => source.remote!.mirror.setTag(localId, runTags.note, markdown));
  return { note: markdown };
}

export async function previewRunArtifact(context: DashboardContext, runId: string, path: string, from: 'start' | 'end'): Promise<ArtifactPreview> {
  const [resolved] = await context.sources.runs([runId], 'summary');
  return previewArtifact(artifactsOf(resolved), path, from);
}
