import type {
  Experiment,
  KeyValue,
  LoggedModel,
  LoggedModelStatus,
  Metric,
  MetricWithRunId,
  Run,
  RunInfo,
  ViewType,
} from '../entities';
import type { ExperimentSearchRequest } from '../search/experimentSearch';
import type { LoggedModelSearchRequest } from '../search/loggedModelSearch';
import type { RunSearchRequest } from '../search/runSearch';
import type { Database } from './database';
import {
  createExperiment,
  deleteExperiment,
  deleteExperimentTag,
  ensureDefaultExperiment,
  getExperiment,
  getExperimentByName,
  listExperiments,
  renameExperiment,
  restoreExperiment,
  setExperimentTag,
  type CreateExperimentInput,
} from './tracking/experiments';
import { searchExperiments, type ExperimentPage } from './tracking/experimentSearchExecution';
import {
  createLoggedModel,
  deleteLoggedModel,
  deleteLoggedModelTag,
  finalizeLoggedModel,
  getLoggedModel,
  logLoggedModelParams,
  setLoggedModelTags,
  type CreateLoggedModelInput,
} from './tracking/loggedModels';
import { searchLoggedModels, type LoggedModelPage } from './tracking/loggedModelSearchExecution';
import {
  getMetricHistories,
  getMetricHistory,
  getMetricHistoryBulkInterval,
  metricHistoryPage,
  type BulkIntervalRequest,
  type HistoryPaging,
  type MetricPage,
  type HistoryPage,
} from './tracking/metricHistory';
import type { MetricInput } from './tracking/metricWrites';
import {
  logInputs,
  logOutputs,
  validateInputs,
  type DatasetInputInput,
  type LoggedModelOutputInput,
} from './tracking/runInputs';
import { createRun, deleteRun, getRun, purgeRun, restoreRun, updateRun, type CreateRunInput, type UpdateRunInput } from './tracking/runs';
import { searchDatasetSummaries, type DatasetSummary } from './tracking/datasetSummaries';
import { countRuns, searchRuns, type RunPage } from './tracking/runSearchExecution';
import { bestTaggedRunId, runsByIds, taggedRunIds, type TaggedRunsQuery } from './tracking/taggedRuns';
import {
  deleteTag,
  logBatch,
  logMetric,
  logParam,
  setTag,
  validateBatch,
  type BatchInput,
} from './tracking/runWrites';

/**
 * Experiments, runs, params, metrics, tags, inputs, outputs and logged models over the Database:
 * MLflow's tracking store. Every method is synchronous; every change is one `db.write`, so it is
 * all-or-nothing and durable when the method returns. Errors are MlflowErrors with MLflow's codes
 * and messages. Reads return the entities of entities.ts, in MLflow's proto-JSON shapes.
 */
export class TrackingStore {
  constructor(readonly db: Database) {
    ensureDefaultExperiment(db);
  }

  // Experiments

  /** Returns the new experiment's id. */
  createExperiment(input: CreateExperimentInput): string {
    return this.db.write((tx) => createExperiment(tx, input, Date.now()));
  }

  getExperiment(experimentId: string): Experiment {
    return getExperiment(this.db, experimentId);
  }

  /** Undefined when no experiment has that name (deleted ones included, as MLflow). */
  getExperimentByName(name: string): Experiment | undefined {
    return getExperimentByName(this.db, name);
  }

  searchExperiments(request: ExperimentSearchRequest = {}): ExperimentPage {
    return searchExperiments(this.db, request);
  }

  /** Every experiment of the view, by id: for the sidebar. */
  listExperiments(viewType: ViewType = 'ACTIVE_ONLY'): Experiment[] {
    return listExperiments(this.db, viewType);
  }

  renameExperiment(experimentId: string, newName: string): void {
    this.db.write((tx) => renameExperiment(tx, experimentId, newName, Date.now()));
  }

  deleteExperiment(experimentId: string): void {
    this.db.write((tx) => deleteExperiment(tx, experimentId, Date.now()));
  }

  restoreExperiment(experimentId: string): void {
    this.db.write((tx) => restoreExperiment(tx, experimentId, Date.now()));
  }

  setExperimentTag(experimentId: string, key: string, value: string): void {
    this.db.write((tx) => setExperimentTag(tx, experimentId, key, value));
  }

  deleteExperimentTag(experimentId: string, key: string): void {
    this.db.write((tx) => deleteExperimentTag(tx, experimentId, key));
  }

  // Runs

  createRun(input: CreateRunInput = {}): Run {
    return this.db.write((tx) => createRun(tx, input, Date.now()));
  }

  getRun(runId: string): Run {
    return getRun(this.db, runId);
  }

  /** Status, end time and name (the name also sets the mlflow.runName tag). */
  updateRun(runId: string, input: UpdateRunInput): RunInfo {
    return this.db.write((tx) => updateRun(tx, runId, input));
  }

  deleteRun(runId: string): void {
    this.db.write((tx) => deleteRun(tx, runId, Date.now()));
  }

  restoreRun(runId: string): void {
    this.db.write((tx) => restoreRun(tx, runId));
  }

  /** Removes the run and all its rows for good (its artifact files are the caller's to remove). */
  purgeRun(runId: string): void {
    this.db.write((tx) => purgeRun(tx, runId));
  }

  searchRuns(request: RunSearchRequest): RunPage {
    return searchRuns(this.db, request);
  }

  /** Runs in one or several experiments (all when none is named), active ones by default; with a filter, those it matches. */
  countRuns(experimentIds?: string | readonly string[], viewType: ViewType = 'ACTIVE_ONLY', filter = ''): number {
    return countRuns(this.db, experimentIds, viewType, filter);
  }

  /** The active runs carrying one of the tag's values, newest first: found by the tag index, whatever the store's size. */
  taggedRunIds(query: TaggedRunsQuery): { runId: string; experimentId: string }[] {
    return taggedRunIds(this.db, query);
  }

  /** Among the experiment's tagged runs, the one with the best latest value of the metric (a number, not NaN). */
  bestTaggedRunId(query: TaggedRunsQuery, experimentId: string, metricKey: string, lowerIsBetter: boolean): string | undefined {
    return bestTaggedRunId(this.db, query, experimentId, metricKey, lowerIsBetter);
  }

  /** Runs with their data, in the order of the ids (unknown ids are left out). */
  getRuns(runIds: readonly string[]): Run[] {
    return runsByIds(this.db, runIds);
  }

  logMetric(runId: string, metric: MetricInput): void {
    this.db.write((tx) => logMetric(tx, runId, metric));
  }

  logParam(runId: string, key: string, value: string): void {
    this.db.write((tx) => logParam(tx, runId, key, value));
  }

  /** Metrics, params and tags of one request, all or nothing; checked whole before any write. */
  logBatch(runId: string, batch: BatchInput): void {
    validateBatch(batch);
    this.db.write((tx) => logBatch(tx, runId, batch));
  }

  setTag(runId: string, key: string, value: string): void {
    this.db.write((tx) => setTag(tx, runId, key, value));
  }

  deleteTag(runId: string, key: string): void {
    this.db.write((tx) => deleteTag(tx, runId, key));
  }

  logInputs(runId: string, datasets: readonly DatasetInputInput[], modelIds: readonly string[] = []): void {
    validateInputs(datasets);
    this.db.write((tx) => logInputs(tx, runId, datasets, modelIds));
  }

  /** The datasets runs of these experiments used, per context: the ajax `experiments/search-datasets`. */
  searchDatasetSummaries(experimentIds: readonly string[]): DatasetSummary[] {
    return searchDatasetSummaries(this.db, experimentIds);
  }

  logOutputs(runId: string, models: readonly LoggedModelOutputInput[]): void {
    this.db.write((tx) => logOutputs(tx, runId, models));
  }

  getMetricHistory(runId: string, key: string, paging?: HistoryPaging): MetricPage {
    return getMetricHistory(this.db, runId, key, paging);
  }

  /** `getMetricHistory`'s page as columns, without an object per point (the REST reply's form). */
  metricHistoryPage(runId: string, key: string, paging: HistoryPaging): HistoryPage {
    return metricHistoryPage(this.db, runId, key, paging);
  }

  getMetricHistoryBulkInterval(request: BulkIntervalRequest): MetricWithRunId[] {
    return getMetricHistoryBulkInterval(this.db, request);
  }

  /** Full histories of several metrics of one run, in step order: for charts. */
  getMetricHistories(runId: string, keys: readonly string[]): Map<string, Metric[]> {
    return getMetricHistories(this.db, runId, keys);
  }

  // Logged models

  createLoggedModel(input: CreateLoggedModelInput): LoggedModel {
    return this.db.write((tx) => createLoggedModel(tx, input, Date.now()));
  }

  getLoggedModel(modelId: string): LoggedModel {
    return getLoggedModel(this.db, modelId);
  }

  finalizeLoggedModel(modelId: string, status: LoggedModelStatus): LoggedModel {
    return this.db.write((tx) => finalizeLoggedModel(tx, modelId, status, Date.now()));
  }

  setLoggedModelTags(modelId: string, tags: readonly KeyValue[]): void {
    this.db.write((tx) => setLoggedModelTags(tx, modelId, tags));
  }

  deleteLoggedModelTag(modelId: string, key: string): void {
    this.db.write((tx) => deleteLoggedModelTag(tx, modelId, key));
  }

  logLoggedModelParams(modelId: string, params: readonly KeyValue[]): void {
    this.db.write((tx) => logLoggedModelParams(tx, modelId, params));
  }

  deleteLoggedModel(modelId: string): void {
    this.db.write((tx) => deleteLoggedModel(tx, modelId, Date.now()));
  }

  searchLoggedModels(request: LoggedModelSearchRequest): LoggedModelPage {
    return searchLoggedModels(this.db, request);
  }
}
