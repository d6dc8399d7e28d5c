import { pathToFileURL } from 'node:url';
import { storeRootOf } from '../core/store/runArtifactRoot';
import type { ArtifactStore } from '../core/store/artifactStore';
import type { TrackingStore } from '../core/store/trackingStore';
import { ArtifactStaging, type CopyCounts } from './artifactStaging';
import { planImport, type ExperimentMapping, type ImportPlan } from './importPlan';
import { applyImport, type ImportedArtifactUris } from './importWriter';
import { readMlflowDb } from './mlflowDb/mlflowDbReader';
import { resolveMlflowSource } from './mlflowSource';
import { readMlruns } from './mlruns/mlrunsReader';
import type { ArtifactLocation, ImportFormat, SkippedItem, StagedImport } from './stagedImport';

/** The store an import writes into. */
export interface ImportTarget {
  readonly tracking: TrackingStore;
  readonly artifacts: ArtifactStore;
}

export type ImportPhase = 'reading' | 'copying' | 'writing';

/** Told as an import goes: `done` of `total` units (runs, models) of the phase. */
export interface ImportUpdate {
  readonly phase: ImportPhase;
  readonly done: number;
  readonly total: number;
  readonly message: string;
}

export interface ImportOptions {
  /** `copy` (default): artifacts are copied into the store. `reference`: runs keep pointing at the files where they are. */
  readonly artifacts?: 'copy' | 'reference';
  /** Checked between units, in the write too: an abort at any point leaves the store exactly as it was. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (update: ImportUpdate) => void;
}

export interface ImportSummary {
  readonly source: string;
  readonly format: ImportFormat;
  readonly experiments: {
    readonly created: number;
    readonly matchedByName: number;
    /** Source experiments whose id in RunLens differs from the source's, and why. */
    readonly mapping: ExperimentMapping[];
  };
  readonly runs: { readonly imported: number; readonly alreadyPresent: number };
  readonly metricPoints: number;
  readonly params: number;
  readonly tags: number;
  readonly artifacts: { readonly mode: 'copy' | 'reference'; readonly filesCopied: number; readonly bytesCopied: number };
  readonly loggedModels: { readonly imported: number; readonly alreadyPresent: number };
  readonly registeredModels: { readonly created: number; readonly versionsImported: number };
  readonly skipped: SkippedItem[];
  readonly durationMs: number;
}

/**
 * Imports an mlruns/ folder or an mlflow.db into the store: read everything into memory, plan
 * (experiments by name, runs and logged models by id), copy artifacts into a staging folder, write
 * it all in one transaction, then move the artifacts into place. Every phase yields to the event
 * loop as it goes (the transaction runs in slices: Database.writeInSlices), so the process keeps
 * serving while it imports. Importing the same data again adds nothing; runs imported before only
 * get artifact files they lack. Cancelling (the signal) leaves the store and its artifacts untouched.
 */
export async function importMlflowData(target: ImportTarget, sourcePath: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const started = Date.now();
  const mode = options.artifacts ?? 'copy';
  const source = resolveMlflowSource(sourcePath);
  const readOptions = {
    signal: options.signal,
    onProgress: (update: { done: number; total: number; message: string }) => options.onProgress?.({ phase: 'reading', ...update }),
  };
  const staged = source.format === 'mlruns' ? await readMlruns(source.path, readOptions) : await readMlflowDb(source.path, readOptions);
  options.signal?.throwIfAborted();
  const skipped = [...staged.skipped];
  const plan = planImport(target.tracking.db, staged);

  const copied: CopyCounts = { files: 0, bytes: 0 };
  const staging = mode === 'copy' ? await ArtifactStaging.create(target.artifacts.root) : undefined;
  try {
    const uris = staging
      ? await copyArtifacts(staging, staged, plan, copied, skipped, options)
      : referencedArtifacts(staged, plan, skipped);
    options.signal?.throwIfAborted();
    const runsToWrite = plan.newRuns.size;
    options.onProgress?.({ phase: 'writing', done: 0, total: runsToWrite, message: 'writing to the store' });
    const counts = await target.tracking.db.writeInSlices(
      (tx) =>
        applyImport(tx, staged, plan, uris, (done, total) =>
          options.onProgress?.({ phase: 'writing', done, total, message: 'writing to the store' }),
        ),
      { signal: options.signal },
    );
    skipped.push(...counts.skipped);
    await staging?.publish();
    options.onProgress?.({ phase: 'writing', done: runsToWrite, total: runsToWrite, message: 'done' });
    const mappings = [...plan.experiments.values()];
    return {
      source: source.path,
      format: source.format,
      experiments: {
        created: counts.experimentsCreated,
        matchedByName: mappings.filter((m) => m.outcome === 'matched').length,
        mapping: mappings.filter((m) => String(m.targetId) !== m.sourceId),
      },
      runs: { imported: counts.runsImported, alreadyPresent: plan.existingRuns.size },
      metricPoints: counts.metricPoints,
      params: counts.params,
      tags: counts.tags,
      artifacts: { mode, filesCopied: copied.files, bytesCopied: copied.bytes },
      loggedModels: { imported: counts.loggedModelsImported, alreadyPresent: plan.existingModels.size },
      registeredModels: { created: counts.registeredModelsCreated, versionsImported: counts.versionsImported },
      skipped,
      durationMs: Date.now() - started,
    };
  } finally {
    // After a publish only emptied folders are left; after a failure or a cancel, the staged copies.
    await staging?.discard();
  }
}

/** New runs and logged models get `mlflow-artifacts:` URIs in the store, with their files staged there. */
async function copyArtifacts(
  staging: ArtifactStaging,
  staged: StagedImport,
  plan: ImportPlan,
  copied: CopyCounts,
  skipped: SkippedItem[],
  options: ImportOptions,
): Promise<ImportedArtifactUris> {
  const runs = new Map<string, string>();
  const models = new Map<string, string>();
  const total = staged.runs.length + staged.loggedModels.length;
  let done = 0;
  const copy = async (location: ArtifactLocation, origin: string, storeUri: string | undefined): Promise<void> => {
    options.signal?.throwIfAborted();
    const root = storeUri === undefined ? undefined : storeRootOf(storeUri);
    if (location.kind === 'unavailable') {
      if (location.reason) skipped.push({ path: origin, reason: location.reason });
    } else if (root !== undefined) {
      await staging.copyFolder(location.path, root, copied, options.signal);
    }
    options.onProgress?.({ phase: 'copying', done: ++done, total, message: origin });
  };
  for (const run of staged.runs) {
    const experiment = plan.experiments.get(run.sourceExperimentId);
    const fresh = plan.newRuns.has(run.runId);
    const storeUri = fresh ? (experiment && `mlflow-artifacts:/${experiment.targetId}/${run.runId}/artifacts`) : plan.existingRuns.get(run.runId);
    // A run whose artifacts are nowhere here keeps the URI it had (it may be a remote store).
    if (fresh && storeUri !== undefined) runs.set(run.runId, run.artifacts.kind === 'folder' ? storeUri : run.artifactUri);
    await copy(run.artifacts, run.origin, storeUri);
  }
  for (const model of staged.loggedModels) {
    const experiment = plan.experiments.get(model.sourceExperimentId);
    const fresh = plan.newModels.has(model.modelId);
    const storeUri = fresh
      ? experiment && `mlflow-artifacts:/${experiment.targetId}/models/${model.modelId}/artifacts`
      : plan.existingModels.get(model.modelId);
    if (fresh && storeUri !== undefined) models.set(model.modelId, model.artifacts.kind === 'folder' ? storeUri : model.artifactLocation);
    await copy(model.artifacts, model.origin, storeUri);
  }
  return { runs, models };
}

/** Runs and logged models keep pointing at their artifacts where they are: the folder found, as a file: URI. */
function referencedArtifacts(staged: StagedImport, plan: ImportPlan, skipped: SkippedItem[]): ImportedArtifactUris {
  const uriOf = (location: ArtifactLocation, recorded: string, origin: string): string => {
    if (location.kind === 'folder') return pathToFileURL(location.path).href;
    if (location.reason) skipped.push({ path: origin, reason: location.reason });
    return recorded;
  };
  const runs = new Map<string, string>();
  for (const run of staged.runs) {
    if (plan.newRuns.has(run.runId)) runs.set(run.runId, uriOf(run.artifacts, run.artifactUri, run.origin));
  }
  const models = new Map<string, string>();
  for (const model of staged.loggedModels) {
    if (plan.newModels.has(model.modelId)) models.set(model.modelId, uriOf(model.artifacts, model.artifactLocation, model.origin));
  }
  return { runs, models };
}
