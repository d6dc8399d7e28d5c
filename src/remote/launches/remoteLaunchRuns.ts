import type { KeyValue, Run, RunStatus } from '../../core/entities';
import { metric } from '../browse/remoteRecords';
import type { MlflowRestClient } from '../client/mlflowRestClient';
import { LaunchTag } from '../../core/launches/launchTags';

/** A run as MLflow's REST API returns it: int64 fields may be strings (proto3 JSON), fields may be missing. */
export interface WireRun {
  readonly info?: Record<string, unknown>;
  readonly data?: { readonly params?: KeyValue[]; readonly tags?: KeyValue[]; readonly metrics?: Record<string, unknown>[] };
  readonly inputs?: Run['inputs'];
  readonly outputs?: Run['outputs'];
}

/** How the runs a launched process created on a server are told from everyone else's. */
export interface LaunchRunMatch {
  readonly launchId: string;
  /** When the launch began: its runs started at or after it. */
  readonly since: number;
  /** What the client names the script (`mlflow.source.name`): the captured name and the path it ran as. */
  readonly sourceNames: readonly string[];
  /** `mlflow.user` as the launch captured it. */
  readonly user?: string;
}

const experimentPage = 1000;
const experimentsPerSearch = 100;
const runPage = 1000;

/**
 * The runs on the server that the launch's process created: started since the launch began, and
 * either tagged with its id (MLflow's client and RunLens's helper copy MLFLOW_RUN_CONTEXT's tags onto
 * every run they start) or, for clients that do not, named after the same script by the same user
 * and not claimed by another launch. Every active experiment is searched, since a script may choose
 * its own; the filter keeps each search to the runs started since.
 */
export async function findLaunchRuns(client: MlflowRestClient, match: LaunchRunMatch): Promise<WireRun[]> {
  const experimentIds = await activeExperimentIds(client);
  const found: WireRun[] = [];
  for (let start = 0; start < experimentIds.length; start += experimentsPerSearch) {
    let pageToken: string | undefined;
    do {
      const page = await client.post<{ runs?: WireRun[]; next_page_token?: string }>('runs/search', {
        experiment_ids: experimentIds.slice(start, start + experimentsPerSearch),
        filter: `attributes.start_time >= ${Math.floor(match.since)}`,
        run_view_type: 'ACTIVE_ONLY',
        max_results: runPage,
        ...(pageToken ? { page_token: pageToken } : {}),
      });
      found.push(...(page.runs ?? []).filter((run) => isLaunchRun(run, match)));
      pageToken = page.next_page_token || undefined;
    } while (pageToken);
  }
  return found;
}

function isLaunchRun(run: WireRun, match: LaunchRunMatch): boolean {
  const tags = run.data?.tags ?? [];
  const tag = (key: string) => tags.find((t) => t.key === key)?.value;
  const launchId = tag(LaunchTag.LaunchId);
  if (launchId !== undefined) return launchId === match.launchId;
  const source = tag('mlflow.source.name');
  return source !== undefined && match.sourceNames.includes(source) && tag('mlflow.user') === match.user;
}

async function activeExperimentIds(client: MlflowRestClient): Promise<string[]> {
  const ids: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = await client.post<{ experiments?: { experiment_id: string }[]; next_page_token?: string }>('experiments/search', {
      max_results: experimentPage,
      view_type: 'ACTIVE_ONLY',
      ...(pageToken ? { page_token: pageToken } : {}),
    });
    ids.push(...(page.experiments ?? []).map((experiment) => String(experiment.experiment_id)));
    pageToken = page.next_page_token || undefined;
  } while (pageToken);
  return ids;
}

export function runIdOf(run: WireRun): string {
  return text(run.info?.run_id) || text(run.info?.run_uuid);
}

/** A server's run in the shape of this store's runs, for what the launch reports (status, name, latest metrics). */
export function runOfWire(run: WireRun): Run {
  const info = run.info ?? {};
  const runId = runIdOf(run);
  const endTime = number(info.end_time);
  return {
    info: {
      run_id: runId,
      run_uuid: runId,
      experiment_id: text(info.experiment_id),
      run_name: text(info.run_name) || runId,
      user_id: text(info.user_id),
      status: (text(info.status) || 'RUNNING') as RunStatus,
      start_time: number(info.start_time) ?? 0,
      ...(endTime === undefined ? {} : { end_time: endTime }),
      artifact_uri: text(info.artifact_uri),
      lifecycle_stage: text(info.lifecycle_stage) === 'deleted' ? 'deleted' : 'active',
    },
    data: {
      params: run.data?.params ?? [],
      tags: run.data?.tags ?? [],
      metrics: (run.data?.metrics ?? []).map(metric),
    },
    inputs: run.inputs ?? {},
    outputs: run.outputs ?? {},
  };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function number(value: unknown): number | undefined {
  const parsed = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : NaN;
  return Number.isFinite(parsed) ? parsed : undefined;
}
