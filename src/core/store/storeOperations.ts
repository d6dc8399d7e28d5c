import type { Run } from '../entities';
import { readFileRuns } from '../editorLens/fileRuns';
import { latestFailedRuns } from '../launches/latestFailedRuns';
import { filterLiteral } from '../search/filterLiteral';
import { runTraceFilter } from '../traces/traceStore';
import { readMetricSummaries } from '../runs/metricSummaries';
import { readWatchPrints } from '../runs/runChanges';
import { purgeablePath } from './runArtifactRoot';
import { ErrorCode, invalidParameter, MlflowError } from '../errors';
import { experimentsWithRuns, firstLoggedMetric, queryRunPage, type RunsQuery } from '../search/runsQuery';
import type { SkippedTrace } from '../traces/contentSearch';
import type { TraceSummary } from '../traces/traceReads';
import type { TraceStore } from '../traces/traceStore';
import { invalidValueMessage, missingValueMessage, validateTag } from '../validation';
import type { ArtifactStore } from './artifactStore';
import type { ModelRegistry } from './modelRegistry';
import { listModelVersions, listRegisteredModels, registryListingLimits, registryPrint } from './registry/registryListing';
import { runModelSources } from './registry/runModelSources';
import type { TrackingStore } from './trackingStore';

/** The most spans a latency figure is taken over: a lens shows a median, not a history. */
const functionLatencyLimit = 1000;

/** The parts of an open store that the editor's views read and write. */
export interface StoreParts {
  readonly tracking: TrackingStore;
  readonly traces: TraceStore;
  readonly artifacts: ArtifactStore;
  readonly registry: ModelRegistry;
}

/** A Traces group's listing: its traces, and those a span-content filter had to leave out. */
export interface TraceSummaryPage {
  readonly items: TraceSummary[];
  readonly skipped: readonly SkippedTrace[];
}

/**
 * One thing the editor asks of a store: `parse` reads its arguments from untrusted JSON (a guest
 * window's request body) and throws MLflow's INVALID_PARAMETER_VALUE on bad input; `run` does it.
 */
interface StoreOperation<Args, Result> {
  parse(body: Readonly<Record<string, unknown>>): Args;
  run(store: StoreParts, args: Args): Result | Promise<Result>;
}

function operation<Args, Result>(parse: (body: Readonly<Record<string, unknown>>) => Args, run: (store: StoreParts, args: Args) => Result | Promise<Result>): StoreOperation<Args, Result> {
  return { parse, run };
}

/**
 * What the Runs view and the run commands ask of the workspace's store, in one table: a window that
 * owns the store runs them in process, a guest window asks the owner process to run the same ones
 * (`POST /api/2.0/runlens/store/<name>`). Results are plain JSON. Reads MLflow's REST API already
 * has are here too, so that a view depends on one interface whichever process holds the store.
 */
export const storeOperations = {
  experimentsWithRuns: operation(
    (body) => ({ query: runsQueryOf(body.query) }),
    (store, { query }) => experimentsWithRuns(store.tracking, query),
  ),
  runPage: operation(
    (body) => ({ experimentId: stringOf(body, 'experimentId'), query: runsQueryOf(body.query), limit: countOf(body, 'limit') }),
    (store, { experimentId, query, limit }) => queryRunPage(store.tracking, experimentId, query, limit),
  ),
  /**
   * Several experiments' pages in one call: the Runs view compares every loaded page after each write,
   * and a guest would otherwise pay a round trip to the owner per experiment (a page whose search fails
   * says why, in its place, and the others are still read).
   */
  runPages: operation(
    (body) => ({ query: runsQueryOf(body.query), pages: pagesOf(body) }),
    (store, { query, pages }) =>
      pages.map(({ experimentId, limit }): { runs: Run[]; hasMore: boolean } | { error: string } => {
        try {
          return queryRunPage(store.tracking, experimentId, query, limit);
        } catch (error) {
          return { error: error instanceof Error ? error.message : String(error) };
        }
      }),
  ),
  firstLoggedMetric: operation(
    (body) => ({ experimentId: stringOf(body, 'experimentId') }),
    (store, { experimentId }) => ({ key: firstLoggedMetric(store.tracking, experimentId) }),
  ),
  getRun: operation(
    (body) => ({ runId: stringOf(body, 'runId') }),
    (store, { runId }) => store.tracking.getRun(runId),
  ),
  /** Runs with their data, in the order of the ids, unknown ids left out: the Runs view reads the runs a write changed. */
  runs: operation(
    (body) => ({ runIds: stringsOf(body, 'runIds') }),
    (store, { runIds }) => store.tracking.getRuns(runIds),
  ),
  /** Whether the run is among the experiment's runs as the view's query shows them. */
  runShown: operation(
    (body) => ({ runId: stringOf(body, 'runId'), query: runsQueryOf(body.query) }),
    (store, { runId, query }) => {
      const run = store.tracking.getRun(runId);
      const shown = store.tracking.searchRuns({
        experimentIds: [run.info.experiment_id],
        filter: [query.filter && `(${query.filter})`, `attributes.run_id = ${filterLiteral(runId)}`].filter(Boolean).join(' AND '),
        runViewType: query.showDeleted ? 'ALL' : 'ACTIVE_ONLY',
        maxResults: 1,
      });
      return { experimentId: run.info.experiment_id, shown: shown.runs.length > 0 };
    },
  ),
  /** Last, min, max and count of each of the run's metrics, by key. */
  metricSummaries: operation(
    (body) => ({ runId: stringOf(body, 'runId') }),
    (store, { runId }) => Object.fromEntries(readMetricSummaries(store.tracking, [runId]).get(runId) ?? []),
  ),
  listExperiments: operation(
    () => ({}),
    (store) => store.tracking.listExperiments(),
  ),
  /** The newest runs of the experiments (the run pickers' list). */
  newestRuns: operation(
    (body) => ({ experimentIds: stringsOf(body, 'experimentIds'), limit: countOf(body, 'limit') }),
    (store, { experimentIds, limit }) =>
      store.tracking.searchRuns({ experimentIds, orderBy: ['attributes.start_time DESC'], runViewType: 'ACTIVE_ONLY', maxResults: limit }).runs,
  ),
  /**
   * What the editor's lens and hovers show of one file (core/editorLens/fileRuns.ts). `primaryMetrics`
   * holds the metric of each experiment the editor knows (the person's choice or a default found
   * before); any other experiment's default is looked up here.
   */
  fileRuns: operation(
    (body) => ({ sourceNames: nonEmpty(stringsOf(body, 'sourceNames'), 'sourceNames'), recent: countOf(body, 'recent'), primaryMetrics: stringRecordOf(body, 'primaryMetrics') }),
    (store, { sourceNames, recent, primaryMetrics }) => ({
      runs: readFileRuns(store.tracking, {
        sourceNames,
        recent,
        primaryMetricOf: (experimentId) => (Object.hasOwn(primaryMetrics, experimentId) ? primaryMetrics[experimentId] : firstLoggedMetric(store.tracking, experimentId)),
      }),
    }),
  ),
  /** A metric's values in step order in one run, from its first step (a hover's sparkline). */
  metricValues: operation(
    (body) => ({ runId: stringOf(body, 'runId'), key: stringOf(body, 'key'), limit: countOf(body, 'limit') }),
    (store, { runId, key, limit }) => store.tracking.getMetricHistory(runId, key, { maxResults: limit }).metrics.map((m) => m.value),
  ),
  /** The launched runs that failed and are the latest of their file (the failure diagnostics at window start). */
  latestFailedRuns: operation(
    () => ({}),
    (store) => latestFailedRuns(store.tracking.db),
  ),
  /** One folder of the artifact store, relative to its root. */
  listArtifacts: operation(
    (body) => ({ path: optionalStringOf(body, 'path') ?? '' }),
    (store, { path }) => store.artifacts.list(path),
  ),
  countTraces: operation(
    (body) => {
      const runId = optionalStringOf(body, 'runId');
      return runId !== undefined ? { runId } : { experimentId: stringOf(body, 'experimentId') };
    },
    (store, scope) => store.traces.countTraces(scope),
  ),
  /**
   * An experiment's traces, or with `runId` a run's: those made in it or linked to it from any
   * experiment; with the traces a span-content filter could not search (their span files unreadable).
   */
  traceSummaries: operation(
    (body) => ({
      experimentId: stringOf(body, 'experimentId'),
      runId: optionalStringOf(body, 'runId'),
      filter: optionalStringOf(body, 'filter') ?? '',
      limit: countOf(body, 'limit'),
    }),
    async (store, { experimentId, runId, filter, limit }): Promise<TraceSummaryPage> => {
      const experimentIds = runId === undefined ? [experimentId] : store.traces.runTraceExperimentIds(runId);
      if (experimentIds.length === 0) return { items: [], skipped: [] };
      const scoped = runId === undefined ? filter : [filter && `(${filter})`, runTraceFilter(runId)].filter(Boolean).join(' AND ');
      const { items, skipped = [] } = await store.traces.searchSummaries({ experimentIds, filter: scoped, maxResults: limit });
      return { items, skipped };
    },
  ),
  /** The names of the functions that traced spans recorded (`@mlflow.trace`): what the latency lens looks for in a file. */
  tracedFunctionNames: operation(
    () => ({}),
    (store) => ({ names: [...store.traces.tracedFunctionNames().keys()] }),
  ),
  /** The latencies in milliseconds of a traced function's latest `limit` spans, newest trace first (the latency lens's figure). */
  functionLatencies: operation(
    (body) => ({ functionName: stringOf(body, 'functionName'), limit: countOf(body, 'limit', functionLatencyLimit) }),
    (store, { functionName, limit }) => ({ latencies: store.traces.functionLatencies(functionName, limit) }),
  ),
  setTag: operation(
    (body) => ({ runId: stringOf(body, 'runId'), key: stringOf(body, 'key'), value: stringOf(body, 'value', true) }),
    (store, { runId, key, value }) => {
      validateTag(key, value);
      store.tracking.setTag(runId, key, value);
      return {};
    },
  ),
  deleteTag: operation(
    (body) => ({ runId: stringOf(body, 'runId'), key: stringOf(body, 'key') }),
    (store, { runId, key }) => {
      store.tracking.deleteTag(runId, key);
      return {};
    },
  ),
  renameRun: operation(
    (body) => ({ runId: stringOf(body, 'runId'), name: stringOf(body, 'name') }),
    (store, { runId, name }) => store.tracking.updateRun(runId, { runName: name }),
  ),
  deleteRun: operation(
    (body) => ({ runId: stringOf(body, 'runId') }),
    (store, { runId }) => {
      store.tracking.deleteRun(runId);
      return {};
    },
  ),
  restoreRun: operation(
    (body) => ({ runId: stringOf(body, 'runId') }),
    (store, { runId }) => {
      store.tracking.restoreRun(runId);
      return {};
    },
  ),
  /** Fingerprints of what an open dashboard watches: a guest window compares them to tell it what changed. */
  watchPrints: operation(
    (body) => ({ runIds: body.runIds === undefined ? [] : stringsOf(body, 'runIds'), experimentIds: body.experimentIds === undefined ? [] : stringsOf(body, 'experimentIds') }),
    (store, watch) => readWatchPrints(store.tracking, watch),
  ),
  /** Removes the run's rows and its artifact files for good. */
  purgeRun: operation(
    (body) => ({ runId: stringOf(body, 'runId') }),
    async (store, { runId }) => {
      const run = store.tracking.getRun(runId);
      store.tracking.purgeRun(runId);
      const files = purgeablePath(run);
      if (files !== undefined) await store.artifacts.delete(files);
      return {};
    },
  ),
  /** The Models view's models, by name: one page of at most `limit` (the registry allows up to 1000). */
  registeredModels: operation(
    (body) => ({ limit: countOf(body, 'limit', registryListingLimits.models) }),
    (store, { limit }) => listRegisteredModels(store.registry, limit),
  ),
  /** A registered model's versions, newest first: one page of at most `limit`. */
  modelVersions: operation(
    (body) => ({ name: stringOf(body, 'name'), limit: countOf(body, 'limit', registryListingLimits.versions) }),
    (store, { name, limit }) => listModelVersions(store.registry, name, limit),
  ),
  /** A fingerprint of what the Models view shows: it reads the registry again when this changes. */
  registryPrint: operation(
    () => ({}),
    (store) => ({ print: registryPrint(store.registry) }),
  ),
  getModelVersion: operation(
    (body) => ({ name: stringOf(body, 'name'), version: versionOf(body) }),
    (store, { name, version }) => store.registry.getModelVersion(name, version),
  ),
  /** Points the alias at the version (moving it from another version of the model, if it was there). */
  setModelAlias: operation(
    (body) => ({ name: stringOf(body, 'name'), alias: stringOf(body, 'alias'), version: versionOf(body) }),
    (store, { name, alias, version }) => {
      store.registry.setRegisteredModelAlias(name, alias, version);
      return {};
    },
  ),
  deleteModelAlias: operation(
    (body) => ({ name: stringOf(body, 'name'), alias: stringOf(body, 'alias') }),
    (store, { name, alias }) => {
      store.registry.deleteRegisteredModelAlias(name, alias);
      return {};
    },
  ),
  /** Moves the version to the stage; with `archiveExisting`, the model's other versions in that stage are archived. */
  transitionModelStage: operation(
    (body) => ({ name: stringOf(body, 'name'), version: versionOf(body), stage: stringOf(body, 'stage'), archiveExisting: booleanOf(body, 'archiveExisting') }),
    (store, { name, version, stage, archiveExisting }) => store.registry.transitionModelVersionStage(name, version, stage, archiveExisting),
  ),
  /** What of the run can be registered: its logged models and its artifact folders with an MLmodel file. */
  runModelSources: operation(
    (body) => ({ runId: stringOf(body, 'runId') }),
    (store, { runId }) => runModelSources(store.tracking, store.artifacts, store.tracking.getRun(runId)),
  ),
  /** Registers `source` of the run as a new version of the registered model `name`, made first when it does not exist. */
  registerRunModel: operation(
    (body) => ({ runId: stringOf(body, 'runId'), name: stringOf(body, 'name'), source: stringOf(body, 'source') }),
    (store, { runId, name, source }) => {
      store.tracking.getRun(runId);
      if (!registeredModelExists(store.registry, name)) store.registry.createRegisteredModel(name);
      return store.registry.createModelVersion({ name, source, runId });
    },
  ),
  /** The function a span names (for "go to code") and the script its trace ran, when they were recorded. */
  spanFunction: operation(
    (body) => ({ traceId: stringOf(body, 'traceId'), spanId: stringOf(body, 'spanId') }),
    (store, { traceId, spanId }) => ({
      functionName: store.traces.spanOutlines(traceId).find((outline) => outline.spanId === spanId)?.functionName,
      sourceName: store.traces.getTraceInfo(traceId).trace_metadata['mlflow.source.name'],
    }),
  ),
} as const;

export type StoreOperations = typeof storeOperations;
export type StoreOperationName = keyof StoreOperations;
export type StoreOperationArgs<K extends StoreOperationName> = ReturnType<StoreOperations[K]['parse']>;
export type StoreOperationResult<K extends StoreOperationName> = Awaited<ReturnType<StoreOperations[K]['run']>>;

export function isStoreOperationName(name: string): name is StoreOperationName {
  return Object.prototype.hasOwnProperty.call(storeOperations, name);
}

/** Runs one operation on a store, with arguments already typed (the in-process path). */
export async function runStoreOperation<K extends StoreOperationName>(store: StoreParts, name: K, args: StoreOperationArgs<K>): Promise<StoreOperationResult<K>> {
  const op = storeOperations[name] as unknown as StoreOperation<StoreOperationArgs<K>, StoreOperationResult<K>>;
  return op.run(store, args);
}

/** Runs one operation on a store with arguments read from untrusted JSON (the owner's side of a guest's request). */
export async function runStoreOperationFromJson(store: StoreParts, name: StoreOperationName, body: Readonly<Record<string, unknown>>): Promise<unknown> {
  const op = storeOperations[name] as unknown as StoreOperation<unknown, unknown>;
  return op.run(store, op.parse(body));
}

export function optionalStringOf(body: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(invalidValueMessage(name, value));
  return value;
}

export function stringOf(body: Readonly<Record<string, unknown>>, name: string, emptyAllowed = false): string {
  const value = optionalStringOf(body, name);
  if (value === undefined || (value === '' && !emptyAllowed)) throw invalidParameter(missingValueMessage(name));
  return value;
}

export function stringsOf(body: Readonly<Record<string, unknown>>, name: string): string[] {
  const value = body[name];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw invalidParameter(invalidValueMessage(name, value, 'expected a list of strings'));
  return value as string[];
}

function nonEmpty(values: string[], name: string): string[] {
  if (values.length === 0) throw invalidParameter(missingValueMessage(name));
  return values;
}

/** An object of strings by key (untrusted keys: kept in a prototype-free record). */
function stringRecordOf(body: Readonly<Record<string, unknown>>, name: string): Readonly<Record<string, string>> {
  const value = body[name] ?? {};
  if (typeof value !== 'object' || Array.isArray(value) || !Object.values(value).every((item) => typeof item === 'string')) {
    throw invalidParameter(invalidValueMessage(name, value, 'expected an object of strings'));
  }
  return Object.assign(Object.create(null) as Record<string, string>, value);
}

/** Page sizes: 1 to 50,000, as MLflow's searches allow, or to the lower `max` of the search asked. */
function countOf(body: Readonly<Record<string, unknown>>, name: string, max = 50_000): number {
  const value = body[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw invalidParameter(invalidValueMessage(name, value, `expected a whole number from 1 to ${max}`));
  }
  return value;
}

/** The most pages one `runPages` call reads: the experiments a person has expanded. */
const maxPagesPerCall = 1000;

/** `pages`: a list of `{experimentId, limit}`. */
function pagesOf(body: Readonly<Record<string, unknown>>): { experimentId: string; limit: number }[] {
  const value = body.pages;
  if (!Array.isArray(value) || value.length > maxPagesPerCall || !value.every((page) => typeof page === 'object' && page !== null && !Array.isArray(page))) {
    throw invalidParameter(invalidValueMessage('pages', value, `expected a list of at most ${maxPagesPerCall} {experimentId, limit}`));
  }
  return (value as Record<string, unknown>[]).map((page) => ({ experimentId: stringOf(page, 'experimentId'), limit: countOf(page, 'limit') }));
}

/** A model version's number, as MLflow writes it: a whole number from 1, or its digits. */
function versionOf(body: Readonly<Record<string, unknown>>): number {
  const value = body.version;
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1) {
    throw invalidParameter(invalidValueMessage('version', value, 'expected a model version number from 1'));
  }
  return number;
}

function registeredModelExists(registry: ModelRegistry, name: string): boolean {
  try {
    registry.getRegisteredModel(name);
    return true;
  } catch (error) {
    if (MlflowError.is(error, ErrorCode.ResourceDoesNotExist)) return false;
    throw error;
  }
}

function booleanOf(body: Readonly<Record<string, unknown>>, name: string): boolean {
  const value = body[name];
  if (value !== undefined && typeof value !== 'boolean') throw invalidParameter(invalidValueMessage(name, value, 'expected true or false'));
  return value === true;
}

function runsQueryOf(value: unknown): RunsQuery {
  const query = (value ?? {}) as Record<string, unknown>;
  const sort = (query.sort ?? {}) as Record<string, unknown>;
  if (typeof query !== 'object' || typeof sort !== 'object' || Array.isArray(query) || Array.isArray(sort)) {
    throw invalidParameter(invalidValueMessage('query', value, 'expected {filter, sort: {field, ascending}, showDeleted}'));
  }
  const filter = optionalStringOf(query, 'filter') ?? '';
  const field = optionalStringOf(sort, 'field') ?? 'attributes.start_time';
  if (query.showDeleted !== undefined && typeof query.showDeleted !== 'boolean') throw invalidParameter(invalidValueMessage('query.showDeleted', query.showDeleted));
  if (sort.ascending !== undefined && typeof sort.ascending !== 'boolean') throw invalidParameter(invalidValueMessage('query.sort.ascending', sort.ascending));
  return { filter, sort: { field, ascending: sort.ascending === true }, showDeleted: query.showDeleted === true };
}
