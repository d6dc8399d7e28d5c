import type { ArtifactListing, LoggedModelSummary, RunDashboardModel, RunHeader } from '../protocol/dashboards/runRequests';
import type { KeyValue, MetricSummary, RunRef, RunStatus } from '../protocol/dashboards/shapes';
import type { Experiment, Run } from '../core/entities';
import { isSystemTag, runTags, tagMap } from '../core/runs/runTagValues';
import { codeStateOf, isPatchArtifact, runArtifacts } from './codeState';
import { compareKeys } from './runDiff';
import { durationOf } from './tableModel';

export function runRefOf(run: Run, experimentName: string): RunRef {
  return {
    runId: run.info.run_id,
    name: run.info.run_name,
    experimentId: run.info.experiment_id,
    experimentName,
    status: run.info.status as RunStatus,
    startTime: run.info.start_time,
  };
}

export function runHeaderOf(run: Run, experiment: Experiment | undefined, now: number): RunHeader {
  const info = run.info;
  const tags = tagMap(run);
  const parentRunId = tags.get(runTags.parentRunId);
  return {
    ...runRefOf(run, experiment?.name ?? ''),
    ...(info.end_time === undefined ? {} : { endTime: info.end_time }),
    durationMs: durationOf(info.start_time, info.end_time, info.status, now) ?? 0,
    user: info.user_id,
    lifecycleStage: info.lifecycle_stage,
    artifactUri: info.artifact_uri,
    code: codeStateOf(tags),
    ...(parentRunId ? { parentRunId } : {}),
  };
}

export interface RunModelInput {
  readonly run: Run;
  readonly experiment: Experiment | undefined;
  readonly metrics: ReadonlyMap<string, MetricSummary>;
  readonly artifacts: ArtifactListing;
  readonly loggedModels: readonly LoggedModelSummary[];
  readonly now: number;
}

/** Everything the run dashboard shows, but the charts (`run/metricSeries`) and artifact contents (`artifact/preview`). */
export function buildRunModel({ run, experiment, metrics, artifacts, loggedModels, now }: RunModelInput): RunDashboardModel {
  const tags = tagMap(run);
  const files = artifacts.items.filter((item) => !item.isDir);
  const outputLog = files.find((item) => item.path === runArtifacts.outputLog);
  const patch = files.find((item) => isPatchArtifact(item.path));
  return {
    header: runHeaderOf(run, experiment, now),
    params: sortedByKey(run.data.params ?? []),
    metrics: [...metrics.values()].sort((a, b) => compareKeys(a.key, b.key)),
    tags: sortedByKey(run.data.tags ?? []).map((tag) => ({ ...tag, system: isSystemTag(tag.key) })),
    datasets: (run.inputs.dataset_inputs ?? []).map(({ dataset }) => ({
      name: dataset.name,
      digest: dataset.digest,
      sourceType: dataset.source_type,
      source: dataset.source,
    })),
    artifacts,
    loggedModels,
    note: tags.get(runTags.note) ?? '',
    ...(outputLog ? { outputLogPath: outputLog.path } : {}),
    ...(patch ? { patchPath: patch.path } : {}),
  };
}

function sortedByKey(list: readonly KeyValue[]): KeyValue[] {
  return list.map((item) => ({ key: item.key, value: item.value })).sort((a, b) => compareKeys(a.key, b.key));
}
