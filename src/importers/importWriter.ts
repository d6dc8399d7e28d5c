import type { KeyValue } from '../core/entities';
import { relocatedUri } from '../core/export/artifactFiles';
import type { WriteTransaction } from '../core/store/databaseApi';
import { newDatasetId } from '../core/store/ids';
import { canonicalStage, deletedStage } from '../core/store/registry/stages';
import { experimentArtifactLocation } from '../core/store/tracking/artifactUris';
import { insertMetrics } from '../core/store/tracking/metricWrites';
import { recordModelMetrics } from '../core/store/tracking/modelMetricWrites';
import { runNameTag } from '../core/store/tracking/runs';
import { runEach } from '../core/store/tracking/sqlHelpers';
import type { ImportPlan } from './importPlan';
import type { SkippedItem, StagedImport, StagedLoggedModel, StagedModelMetric, StagedRegisteredModel, StagedRun } from './stagedImport';

/** Artifact URIs the imported runs and logged models get (copied into the store, or kept where they are). */
export interface ImportedArtifactUris {
  readonly runs: ReadonlyMap<string, string>;
  readonly models: ReadonlyMap<string, string>;
}

export interface WriteCounts {
  /** What the write could not bring in (the caller's reading skips are not repeated here). */
  readonly skipped: SkippedItem[];
  experimentsCreated: number;
  runsImported: number;
  metricPoints: number;
  params: number;
  tags: number;
  loggedModelsImported: number;
  registeredModelsCreated: number;
  versionsImported: number;
}

/** Metric points written between two yields: a few milliseconds of sql.js work. */
const pointsPerStep = 2000;

/**
 * Writes a planned import as the steps of the caller's `db.writeInSlices`: all of it or, if
 * anything throws, none of it. It yields after every run and every `pointsPerStep` metric points,
 * so the event loop keeps running; it may be started over from the beginning, so it changes
 * nothing outside the transaction (the counts and skips are its return value). This is the
 * importer's bulk path into the store's tables, below TrackingStore, because an import sets what
 * the public API decides itself (run ids, times, statuses, lifecycle, experiment ids). Every
 * statement is parameterized; metric points go through the store's own insertMetrics, so
 * histories and latest values follow the store's rules.
 */
export function* applyImport(
  tx: WriteTransaction,
  staged: StagedImport,
  plan: ImportPlan,
  artifactUris: ImportedArtifactUris,
  /** Told after each run written, with how many of the new runs that makes. */
  onRunWritten?: (done: number, total: number) => void,
): Generator<void, WriteCounts, void> {
  const skipped: SkippedItem[] = [];
  const counts: WriteCounts = {
    skipped,
    experimentsCreated: 0,
    runsImported: 0,
    metricPoints: 0,
    params: 0,
    tags: 0,
    loggedModelsImported: 0,
    registeredModelsCreated: 0,
    versionsImported: 0,
  };
  writeExperiments(tx, staged, plan, counts);
  const runsInStore = new Set([...plan.existingRuns.keys()]);
  for (const run of staged.runs) {
    if (!plan.newRuns.has(run.runId)) continue;
    const experiment = plan.experiments.get(run.sourceExperimentId);
    if (!experiment) {
      skipped.push({ path: run.origin, reason: `its experiment ${run.sourceExperimentId} was not imported` });
      continue;
    }
    yield* writeRun(tx, run, experiment.targetId, artifactUris.runs.get(run.runId) ?? run.artifactUri, counts);
    runsInStore.add(run.runId);
    onRunWritten?.(counts.runsImported, plan.newRuns.size);
  }
  const uris = new Map(artifactUris.models);
  for (const model of staged.loggedModels) {
    if (!plan.newModels.has(model.modelId)) continue;
    const experiment = plan.experiments.get(model.sourceExperimentId);
    if (!experiment) {
      skipped.push({ path: model.origin, reason: `its experiment ${model.sourceExperimentId} was not imported` });
      continue;
    }
    writeLoggedModel(tx, model, experiment.targetId, uris.get(model.modelId) ?? model.artifactLocation, runsInStore, skipped);
    counts.loggedModelsImported += 1;
    yield;
  }
  const relocated = relocations(staged, artifactUris);
  for (const model of staged.registeredModels) {
    writeRegisteredModel(tx, model, relocated, counts, skipped);
    yield;
  }
  return counts;
}

function writeExperiments(tx: WriteTransaction, staged: StagedImport, plan: ImportPlan, counts: WriteCounts): void {
  const created = new Set<number>();
  for (const experiment of staged.experiments) {
    const mapping = plan.experiments.get(experiment.sourceId);
    if (!mapping) continue;
    if (mapping.outcome !== 'matched' && !created.has(mapping.targetId)) {
      // The plan was made before the artifacts were copied; the store may have changed since.
      const clash = tx.get('SELECT 1 AS found FROM experiments WHERE experiment_id = ? OR name = ?', [mapping.targetId, experiment.name]);
      if (clash) throw new Error(`The store changed during the import (experiment '${experiment.name}'); nothing was imported. Try again.`);
      tx.run(
        `INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
         VALUES (?, ?, ?, ?, ?, ?)`,
        [
          mapping.targetId,
          experiment.name,
          experimentArtifactLocation(mapping.targetId),
          experiment.lifecycleStage,
          experiment.creationTime,
          experiment.lastUpdateTime,
        ],
      );
      created.add(mapping.targetId);
      counts.experimentsCreated += 1;
    }
    runEach(tx, 'INSERT OR IGNORE INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)', experiment.tags.map((tag) => [mapping.targetId, tag.key, tag.value]));
  }
}

function* writeRun(tx: WriteTransaction, run: StagedRun, experimentId: number, artifactUri: string, counts: WriteCounts): Generator<void, void, void> {
  tx.run(
    `INSERT INTO runs (run_id, experiment_id, name, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri, deleted_time)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [run.runId, experimentId, run.name, run.userId, run.status, run.startTime, run.endTime, run.lifecycleStage, artifactUri, run.deletedTime],
  );
  runEach(tx, 'INSERT OR IGNORE INTO params (run_id, key, value) VALUES (?, ?, ?)', run.params.map((param) => [run.runId, param.key, param.value]));
  const tags: KeyValue[] = run.name && !run.tags.some((tag) => tag.key === runNameTag) ? [...run.tags, { key: runNameTag, value: run.name }] : run.tags;
  runEach(tx, 'INSERT OR REPLACE INTO tags (run_id, key, value) VALUES (?, ?, ?)', tags.map((tag) => [run.runId, tag.key, tag.value]));
  // In parts, each in its own step: insertMetrics finds a repeat of a point of an earlier part too,
  // so the history and latest values are what one call with every point would give.
  for (let start = 0; start < run.metrics.length; start += pointsPerStep) {
    insertMetrics(tx, run.runId, run.metrics.slice(start, start + pointsPerStep));
    yield;
  }
  for (const input of run.datasetInputs) {
    const datasetId = datasetIdFor(tx, experimentId, input.dataset);
    tx.run('INSERT OR IGNORE INTO run_inputs (run_id, dataset_id, tags_json) VALUES (?, ?, ?)', [run.runId, datasetId, JSON.stringify(input.tags)]);
  }
  runEach(tx, 'INSERT OR IGNORE INTO run_model_inputs (run_id, model_id) VALUES (?, ?)', run.modelInputs.map((modelId) => [run.runId, modelId]));
  runEach(
    tx,
    'INSERT OR REPLACE INTO run_outputs (run_id, model_id, step) VALUES (?, ?, ?)',
    run.modelOutputs.map((output) => [run.runId, output.modelId, output.step]),
  );
  counts.runsImported += 1;
  counts.metricPoints += run.metrics.length;
  counts.params += run.params.length;
  counts.tags += tags.length;
  yield;
}

/** A dataset is stored once per experiment, name and digest, as the store's own log-inputs keeps it. */
function datasetIdFor(tx: WriteTransaction, experimentId: number, dataset: StagedRun['datasetInputs'][number]['dataset']): string {
  const find = () =>
    tx.get<{ dataset_id: string }>('SELECT dataset_id FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?', [
      experimentId,
      dataset.name,
      dataset.digest,
    ])?.dataset_id;
  const existing = find();
  if (existing !== undefined) return existing;
  const datasetId = newDatasetId();
  tx.run(
    `INSERT INTO datasets (dataset_id, experiment_id, name, digest, source_type, source, schema, profile)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [datasetId, experimentId, dataset.name, dataset.digest, dataset.source_type, dataset.source, dataset.schema ?? null, dataset.profile ?? null],
  );
  return datasetId;
}

function writeLoggedModel(
  tx: WriteTransaction,
  model: StagedLoggedModel,
  experimentId: number,
  artifactLocation: string,
  runsInStore: ReadonlySet<string>,
  skipped: SkippedItem[],
): void {
  tx.run(
    `INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_timestamp_ms,
       last_updated_timestamp_ms, status, status_message, lifecycle_stage, model_type, source_run_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      model.modelId,
      experimentId,
      model.name,
      artifactLocation,
      model.creationTimestamp,
      model.lastUpdatedTimestamp,
      model.status,
      model.statusMessage,
      model.lifecycleStage,
      model.modelType,
      model.sourceRunId,
    ],
  );
  runEach(tx, 'INSERT OR REPLACE INTO logged_model_params (model_id, key, value) VALUES (?, ?, ?)', model.params.map((p) => [model.modelId, p.key, p.value]));
  runEach(tx, 'INSERT OR REPLACE INTO logged_model_tags (model_id, key, value) VALUES (?, ?, ?)', model.tags.map((t) => [model.modelId, t.key, t.value]));
  // A model's metrics are run metric points linked to it: an identical point already in the run's
  // history is linked, a new one is added (insertMetrics); the model keeps its own copy, as
  // log-metric with a model_id does (recordModelMetrics).
  const byRun = new Map<string, StagedModelMetric[]>();
  for (const point of model.metrics) {
    const points = byRun.get(point.runId) ?? [];
    points.push(point);
    byRun.set(point.runId, points);
  }
  for (const [runId, points] of byRun) {
    if (!runsInStore.has(runId)) {
      skipped.push({ path: model.origin, reason: `${points.length} metric point(s) of run ${runId}, which is not in the store` });
      continue;
    }
    insertMetrics(tx, runId, points);
    recordModelMetrics(tx, runId, points);
  }
}

/** Old artifact roots and where they are now, to carry model versions' storage locations along. */
function relocations(staged: StagedImport, uris: ImportedArtifactUris): [string, string][] {
  const moved: [string, string][] = [];
  for (const run of staged.runs) {
    const now = uris.runs.get(run.runId);
    if (now && run.artifactUri && now !== run.artifactUri) moved.push([run.artifactUri, now]);
  }
  for (const model of staged.loggedModels) {
    const now = uris.models.get(model.modelId);
    if (now && model.artifactLocation && now !== model.artifactLocation) moved.push([model.artifactLocation, now]);
  }
  return moved;
}

/**
 * Registered models are matched by name and versions by number: what the store has is kept, what
 * it lacks is added. Deleted versions come along as the store's tombstones, so their numbers are
 * never handed out again.
 */
function writeRegisteredModel(
  tx: WriteTransaction,
  model: StagedRegisteredModel,
  moved: readonly [string, string][],
  counts: WriteCounts,
  skipped: SkippedItem[],
): void {
  const exists = tx.get('SELECT 1 AS found FROM registered_models WHERE name = ?', [model.name]);
  if (!exists) {
    tx.run('INSERT INTO registered_models (name, creation_time, last_updated_time, description) VALUES (?, ?, ?, ?)', [
      model.name,
      model.creationTime,
      model.lastUpdatedTime,
      model.description,
    ]);
    counts.registeredModelsCreated += 1;
  }
  runEach(tx, 'INSERT OR IGNORE INTO registered_model_tags (name, key, value) VALUES (?, ?, ?)', model.tags.map((t) => [model.name, t.key, t.value]));
  for (const version of model.versions) {
    if (tx.get('SELECT 1 AS found FROM model_versions WHERE name = ? AND version = ?', [model.name, version.version])) continue;
    let stage: string;
    try {
      stage = version.currentStage.toLowerCase() === deletedStage.toLowerCase() ? deletedStage : canonicalStage(version.currentStage);
    } catch (error) {
      skipped.push({ path: version.origin, reason: (error as Error).message });
      continue;
    }
    tx.run(
      `INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, user_id, current_stage,
         source, run_id, run_link, status, status_message, storage_location, model_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        model.name,
        version.version,
        version.creationTime,
        version.lastUpdatedTime,
        version.description,
        version.userId,
        stage,
        version.source,
        version.runId,
        version.runLink,
        version.status,
        version.statusMessage,
        relocatedUri(version.storageLocation, moved),
        version.modelId,
      ],
    );
    runEach(
      tx,
      'INSERT OR IGNORE INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?)',
      version.tags.map((t) => [model.name, version.version, t.key, t.value]),
    );
    if (stage !== deletedStage) counts.versionsImported += 1;
  }
  for (const alias of model.aliases) {
    const target = tx.get<{ current_stage: string }>('SELECT current_stage FROM model_versions WHERE name = ? AND version = ?', [model.name, alias.version]);
    if (!target || target.current_stage === deletedStage) {
      skipped.push({ path: model.origin, reason: `alias '${alias.alias}' points at version ${alias.version}, which does not exist` });
      continue;
    }
    tx.run('INSERT OR IGNORE INTO registered_model_aliases (name, alias, version) VALUES (?, ?, ?)', [model.name, alias.alias, alias.version]);
  }
}
