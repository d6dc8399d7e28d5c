import path from 'node:path';
import type { KeyValue, LifecycleStage } from '../../core/entities';
import { parseLoggedModelStatus, parseRunStatus } from '../../core/export/mlrunsLayout';
import type { MetricInput } from '../../core/store/tracking/metricWrites';
import { storeRootOf } from '../../core/store/runArtifactRoot';
import { locateArtifacts } from '../artifactLocation';
import type {
  ArtifactLocation,
  SkippedItem,
  SourceReadOptions,
  StagedDatasetInput,
  StagedExperiment,
  StagedImport,
  StagedLoggedModel,
  StagedModelMetric,
  StagedRegisteredModel,
  StagedRun,
} from '../stagedImport';
import { SourceDatabase, type SourceRow } from './sourceDatabase';

/** MLflow's SQL store keeps ±Infinity as ±DBL_MAX (and NaN as 0 with is_nan set). */
const doubleMax = 1.7976931348623157e308;

/**
 * Reads an mlflow.db (MLflow's SQLAlchemy store on SQLite) into memory: experiments and their
 * tags, runs with params, tags and full metric histories, dataset and model inputs, outputs,
 * logged models, and the model registry. A database that is not MLflow's is refused with a
 * NotMlflowDataError; a row RunLens cannot use is recorded in `skipped`. The signal is checked
 * between runs.
 */
export async function readMlflowDb(file: string, options: SourceReadOptions = {}): Promise<StagedImport> {
  const db = await SourceDatabase.open(file);
  try {
    return await new DbReader(db, path.dirname(path.resolve(file)), options).read();
  } finally {
    db.close();
  }
}

class DbReader {
  private readonly skipped: SkippedItem[] = [];
  private done = 0;
  private total = 0;

  constructor(
    private readonly db: SourceDatabase,
    /** Where the default artifact roots (./mlruns, ./mlartifacts) of a script or server next to the database are. */
    private readonly baseDir: string,
    private readonly options: SourceReadOptions,
  ) {}

  async read(): Promise<StagedImport> {
    this.total = this.db.count('runs') + this.db.count('logged_models') + this.db.count('registered_models');
    const experiments = this.experiments();
    const runs: StagedRun[] = [];
    for (const row of this.db.select('runs', ['run_uuid'], '', [], 'experiment_id, start_time, run_uuid')) {
      this.options.signal?.throwIfAborted();
      const runId = String(row.run_uuid);
      const run = await this.guarded(`runs: ${runId}`, () => this.run(runId));
      if (run) runs.push(run);
      this.advance(`run ${runId}`);
    }
    const loggedModels: StagedLoggedModel[] = [];
    for (const row of this.db.select('logged_models', ['model_id'], '', [], 'creation_timestamp_ms, model_id')) {
      this.options.signal?.throwIfAborted();
      const modelId = String(row.model_id);
      const model = await this.guarded(`logged_models: ${modelId}`, () => this.loggedModel(modelId));
      if (model) loggedModels.push(model);
      this.advance(`logged model ${modelId}`);
    }
    const registeredModels: StagedRegisteredModel[] = [];
    for (const row of this.db.select('registered_models', ['name'], '', [], 'name')) {
      this.options.signal?.throwIfAborted();
      const name = String(row.name);
      const model = await this.guarded(`registered_models: ${name}`, async () => this.registeredModel(name));
      if (model) registeredModels.push(model);
      this.advance(`registered model ${name}`);
    }
    return { format: 'mlflow.db', source: this.db.file, experiments, runs, loggedModels, registeredModels, skipped: this.skipped };
  }

  private experiments(): StagedExperiment[] {
    const tags = this.grouped('experiment_tags', 'experiment_id', ['key', 'value']);
    return this.db
      .select('experiments', ['experiment_id', 'name', 'lifecycle_stage', 'creation_time', 'last_update_time'], '', [], 'experiment_id')
      .map((row) => {
        const id = String(row.experiment_id);
        const creationTime = integer(row.creation_time) ?? 0;
        return {
          sourceId: id,
          name: String(row.name),
          lifecycleStage: lifecycle(row.lifecycle_stage),
          creationTime,
          lastUpdateTime: integer(row.last_update_time) ?? creationTime,
          tags: keyValues(tags.get(id) ?? []),
          origin: `${this.db.file}: experiments ${id}`,
        };
      });
  }

  private async run(runId: string): Promise<StagedRun> {
    const [row] = this.db.select(
      'runs',
      ['run_uuid', 'experiment_id', 'name', 'user_id', 'status', 'start_time', 'end_time', 'lifecycle_stage', 'deleted_time', 'artifact_uri'],
      'run_uuid = ?',
      [runId],
    );
    const status = parseRunStatus(row.status ?? 'RUNNING');
    if (status === undefined) throw new Error(`unknown status '${String(row.status)}'`);
    const experimentId = String(row.experiment_id);
    const tags = keyValues(this.db.select('tags', ['key', 'value'], 'run_uuid = ?', [runId], 'key'));
    const stage = lifecycle(row.lifecycle_stage);
    const artifactUri = text(row.artifact_uri);
    return {
      runId,
      sourceExperimentId: experimentId,
      name: text(row.name) || (tags.find((tag) => tag.key === 'mlflow.runName')?.value ?? ''),
      userId: text(row.user_id),
      status,
      startTime: integer(row.start_time) ?? 0,
      endTime: integer(row.end_time) ?? null,
      lifecycleStage: stage,
      deletedTime: stage === 'deleted' ? (integer(row.deleted_time) ?? null) : null,
      artifactUri,
      artifacts: await this.artifacts(artifactUri, [experimentId, runId, 'artifacts']),
      params: keyValues(this.db.select('params', ['key', 'value'], 'run_uuid = ?', [runId], 'key')),
      tags,
      metrics: await this.metrics(runId),
      ...this.inputs(runId),
      modelOutputs: this.db
        .select('inputs', ['destination_id', 'step'], "source_type = 'RUN_OUTPUT' AND source_id = ? AND destination_type = 'MODEL_OUTPUT'", [runId])
        .map((output) => ({ modelId: String(output.destination_id), step: integer(output.step) ?? 0 })),
      origin: `${this.db.file}: runs ${runId}`,
    };
  }

  /** The full history; a latest value whose history is missing is kept as a point of its own. */
  private async metrics(runId: string): Promise<MetricInput[]> {
    const rows = await this.db.selectInTurns('metrics', ['key', 'value', 'timestamp', 'step', 'is_nan'], 'run_uuid = ?', [runId], 'key, step, timestamp');
    const points = rows.map(metricPoint);
    const keys = new Set(points.map((point) => point.key));
    for (const latest of this.db.select('latest_metrics', ['key', 'value', 'timestamp', 'step', 'is_nan'], 'run_uuid = ?', [runId])) {
      if (!keys.has(String(latest.key))) points.push(metricPoint(latest));
    }
    return points;
  }

  private inputs(runId: string): { datasetInputs: StagedDatasetInput[]; modelInputs: string[] } {
    if (!this.db.hasTable('inputs')) return { datasetInputs: [], modelInputs: [] };
    const datasetInputs: StagedDatasetInput[] = [];
    const links = this.db.select(
      'inputs',
      ['input_uuid', 'source_id'],
      "source_type = 'DATASET' AND destination_type = 'RUN' AND destination_id = ?",
      [runId],
    );
    for (const link of links) {
      const [dataset] = this.db.select(
        'datasets',
        ['name', 'digest', 'dataset_source_type', 'dataset_source', 'dataset_schema', 'dataset_profile'],
        'dataset_uuid = ?',
        [link.source_id ?? null],
      );
      if (!dataset) {
        this.skipped.push({ path: `${this.db.file}: inputs ${String(link.input_uuid)}`, reason: `dataset ${String(link.source_id)} not found` });
        continue;
      }
      const tags = this.db.select('input_tags', ['name', 'value'], 'input_uuid = ?', [link.input_uuid ?? null], 'name');
      datasetInputs.push({
        dataset: {
          name: String(dataset.name),
          digest: String(dataset.digest),
          source_type: text(dataset.dataset_source_type),
          source: text(dataset.dataset_source),
          ...(dataset.dataset_schema ? { schema: String(dataset.dataset_schema) } : {}),
          ...(dataset.dataset_profile ? { profile: String(dataset.dataset_profile) } : {}),
        },
        tags: tags.map((tag) => ({ key: String(tag.name), value: text(tag.value) })),
      });
    }
    const modelInputs = this.db
      .select('inputs', ['destination_id'], "source_type = 'RUN_INPUT' AND source_id = ? AND destination_type = 'MODEL_INPUT'", [runId])
      .map((input) => String(input.destination_id));
    return { datasetInputs, modelInputs };
  }

  private async loggedModel(modelId: string): Promise<StagedLoggedModel> {
    const [row] = this.db.select(
      'logged_models',
      [
        'model_id', 'experiment_id', 'name', 'artifact_location', 'creation_timestamp_ms', 'last_updated_timestamp_ms',
        'status', 'status_message', 'lifecycle_stage', 'model_type', 'source_run_id',
      ],
      'model_id = ?',
      [modelId],
    );
    const status = parseLoggedModelStatus(row.status ?? 1);
    if (status === undefined) throw new Error(`unknown status '${String(row.status)}'`);
    const experimentId = String(row.experiment_id);
    const artifactLocation = text(row.artifact_location);
    const creationTimestamp = integer(row.creation_timestamp_ms) ?? 0;
    const metrics: StagedModelMetric[] = this.db
      .select(
        'logged_model_metrics',
        ['metric_name', 'metric_value', 'metric_timestamp_ms', 'metric_step', 'run_id', 'dataset_name', 'dataset_digest'],
        'model_id = ?',
        [modelId],
        'metric_name, metric_step, metric_timestamp_ms',
      )
      .map((metric) => ({
        key: String(metric.metric_name),
        value: metric.metric_value === null || metric.metric_value === undefined ? NaN : fromStoredDouble(Number(metric.metric_value)),
        timestamp: integer(metric.metric_timestamp_ms) ?? 0,
        step: integer(metric.metric_step) ?? 0,
        modelId,
        runId: String(metric.run_id),
        ...(metric.dataset_name ? { datasetName: String(metric.dataset_name) } : {}),
        ...(metric.dataset_digest ? { datasetDigest: String(metric.dataset_digest) } : {}),
      }));
    return {
      modelId,
      sourceExperimentId: experimentId,
      name: text(row.name) || modelId,
      artifactLocation,
      artifacts: await this.artifacts(artifactLocation, [experimentId, 'models', modelId, 'artifacts']),
      creationTimestamp,
      lastUpdatedTimestamp: integer(row.last_updated_timestamp_ms) ?? creationTimestamp,
      status,
      statusMessage: text(row.status_message),
      lifecycleStage: lifecycle(row.lifecycle_stage),
      modelType: text(row.model_type),
      sourceRunId: text(row.source_run_id),
      params: this.db.select('logged_model_params', ['param_key', 'param_value'], 'model_id = ?', [modelId], 'param_key').map((param) => ({
        key: String(param.param_key),
        value: text(param.param_value),
      })),
      tags: this.db.select('logged_model_tags', ['tag_key', 'tag_value'], 'model_id = ?', [modelId], 'tag_key').map((tag) => ({
        key: String(tag.tag_key),
        value: text(tag.tag_value),
      })),
      metrics,
      origin: `${this.db.file}: logged_models ${modelId}`,
    };
  }

  private registeredModel(name: string): StagedRegisteredModel {
    const [row] = this.db.select('registered_models', ['name', 'creation_time', 'last_updated_time', 'description'], 'name = ?', [name]);
    const creationTime = integer(row.creation_time) ?? 0;
    const versionTags = this.grouped('model_version_tags', 'version', ['key', 'value'], 'name = ?', [name]);
    const versions = this.db
      .select(
        'model_versions',
        [
          'version', 'creation_time', 'last_updated_time', 'description', 'user_id', 'current_stage', 'source', 'run_id',
          'run_link', 'status', 'status_message', 'storage_location', 'model_id',
        ],
        'name = ?',
        [name],
        'version',
      )
      .map((version) => {
        const created = integer(version.creation_time) ?? 0;
        const source = text(version.source);
        return {
          version: integer(version.version) ?? 0,
          creationTime: created,
          lastUpdatedTime: integer(version.last_updated_time) ?? created,
          description: text(version.description),
          userId: text(version.user_id),
          currentStage: text(version.current_stage) || 'None',
          source,
          runId: text(version.run_id),
          runLink: text(version.run_link),
          status: text(version.status) || 'READY',
          statusMessage: text(version.status_message),
          storageLocation: text(version.storage_location) || source,
          modelId: text(version.model_id),
          tags: keyValues(versionTags.get(String(version.version)) ?? []),
          origin: `${this.db.file}: model_versions ${name} ${String(version.version)}`,
        };
      });
    return {
      name,
      creationTime,
      lastUpdatedTime: integer(row.last_updated_time) ?? creationTime,
      description: text(row.description),
      tags: keyValues(this.db.select('registered_model_tags', ['key', 'value'], 'name = ?', [name], 'key')),
      aliases: this.db
        .select('registered_model_aliases', ['alias', 'version'], 'name = ?', [name], 'alias')
        .map((alias) => ({ alias: String(alias.alias), version: integer(alias.version) ?? 0 })),
      versions,
      origin: `${this.db.file}: registered_models ${name}`,
    };
  }

  /**
   * A server with --serve-artifacts keeps `mlflow-artifacts:/<path>` under ./mlartifacts; a script
   * logging straight to sqlite:/// keeps artifacts under ./mlruns/<experiment>/<run>/artifacts.
   */
  private artifacts(uri: string, defaultPath: readonly string[]): Promise<ArtifactLocation> {
    const proxied = proxiedPath(uri);
    const fallbacks = [
      ...(proxied ? [path.join(this.baseDir, 'mlartifacts', ...proxied.split('/'))] : []),
      path.join(this.baseDir, 'mlruns', ...defaultPath),
    ];
    return locateArtifacts(uri, fallbacks, this.baseDir);
  }

  /** Rows of `table` grouped by `by`, read in one query. */
  private grouped(table: string, by: string, columns: readonly string[], where = '', params: readonly (string | number)[] = []): Map<string, SourceRow[]> {
    const groups = new Map<string, SourceRow[]>();
    for (const row of this.db.select(table, [by, ...columns], where, params, columns[0])) {
      const key = String(row[by]);
      const list = groups.get(key) ?? [];
      list.push(row);
      groups.set(key, list);
    }
    return groups;
  }

  private async guarded<T>(where: string, read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      this.skipped.push({ path: `${this.db.file}: ${where}`, reason: (error as Error).message });
      return undefined;
    }
  }

  private advance(message: string): void {
    this.done += 1;
    this.options.onProgress?.({ done: this.done, total: this.total, message });
  }
}

/** The store path inside an `mlflow-artifacts:` URI, checked (no `..`), or undefined. */
function proxiedPath(uri: string): string | undefined {
  try {
    return storeRootOf(uri);
  } catch {
    return undefined;
  }
}

function metricPoint(row: SourceRow): MetricInput {
  const isNan = row.is_nan === 1 || row.is_nan === '1' || row.is_nan === 'true';
  return {
    key: String(row.key),
    value: isNan ? NaN : fromStoredDouble(Number(row.value)),
    timestamp: integer(row.timestamp) ?? 0,
    step: integer(row.step) ?? 0,
  };
}

function fromStoredDouble(value: number): number {
  if (value >= doubleMax) return Infinity;
  if (value <= -doubleMax) return -Infinity;
  return value;
}

function integer(value: SourceRow[string]): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? Math.trunc(number) : undefined;
}

function text(value: SourceRow[string]): string {
  return value === null || value === undefined ? '' : String(value);
}

function lifecycle(value: SourceRow[string]): LifecycleStage {
  return value === 'deleted' ? 'deleted' : 'active';
}

function keyValues(rows: readonly SourceRow[]): KeyValue[] {
  return rows.map((row) => ({ key: String(row.key), value: text(row.value) }));
}
