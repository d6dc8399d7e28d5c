import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Dataset, LifecycleStage } from '../../core/entities';
import {
  mlrunsNames,
  parseLoggedModelStatus,
  parseRunStatus,
  reservedExperimentFolders,
} from '../../core/export/mlrunsLayout';
import type { MetricInput } from '../../core/store/tracking/metricWrites';
import { locateArtifacts } from '../artifactLocation';
import type {
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
import { guarded, listKeyFiles, readKeyValueFolder, readMeta, subfolders } from './mlrunsFiles';
import { optionalInteger, optionalText, requiredText, textMapping } from './metaFields';
import { parseModelMetricFile, parseRunMetricFile } from './metricFiles';
import { listRegisteredModelFolders, readRegisteredModel } from './registryReader';

/** MLflow's run ids: what FileStore's `_validate_run_id` accepts. */
const runIdPattern = /^[a-zA-Z0-9][\w-]{0,255}$/;

interface ExperimentFolder {
  readonly dir: string;
  readonly experiment: StagedExperiment;
  readonly runDirs: string[];
  readonly modelDirs: string[];
}

/**
 * Reads an mlruns/ folder (MLflow's FileStore) into memory: experiments (`.trash/` ones as
 * deleted), their runs with params, tags, full metric histories, inputs and outputs, logged models,
 * and the model registry under `models/`. Nothing is written anywhere. A malformed file is recorded
 * in `skipped` with its path and the reading goes on; the signal is checked between runs.
 */
export async function readMlruns(root: string, options: SourceReadOptions = {}): Promise<StagedImport> {
  const skipped: SkippedItem[] = [];
  const folders: ExperimentFolder[] = [];
  for (const { dir, deleted } of await experimentDirs(root)) {
    options.signal?.throwIfAborted();
    const folder = await readExperimentFolder(dir, deleted, skipped);
    if (folder) folders.push(folder);
  }
  const registryDirs = await listRegisteredModelFolders(path.join(root, mlrunsNames.models));
  const total = folders.reduce((sum, f) => sum + f.runDirs.length + f.modelDirs.length, 0) + registryDirs.length;
  let done = 0;
  const advance = (message: string) => options.onProgress?.({ done: ++done, total, message });

  const runs: StagedRun[] = [];
  const loggedModels: StagedLoggedModel[] = [];
  // Relative artifact URIs were relative to the working folder of the script, which held mlruns/.
  const baseDir = path.dirname(path.resolve(root));
  for (const folder of folders) {
    const datasets = new DatasetCache(path.join(folder.dir, mlrunsNames.datasets), skipped);
    for (const runDir of folder.runDirs) {
      options.signal?.throwIfAborted();
      const run = await guarded(runDir, skipped, () => readRun(runDir, folder.experiment, datasets, baseDir, skipped));
      if (run) runs.push(run);
      advance(`run ${path.basename(runDir)}`);
    }
    for (const modelDir of folder.modelDirs) {
      options.signal?.throwIfAborted();
      const model = await guarded(modelDir, skipped, () => readLoggedModel(modelDir, folder.experiment, baseDir, skipped));
      if (model) loggedModels.push(model);
      advance(`logged model ${path.basename(modelDir)}`);
    }
  }
  const registeredModels: StagedRegisteredModel[] = [];
  for (const dir of registryDirs) {
    options.signal?.throwIfAborted();
    const model = await guarded(dir, skipped, () => readRegisteredModel(dir, skipped));
    if (model) registeredModels.push(model);
    advance(`registered model ${path.basename(dir)}`);
  }
  return {
    format: 'mlruns',
    source: root,
    experiments: folders.map((f) => f.experiment),
    runs,
    loggedModels,
    registeredModels,
    skipped,
  };
}

/** Active experiments are the root's folders (but `.trash` and the registry's `models`); deleted ones live in `.trash/`. */
async function experimentDirs(root: string): Promise<{ dir: string; deleted: boolean }[]> {
  const active = (await subfolders(root)).filter((name) => name !== mlrunsNames.trash && name !== mlrunsNames.models);
  const deleted = await subfolders(path.join(root, mlrunsNames.trash));
  return [
    ...active.map((name) => ({ dir: path.join(root, name), deleted: false })),
    ...deleted.map((name) => ({ dir: path.join(root, mlrunsNames.trash, name), deleted: true })),
  ];
}

async function readExperimentFolder(dir: string, deleted: boolean, skipped: SkippedItem[]): Promise<ExperimentFolder | undefined> {
  const folderId = path.basename(dir);
  const experiment = await guarded(dir, skipped, async () => {
    const metaFile = path.join(dir, mlrunsNames.meta);
    const meta = await readMeta(metaFile);
    const id = requiredText(meta, 'experiment_id');
    if (id !== folderId) throw new Error(`${metaFile} records experiment id '${id}' in the folder of '${folderId}'`);
    const fallbackTime = (await stat(metaFile)).mtimeMs;
    const lifecycle: LifecycleStage = deleted || optionalText(meta, 'lifecycle_stage') === 'deleted' ? 'deleted' : 'active';
    const creationTime = optionalInteger(meta, 'creation_time') ?? Math.floor(fallbackTime);
    return {
      sourceId: id,
      name: requiredText(meta, 'name'),
      lifecycleStage: lifecycle,
      creationTime,
      lastUpdateTime: optionalInteger(meta, 'last_update_time') ?? creationTime,
      tags: await readKeyValueFolder(path.join(dir, mlrunsNames.tags)),
      origin: dir,
    } satisfies StagedExperiment;
  });
  if (!experiment) return undefined;
  const runDirs = (await subfolders(dir)).filter((name) => !reservedExperimentFolders.has(name)).map((name) => path.join(dir, name));
  const modelDirs = (await subfolders(path.join(dir, mlrunsNames.models))).map((name) => path.join(dir, mlrunsNames.models, name));
  return { dir, experiment, runDirs, modelDirs };
}

async function readRun(
  runDir: string,
  experiment: StagedExperiment,
  datasets: DatasetCache,
  baseDir: string,
  skipped: SkippedItem[],
): Promise<StagedRun> {
  const metaFile = path.join(runDir, mlrunsNames.meta);
  const meta = await readMeta(metaFile);
  const runId = optionalText(meta, 'run_id') || requiredText(meta, 'run_uuid');
  if (runId !== path.basename(runDir)) throw new Error(`${metaFile} records run id '${runId}' in another run's folder`);
  if (!runIdPattern.test(runId)) throw new Error(`'${runId}' is not a valid run id`);
  const recordedExperiment = requiredText(meta, 'experiment_id');
  if (recordedExperiment !== experiment.sourceId) {
    throw new Error(`${metaFile} records experiment '${recordedExperiment}' but lies in experiment '${experiment.sourceId}'`);
  }
  const status = parseRunStatus(meta.status ?? 1);
  if (status === undefined) throw new Error(`${metaFile}: unknown status ${String(meta.status)}`);
  const tags = await readKeyValueFolder(path.join(runDir, mlrunsNames.tags));
  const deleted = experiment.lifecycleStage === 'deleted' || optionalText(meta, 'lifecycle_stage') === 'deleted';
  const artifactUri = optionalText(meta, 'artifact_uri');
  return {
    runId,
    sourceExperimentId: experiment.sourceId,
    name: optionalText(meta, 'run_name') || (tags.find((tag) => tag.key === 'mlflow.runName')?.value ?? ''),
    userId: optionalText(meta, 'user_id'),
    status,
    startTime: optionalInteger(meta, 'start_time') ?? 0,
    endTime: optionalInteger(meta, 'end_time'),
    lifecycleStage: deleted ? 'deleted' : 'active',
    deletedTime: deleted ? (optionalInteger(meta, 'deleted_time') ?? experiment.lastUpdateTime) : null,
    artifactUri,
    artifacts: await locateArtifacts(artifactUri, [path.join(runDir, mlrunsNames.artifacts)], baseDir),
    params: await readKeyValueFolder(path.join(runDir, mlrunsNames.params)),
    tags,
    metrics: await readRunMetrics(path.join(runDir, mlrunsNames.metrics), skipped),
    ...(await readInputs(path.join(runDir, mlrunsNames.inputs), datasets, skipped)),
    modelOutputs: await readOutputs(path.join(runDir, mlrunsNames.outputs), skipped),
    origin: runDir,
  };
}

async function readRunMetrics(dir: string, skipped: SkippedItem[]): Promise<MetricInput[]> {
  const points: MetricInput[] = [];
  for (const { key, file } of await listKeyFiles(dir)) {
    const parsed = await parseRunMetricFile(key, await readFile(file, 'utf8'));
    for (const point of parsed.points) points.push(point);
    for (const fault of parsed.faults) skipped.push({ path: `${file}:${fault.line}`, reason: `malformed metric line: ${fault.reason}` });
  }
  return points;
}

async function readInputs(
  dir: string,
  datasets: DatasetCache,
  skipped: SkippedItem[],
): Promise<{ datasetInputs: StagedDatasetInput[]; modelInputs: string[] }> {
  const datasetInputs: StagedDatasetInput[] = [];
  const modelInputs: string[] = [];
  for (const name of await subfolders(dir)) {
    const inputDir = path.join(dir, name);
    await guarded(inputDir, skipped, async () => {
      const meta = await readMeta(path.join(inputDir, mlrunsNames.meta));
      const sourceType = requiredText(meta, 'source_type');
      const sourceId = requiredText(meta, 'source_id');
      if (sourceType === 'MODEL') {
        modelInputs.push(sourceId);
      } else if (sourceType === 'DATASET') {
        const dataset = await datasets.get(sourceId);
        if (dataset) datasetInputs.push({ dataset, tags: textMapping(meta, 'tags') });
      } else {
        throw new Error(`unknown input source_type '${sourceType}'`);
      }
    });
  }
  return { datasetInputs, modelInputs };
}

async function readOutputs(dir: string, skipped: SkippedItem[]): Promise<{ modelId: string; step: number }[]> {
  const outputs: { modelId: string; step: number }[] = [];
  for (const modelId of await subfolders(dir)) {
    const outputDir = path.join(dir, modelId);
    await guarded(outputDir, skipped, async () => {
      const meta = await readMeta(path.join(outputDir, mlrunsNames.meta));
      outputs.push({ modelId, step: optionalInteger(meta, 'step') ?? 0 });
    });
  }
  return outputs;
}

async function readLoggedModel(
  modelDir: string,
  experiment: StagedExperiment,
  baseDir: string,
  skipped: SkippedItem[],
): Promise<StagedLoggedModel> {
  const metaFile = path.join(modelDir, mlrunsNames.meta);
  const meta = await readMeta(metaFile);
  const modelId = optionalText(meta, 'model_id') || path.basename(modelDir);
  const status = parseLoggedModelStatus(meta.status ?? 'PENDING');
  if (status === undefined) throw new Error(`${metaFile}: unknown status ${String(meta.status)}`);
  const artifactLocation = optionalText(meta, 'artifact_location');
  const metrics: StagedModelMetric[] = [];
  for (const { key, file } of await listKeyFiles(path.join(modelDir, mlrunsNames.metrics))) {
    const parsed = await parseModelMetricFile(key, modelId, await readFile(file, 'utf8'));
    metrics.push(...parsed.points);
    for (const fault of parsed.faults) skipped.push({ path: `${file}:${fault.line}`, reason: `malformed metric line: ${fault.reason}` });
  }
  const creationTimestamp = optionalInteger(meta, 'creation_timestamp') ?? 0;
  return {
    modelId,
    sourceExperimentId: experiment.sourceId,
    name: optionalText(meta, 'name') || modelId,
    artifactLocation,
    artifacts: await locateArtifacts(artifactLocation, [path.join(modelDir, mlrunsNames.artifacts)], baseDir),
    creationTimestamp,
    lastUpdatedTimestamp: optionalInteger(meta, 'last_updated_timestamp') ?? creationTimestamp,
    status,
    statusMessage: optionalText(meta, 'status_message'),
    lifecycleStage: experiment.lifecycleStage === 'deleted' || optionalText(meta, 'lifecycle_stage') === 'deleted' ? 'deleted' : 'active',
    modelType: optionalText(meta, 'model_type'),
    sourceRunId: optionalText(meta, 'source_run_id'),
    params: await readKeyValueFolder(path.join(modelDir, mlrunsNames.params)),
    tags: await readKeyValueFolder(path.join(modelDir, mlrunsNames.tags)),
    metrics,
    origin: modelDir,
  };
}

/** An experiment's datasets/<id>/meta.yaml, each read once however many runs use it. */
class DatasetCache {
  private readonly read = new Map<string, Promise<Dataset | undefined>>();

  constructor(
    private readonly dir: string,
    private readonly skipped: SkippedItem[],
  ) {}

  get(id: string): Promise<Dataset | undefined> {
    let found = this.read.get(id);
    if (!found) {
      const datasetDir = path.join(this.dir, id);
      found = guarded(datasetDir, this.skipped, async () => {
        const meta = await readMeta(path.join(datasetDir, mlrunsNames.meta));
        const schema = optionalText(meta, 'schema');
        const profile = optionalText(meta, 'profile');
        return {
          name: requiredText(meta, 'name'),
          digest: requiredText(meta, 'digest'),
          source_type: optionalText(meta, 'source_type'),
          source: optionalText(meta, 'source'),
          ...(schema ? { schema } : {}),
          ...(profile ? { profile } : {}),
        };
      });
      this.read.set(id, found);
    }
    return found;
  }
}
