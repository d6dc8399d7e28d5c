import { filterLiteral } from '../../core/search/filterLiteral';
import type { ArtifactStore } from '../../core/store/artifactStore';
import type { ModelRegistry } from '../../core/store/modelRegistry';
import type { TrackingStore } from '../../core/store/trackingStore';
import { MlflowRestClient, RemoteUnavailableError, type RestClientOptions } from '../client/mlflowRestClient';
import type { PushCounts, PushContext, PushNote } from './pushContext';
import { pushRegisteredModel } from './pushRegistry';
import { pushRun } from './pushRun';
import { RemoteExperiments } from '../client/remoteExperiments';
import { hostKey, type RemoteServer } from '../client/remoteServer';
import { syncTagKeys } from '../client/syncTags';

export interface PushSource {
  readonly tracking: TrackingStore;
  readonly artifacts: ArtifactStore;
  readonly registry: ModelRegistry;
}

/**
 * What to push: these runs, the active runs of these experiments (names or ids), these registered
 * models (with the runs their versions come from), or, when nothing is chosen, every active run and
 * every registered model.
 */
export interface PushSelection {
  readonly runIds?: readonly string[];
  readonly experiments?: readonly string[];
  readonly models?: readonly string[];
}

export interface PushOptions extends RestClientOptions {
  readonly onProgress?: (update: { readonly done: number; readonly total: number; readonly message: string }) => void;
}

export interface PushSummary {
  readonly server: string;
  readonly runs: { readonly pushed: number; readonly upToDate: number; readonly failed: number };
  readonly models: { readonly pushed: number; readonly failed: number };
  readonly counts: Readonly<PushCounts>;
  readonly notes: readonly PushNote[];
  /** What failed (`run <id>`, `model <name>`) and why. */
  readonly failures: readonly { readonly subject: string; readonly reason: string }[];
  /** Set when the server stayed unreachable: the push stopped there, and running it again resumes. */
  readonly interrupted?: string;
  readonly durationMs: number;
}

/**
 * Pushes local runs to a remote MLflow tracking server: experiments matched by name, runs created
 * once and remembered in local tags, then only what the server does not have yet. One run's
 * failure (a refused request) is recorded and the next run goes on; a server that stays
 * unreachable through the retries stops the push, to be resumed by pushing again.
 */
export async function pushRuns(source: PushSource, selection: PushSelection, server: RemoteServer, options: PushOptions = {}): Promise<PushSummary> {
  const started = Date.now();
  const client = new MlflowRestClient(server, options);
  const models = selectModels(source.registry, selection);
  const runIds = [...new Set([...selectRuns(source.tracking, selection), ...runsOfVersions(source.registry, models)])];
  const total = runIds.length + models.length;
  let done = 0;
  const context: PushContext = {
    client,
    tracking: source.tracking,
    artifacts: source.artifacts,
    keys: syncTagKeys(hostKey(client.baseUrl)),
    experiments: new RemoteExperiments(client),
    counts: {
      runsCreated: 0,
      metricPoints: 0,
      params: 0,
      tags: 0,
      loggedModelsCreated: 0,
      registeredModelsCreated: 0,
      modelVersionsCreated: 0,
      files: 0,
      bytes: 0,
    },
    notes: [],
    signal: options.signal,
    onActivity: (message) => options.onProgress?.({ done, total, message }),
  };
  let interrupted: string | undefined;
  const failures: { subject: string; reason: string }[] = [];
  /** Runs one step; false when it failed (and the push stops when the server stayed unreachable). */
  const step = async (subject: string, work: () => Promise<void>): Promise<boolean> => {
    options.signal?.throwIfAborted();
    try {
      await work();
      return true;
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      failures.push({ subject, reason: (error as Error).message });
      if (RemoteUnavailableError.is(error)) interrupted = error.message;
      return false;
    } finally {
      done += 1;
      options.onProgress?.({ done, total, message: subject });
    }
  };
  const runs = { pushed: 0, upToDate: 0, failed: 0 };
  for (const runId of runIds) {
    if (interrupted) break;
    let changed = false;
    const ok = await step(`run ${runId}`, async () => {
      changed = await pushRun(context, runId);
    });
    if (!ok) runs.failed += 1;
    else if (changed) runs.pushed += 1;
    else runs.upToDate += 1;
  }
  // A model whose version's run failed to push still gets its other versions (that one is noted).
  const modelCounts = { pushed: 0, failed: 0 };
  for (const name of models) {
    if (interrupted) break;
    if (await step(`model ${name}`, () => pushRegisteredModel(context, source.registry, name))) modelCounts.pushed += 1;
    else modelCounts.failed += 1;
  }
  return {
    server: client.baseUrl,
    runs,
    models: modelCounts,
    counts: context.counts,
    notes: context.notes,
    failures,
    ...(interrupted ? { interrupted } : {}),
    durationMs: Date.now() - started,
  };
}

/** The registered models chosen by name; every one when nothing at all is chosen. */
function selectModels(registry: ModelRegistry, selection: PushSelection): string[] {
  if (selection.models && selection.models.length > 0) {
    for (const name of selection.models) registry.getRegisteredModel(name); // An unknown name is refused before anything is sent.
    return [...new Set(selection.models)];
  }
  if (selection.runIds?.length || selection.experiments?.length) return [];
  const names: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = registry.searchRegisteredModels({ orderBy: ['name ASC'], maxResults: 1000, pageToken });
    names.push(...page.items.map((model) => model.name));
    pageToken = page.nextPageToken;
  } while (pageToken);
  return names;
}

/** The runs the models' versions come from: pushed first, so that the versions can point at their copies. */
function runsOfVersions(registry: ModelRegistry, models: readonly string[]): string[] {
  const runIds: string[] = [];
  for (const name of models) {
    let pageToken: string | undefined;
    do {
      const page = registry.searchModelVersions({ filter: `name = ${filterLiteral(name)}`, maxResults: 1000, pageToken });
      runIds.push(...page.items.map((version) => version.runId).filter(Boolean));
      pageToken = page.nextPageToken;
    } while (pageToken);
  }
  return runIds;
}

function selectRuns(tracking: TrackingStore, selection: PushSelection): string[] {
  if (selection.runIds && selection.runIds.length > 0) return [...new Set(selection.runIds)];
  // Models alone: only their versions' runs.
  if (selection.models?.length && !selection.experiments?.length) return [];
  const experiments = tracking.listExperiments('ACTIVE_ONLY');
  const chosen = (selection.experiments ?? []).map((selector) => {
    const found = experiments.find((e) => e.name === selector) ?? experiments.find((e) => e.experiment_id === selector);
    if (!found) throw new Error(`No active experiment is named or numbered '${selector}'.`);
    return found.experiment_id;
  });
  const experimentIds = chosen.length > 0 ? chosen : experiments.map((e) => e.experiment_id);
  const runIds: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = tracking.searchRuns({ experimentIds, runViewType: 'ACTIVE_ONLY', maxResults: 1000, pageToken, orderBy: ['start_time ASC'] });
    runIds.push(...page.runs.map((run) => run.info.run_id));
    pageToken = page.nextPageToken;
  } while (pageToken);
  return runIds;
}
