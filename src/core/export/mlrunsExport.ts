import { createWriteStream } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import type { Experiment, KeyValue, Run } from '../entities';
import type { ArtifactStore } from '../store/artifactStore';
import type { TrackingStore } from '../store/trackingStore';
import { artifactFilesOf, relocatedUri } from './artifactFiles';
import {
  datasetFolderId,
  formatMetricValue,
  inputFolderId,
  loggedModelStatusFileName,
  mlrunsNames,
  runStatusNumber,
  sourceTypeLocal,
} from './mlrunsLayout';
import {
  experimentLoggedModels,
  registeredModels,
  runDeletedTime,
  runHistory,
  type StoredLoggedModel,
  type StoredPoint,
  type StoredRegisteredModel,
} from './storeReads';
import { writeYaml, type YamlWritable } from './yamlWriter';

export interface ExportSource {
  readonly tracking: TrackingStore;
  readonly artifacts: ArtifactStore;
}

export interface ExportOptions {
  /** Experiment names or ids; all experiments (deleted ones too) when absent or empty. */
  readonly experiments?: readonly string[];
  readonly signal?: AbortSignal;
  readonly onProgress?: (update: { readonly done: number; readonly total: number; readonly message: string }) => void;
}

export interface ExportSummary {
  readonly out: string;
  readonly experiments: number;
  readonly runs: number;
  readonly metricPoints: number;
  readonly artifactFiles: number;
  readonly loggedModels: number;
  readonly registeredModels: number;
  /** What could not be written (a key that is no file name, artifacts kept elsewhere), with why. */
  readonly skipped: { readonly path: string; readonly reason: string }[];
}

/**
 * Writes the store's experiments as an mlruns/ folder that MLflow's FileStore reads
 * (`MLFLOW_TRACKING_URI=file:///.../mlruns`, `mlflow ui --backend-store-uri ...`): meta.yaml files
 * with the fields FileStore writes, params, tags and full metric histories as files, dataset
 * inputs, outputs, logged models, the model registry, and the artifacts copied next to them.
 * Deleted experiments go to `.trash/`, deleted runs keep their lifecycle. `out` must be new or empty.
 */
export async function exportMlruns(source: ExportSource, out: string, options: ExportOptions = {}): Promise<ExportSummary> {
  const root = path.resolve(out);
  await ensureEmpty(root);
  const exporter = new Exporter(source, root, options);
  const selectors = options.experiments ?? [];
  return exporter.run(selectExperiments(source.tracking, selectors), selectors.length === 0);
}

function selectExperiments(tracking: TrackingStore, selectors: readonly string[]): Experiment[] {
  const all = tracking.listExperiments('ALL');
  if (selectors.length === 0) return all;
  return selectors.map((selector) => {
    const found = all.find((e) => e.name === selector) ?? all.find((e) => e.experiment_id === selector);
    if (!found) throw new Error(`No experiment is named or numbered '${selector}'.`);
    return found;
  });
}

async function ensureEmpty(root: string): Promise<void> {
  const entries = await readdir(root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (entries.length > 0) throw new Error(`${root} is not empty: export into a new or empty folder.`);
  await mkdir(path.join(root, mlrunsNames.trash), { recursive: true });
}

class Exporter {
  private readonly skipped: { path: string; reason: string }[] = [];
  private runs = 0;
  private points = 0;
  private files = 0;
  private models = 0;
  /** Store artifact URIs and where their files are in the export, for model versions' storage locations. */
  private readonly moved = new Map<string, string>();
  private readonly exportedRuns = new Set<string>();
  private readonly exportedModels = new Set<string>();

  constructor(
    private readonly source: ExportSource,
    private readonly root: string,
    private readonly options: ExportOptions,
  ) {}

  async run(experiments: readonly Experiment[], everything: boolean): Promise<ExportSummary> {
    const { tracking } = this.source;
    const total = tracking.countRuns(experiments.map((e) => e.experiment_id), 'ALL');
    for (const experiment of experiments) {
      const dir = path.join(this.root, ...(experiment.lifecycle_stage === 'deleted' ? [mlrunsNames.trash] : []), experiment.experiment_id);
      await this.writeExperiment(experiment, dir);
      const modelPoints = new Map<string, (StoredPoint & { runId: string })[]>();
      let pageToken: string | undefined;
      do {
        const page = tracking.searchRuns({ experimentIds: [experiment.experiment_id], runViewType: 'ALL', maxResults: 500, pageToken });
        for (const run of page.runs) {
          this.options.signal?.throwIfAborted();
          await this.writeRun(run, dir, modelPoints);
          this.options.onProgress?.({ done: this.runs, total, message: run.info.run_name || run.info.run_id });
        }
        pageToken = page.nextPageToken;
      } while (pageToken);
      for (const model of experimentLoggedModels(tracking.db, Number(experiment.experiment_id))) {
        this.options.signal?.throwIfAborted();
        await this.writeLoggedModel(model, dir, modelPoints.get(model.model_id) ?? []);
      }
    }
    const exportedModels = await this.writeRegistry(everything);
    return {
      out: this.root,
      experiments: experiments.length,
      runs: this.runs,
      metricPoints: this.points,
      artifactFiles: this.files,
      loggedModels: this.models,
      registeredModels: exportedModels,
      skipped: this.skipped,
    };
  }

  private async writeExperiment(experiment: Experiment, dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    await writeMeta(dir, {
      artifact_location: pathToFileURL(dir).href,
      creation_time: experiment.creation_time,
      experiment_id: experiment.experiment_id,
      last_update_time: experiment.last_update_time,
      lifecycle_stage: experiment.lifecycle_stage,
      name: experiment.name,
    });
    await this.writeKeyFiles(path.join(dir, mlrunsNames.tags), experiment.tags ?? [], `experiment ${experiment.name}: tag`);
  }

  private async writeRun(run: Run, experimentDir: string, modelPoints: Map<string, (StoredPoint & { runId: string })[]>): Promise<void> {
    const { info } = run;
    const dir = path.join(experimentDir, info.run_id);
    const artifactsDir = path.join(dir, mlrunsNames.artifacts);
    await mkdir(artifactsDir, { recursive: true });
    const deletedTime = info.lifecycle_stage === 'deleted' ? runDeletedTime(this.source.tracking.db, info.run_id) : null;
    await writeMeta(dir, {
      artifact_uri: pathToFileURL(artifactsDir).href,
      end_time: info.end_time ?? null,
      entry_point_name: '',
      experiment_id: info.experiment_id,
      lifecycle_stage: info.lifecycle_stage,
      run_id: info.run_id,
      run_name: info.run_name,
      run_uuid: info.run_id,
      source_name: '',
      source_type: sourceTypeLocal,
      source_version: '',
      start_time: info.start_time,
      status: runStatusNumber(info.status),
      tags: [],
      user_id: info.user_id,
      ...(deletedTime === null ? {} : { deleted_time: deletedTime }),
    });
    const where = `run ${info.run_id}`;
    await this.writeKeyFiles(path.join(dir, mlrunsNames.params), run.data.params ?? [], `${where}: param`);
    await this.writeKeyFiles(path.join(dir, mlrunsNames.tags), run.data.tags ?? [], `${where}: tag`);
    await this.writeMetrics(dir, info.run_id, modelPoints);
    await this.writeInputs(run, experimentDir, dir);
    for (const output of run.outputs.model_outputs ?? []) {
      await writeMeta(path.join(dir, mlrunsNames.outputs, output.model_id), {
        destination_id: output.model_id,
        destination_type: 'MODEL_OUTPUT',
        source_id: info.run_id,
        source_type: 'RUN_OUTPUT',
        step: output.step,
        tags: {},
      });
    }
    await this.copyArtifacts(info.artifact_uri, artifactsDir, where);
    this.runs += 1;
    this.exportedRuns.add(info.run_id);
  }

  /** One file per key; points linked to a logged model are also the model's metrics (as FileStore keeps them). */
  private async writeMetrics(runDir: string, runId: string, modelPoints: Map<string, (StoredPoint & { runId: string })[]>): Promise<void> {
    const byKey = new Map<string, StoredPoint[]>();
    for (const point of runHistory(this.source.tracking.db, runId)) {
      const list = byKey.get(point.key) ?? [];
      list.push(point);
      byKey.set(point.key, list);
      if (point.modelId !== null) {
        const linked = modelPoints.get(point.modelId) ?? [];
        linked.push({ ...point, runId });
        modelPoints.set(point.modelId, linked);
      }
    }
    for (const [key, points] of byKey) {
      const text = points.map((p) => `${p.timestamp} ${formatMetricValue(p.value)} ${p.step}${datasetFields(p)}\n`).join('');
      if (await this.writeKeyFile(path.join(runDir, mlrunsNames.metrics), key, text, `run ${runId}: metric`)) this.points += points.length;
    }
  }

  private async writeInputs(run: Run, experimentDir: string, runDir: string): Promise<void> {
    const runId = run.info.run_id;
    for (const input of run.inputs.dataset_inputs ?? []) {
      const { dataset } = input;
      const datasetId = datasetFolderId(dataset.name, dataset.digest);
      await writeMeta(path.join(experimentDir, mlrunsNames.datasets, datasetId), {
        digest: dataset.digest,
        name: dataset.name,
        profile: dataset.profile ?? null,
        schema: dataset.schema ?? null,
        source: dataset.source,
        source_type: dataset.source_type,
      });
      await writeMeta(path.join(runDir, mlrunsNames.inputs, inputFolderId(datasetId, runId)), {
        destination_id: runId,
        destination_type: 'RUN',
        source_id: datasetId,
        source_type: 'DATASET',
        tags: Object.fromEntries((input.tags ?? []).map((tag) => [tag.key, tag.value])),
      });
    }
    for (const input of run.inputs.model_inputs ?? []) {
      await writeMeta(path.join(runDir, mlrunsNames.inputs, inputFolderId(input.model_id, runId)), {
        destination_id: runId,
        destination_type: 'RUN',
        source_id: input.model_id,
        source_type: 'MODEL',
        tags: {},
      });
    }
  }

  private async writeLoggedModel(model: StoredLoggedModel, experimentDir: string, points: readonly (StoredPoint & { runId: string })[]): Promise<void> {
    const dir = path.join(experimentDir, mlrunsNames.models, model.model_id);
    const artifactsDir = path.join(dir, mlrunsNames.artifacts);
    await mkdir(artifactsDir, { recursive: true });
    await writeMeta(dir, {
      artifact_location: pathToFileURL(artifactsDir).href,
      creation_timestamp: model.creation_timestamp_ms,
      experiment_id: String(model.experiment_id),
      last_updated_timestamp: model.last_updated_timestamp_ms,
      lifecycle_stage: model.lifecycle_stage,
      model_id: model.model_id,
      model_type: model.model_type || null,
      name: model.name,
      source_run_id: model.source_run_id || null,
      status: loggedModelStatusFileName(model.status),
      status_message: model.status_message || null,
    });
    const where = `logged model ${model.model_id}`;
    await this.writeKeyFiles(path.join(dir, mlrunsNames.params), model.params, `${where}: param`);
    await this.writeKeyFiles(path.join(dir, mlrunsNames.tags), model.tags, `${where}: tag`);
    const byKey = new Map<string, string>();
    for (const p of points) {
      byKey.set(p.key, `${byKey.get(p.key) ?? ''}${p.timestamp} ${formatMetricValue(p.value)} ${p.step} ${p.runId}${datasetFields(p)}\n`);
    }
    for (const [key, text] of byKey) await this.writeKeyFile(path.join(dir, mlrunsNames.metrics), key, text, `${where}: metric`);
    await this.copyArtifacts(model.artifact_location, artifactsDir, where);
    this.models += 1;
    this.exportedModels.add(model.model_id);
  }

  /**
   * The registry, at mlruns/models/. With every experiment exported it all goes; otherwise the
   * versions made from exported runs or logged models, and the models that have such versions.
   */
  private async writeRegistry(everything: boolean): Promise<number> {
    let written = 0;
    for (const model of registeredModels(this.source.tracking.db)) {
      const versions = everything
        ? model.versions
        : model.versions.filter((v) => this.exportedRuns.has(v.run_id) || this.exportedModels.has(v.model_id));
      if (!everything && versions.length === 0) continue;
      await this.writeRegisteredModel(model, versions);
      written += 1;
    }
    return written;
  }

  private async writeRegisteredModel(model: StoredRegisteredModel, versions: StoredRegisteredModel['versions']): Promise<void> {
    const dir = path.join(this.root, mlrunsNames.models, model.name);
    await mkdir(dir, { recursive: true });
    await writeMeta(dir, {
      creation_timestamp: model.creation_time,
      description: model.description || null,
      last_updated_timestamp: model.last_updated_time,
      name: model.name,
    });
    await this.writeKeyFiles(path.join(dir, mlrunsNames.tags), model.tags, `registered model ${model.name}: tag`);
    const numbers = new Set(versions.map((v) => v.version));
    const aliases = model.aliases.filter((a) => numbers.has(a.version));
    await this.writeKeyFiles(path.join(dir, mlrunsNames.aliases), aliases.map((a) => ({ key: a.alias, value: String(a.version) })), `registered model ${model.name}: alias`);
    for (const version of versions) {
      const versionDir = path.join(dir, `${mlrunsNames.versionPrefix}${version.version}`);
      await writeMeta(versionDir, {
        aliases: aliases.filter((a) => a.version === version.version).map((a) => a.alias),
        creation_timestamp: version.creation_time,
        current_stage: version.current_stage,
        description: version.description || null,
        last_updated_timestamp: version.last_updated_time,
        model_id: version.model_id || null,
        name: model.name,
        run_id: version.run_id || null,
        run_link: version.run_link || null,
        source: version.source,
        status: version.status,
        status_message: version.status_message || null,
        storage_location: relocatedUri(version.storage_location, this.moved),
        user_id: version.user_id || null,
        version: version.version,
      });
      await this.writeKeyFiles(path.join(versionDir, mlrunsNames.tags), version.tags, `model version ${model.name}/${version.version}: tag`);
    }
  }

  private async copyArtifacts(uri: string, targetDir: string, where: string): Promise<void> {
    const files = artifactFilesOf(this.source.artifacts, uri);
    if (!files) {
      if (uri) this.skipped.push({ path: where, reason: `artifacts at ${uri} are not on this machine; not exported` });
      return;
    }
    this.moved.set(uri, pathToFileURL(targetDir).href);
    for (const entry of await files.list()) {
      this.options.signal?.throwIfAborted();
      const target = path.join(targetDir, ...entry.path.split('/'));
      await mkdir(path.dirname(target), { recursive: true });
      const { stream } = await files.open(entry.path);
      await pipeline(stream, createWriteStream(target));
      this.files += 1;
    }
  }

  private async writeKeyFiles(dir: string, entries: readonly KeyValue[], where: string): Promise<void> {
    for (const entry of entries) await this.writeKeyFile(dir, entry.key, entry.value, where);
  }

  /** A key is a path below `dir` (`a/b` is the file b in the folder a); a key that is no such path is skipped. */
  private async writeKeyFile(dir: string, key: string, content: string, where: string): Promise<boolean> {
    const segments = key.split('/');
    if (segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\') || s.includes('\0'))) {
      this.skipped.push({ path: `${where} '${key}'`, reason: 'the key is not a relative file path, as FileStore needs' });
      return false;
    }
    const file = path.join(dir, ...segments);
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, content, { flag: 'wx' });
      return true;
    } catch (error) {
      this.skipped.push({ path: `${where} '${key}'`, reason: `cannot be written as ${file}: ${(error as Error).message}` });
      return false;
    }
  }
}

function datasetFields(point: StoredPoint): string {
  const { datasetName, datasetDigest } = point;
  if (!datasetName || !datasetDigest || /\s/.test(datasetName + datasetDigest)) return '';
  return ` ${datasetName} ${datasetDigest}`;
}

async function writeMeta(dir: string, fields: { readonly [key: string]: YamlWritable }): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, mlrunsNames.meta), writeYaml(fields));
}
