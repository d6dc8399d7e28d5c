import type { CompareModel, CompareRun } from '../protocol/dashboards/compareRequests';
import type { ArtifactListing } from '../protocol/dashboards/runRequests';
import type { MetricAggregation, MetricDirection, MetricSummary } from '../protocol/dashboards/shapes';
import type { RunTraceStats } from '../protocol/traceDashboard';
import type { Experiment, Run } from '../core/entities';
import { codeStateOf, isPatchArtifact } from './codeState';
import { diffKeyValues, diffMetrics, onlyDiffering } from './runDiff';
import { tagMap } from '../core/runs/runTagValues';
import { runRefOf } from './runModel';
import { durationOf } from './tableModel';

export interface CompareInput {
  readonly runs: readonly {
    readonly run: Run;
    /** Undefined when the run's experiment is gone. */
    readonly experiment?: Experiment;
    readonly metrics: ReadonlyMap<string, MetricSummary>;
    /** The run's launch artifacts (`runlens/`), to find its captured diff; empty when unknown. */
    readonly launchArtifacts: ArtifactListing;
    /** Its traces' count and latency, where the store keeps traces. */
    readonly traces?: RunTraceStats;
  }[];
  readonly directions?: Readonly<Record<string, MetricDirection>>;
  readonly aggregation?: MetricAggregation;
  readonly onlyDifferences?: boolean;
  readonly now: number;
}

/** The compare view: params, metrics, tags and datasets of two or more runs side by side; the first run is the baseline. */
export function buildCompareModel(input: CompareInput): CompareModel {
  const runs: CompareRun[] = input.runs.map(({ run, experiment, launchArtifacts, traces }) => {
    const patch = launchArtifacts.items.find((item) => !item.isDir && isPatchArtifact(item.path));
    return {
      ...runRefOf(run, experiment?.name ?? ''),
      code: codeStateOf(tagMap(run)),
      durationMs: durationOf(run.info.start_time, run.info.end_time, run.info.status, input.now) ?? 0,
      ...(patch ? { patchPath: patch.path } : {}),
      ...(traces ? { traces } : {}),
    };
  });
  const params = diffKeyValues(input.runs.map(({ run }) => new Map((run.data.params ?? []).map((p) => [p.key, p.value]))));
  const tags = diffKeyValues(input.runs.map(({ run }) => tagMap(run)));
  const datasets = diffKeyValues(
    input.runs.map(({ run }) => new Map((run.inputs.dataset_inputs ?? []).map(({ dataset }) => [dataset.name, dataset.digest]))),
  );
  const metrics = diffMetrics(
    input.runs.map(({ metrics }) => metrics),
    { directions: input.directions, aggregation: input.aggregation },
  );
  const only = input.onlyDifferences ?? false;
  const count = (rows: readonly { differs: boolean }[]) => ({ total: rows.length, differing: rows.filter((row) => row.differs).length });
  return {
    runs,
    params: onlyDiffering(params, only),
    metrics: onlyDiffering(metrics, only),
    tags: onlyDiffering(tags, only),
    datasets: onlyDiffering(datasets, only),
    counts: { params: count(params), metrics: count(metrics), tags: count(tags) },
    codeComparable: runs.every((run) => run.code.commit !== undefined && run.code.sourceFile !== undefined),
  };
}
