import type { Reader } from '../core/store/databaseApi';
import type { StagedImport } from './stagedImport';

/** Where a source experiment's runs go in the store. */
export interface ExperimentMapping {
  readonly sourceId: string;
  readonly name: string;
  readonly targetId: number;
  /**
   * `kept`: created with the source's id; `mapped`: created with a new id (see `reason`);
   * `matched`: an experiment of that name was there already, the runs join it.
   */
  readonly outcome: 'kept' | 'mapped' | 'matched';
  readonly reason?: string;
}

/**
 * What an import will do, decided against the store before anything is copied or written: the
 * experiment id mapping, and which runs and logged models are new. Runs and logged models are
 * matched by id, experiments by name; a source experiment keeps its id when the store has none
 * such, and gets the next free id otherwise.
 */
export interface ImportPlan {
  readonly experiments: ReadonlyMap<string, ExperimentMapping>;
  readonly newRuns: ReadonlySet<string>;
  /** Runs already in the store, with their artifact URI there (missing artifact files are still copied). */
  readonly existingRuns: ReadonlyMap<string, string>;
  readonly newModels: ReadonlySet<string>;
  readonly existingModels: ReadonlyMap<string, string>;
}

/** RunLens keeps experiment ids as SQLite integers read into JavaScript numbers. */
const maxKeptId = Number.MAX_SAFE_INTEGER;

export function planImport(db: Reader, staged: StagedImport): ImportPlan {
  const experiments = new Map<string, ExperimentMapping>();
  const taken = new Map<number, string>(
    db.all<{ experiment_id: number; name: string }>('SELECT experiment_id, name FROM experiments').map((row) => [row.experiment_id, row.name]),
  );
  const byName = new Map([...taken].map(([id, name]) => [name, id]));
  const needNewId: { sourceId: string; name: string; reason: string }[] = [];

  for (const experiment of staged.experiments) {
    const { sourceId, name } = experiment;
    const existing = byName.get(name);
    if (existing !== undefined) {
      experiments.set(sourceId, { sourceId, name, targetId: existing, outcome: 'matched' });
      continue;
    }
    const id = /^\d+$/.test(sourceId) ? Number(sourceId) : NaN;
    if (!Number.isSafeInteger(id) || id > maxKeptId) {
      needNewId.push({ sourceId, name, reason: `id ${sourceId} is larger than RunLens keeps` });
    } else if (taken.has(id)) {
      needNewId.push({ sourceId, name, reason: `id ${sourceId} is taken by experiment '${taken.get(id)}'` });
    } else {
      experiments.set(sourceId, { sourceId, name, targetId: id, outcome: 'kept' });
      taken.set(id, name);
      byName.set(name, id);
    }
  }
  // New ids come after every id in use, kept ones included, so a later kept id never collides.
  let next = Math.max(0, ...taken.keys()) + 1;
  for (const { sourceId, name, reason } of needNewId) {
    const matchedInSource = [...experiments.values()].find((mapping) => mapping.name === name);
    if (matchedInSource) {
      experiments.set(sourceId, { sourceId, name, targetId: matchedInSource.targetId, outcome: 'matched' });
      continue;
    }
    experiments.set(sourceId, { sourceId, name, targetId: next, outcome: 'mapped', reason });
    next += 1;
  }

  const existingRuns = new Map<string, string>();
  const newRuns = new Set<string>();
  for (const run of staged.runs) {
    const row = db.get<{ artifact_uri: string }>('SELECT artifact_uri FROM runs WHERE run_id = ?', [run.runId]);
    if (row) existingRuns.set(run.runId, row.artifact_uri);
    else newRuns.add(run.runId);
  }
  const existingModels = new Map<string, string>();
  const newModels = new Set<string>();
  for (const model of staged.loggedModels) {
    const row = db.get<{ artifact_location: string }>('SELECT artifact_location FROM logged_models WHERE model_id = ?', [model.modelId]);
    if (row) existingModels.set(model.modelId, row.artifact_location);
    else newModels.add(model.modelId);
  }
  return { experiments, newRuns, existingRuns, newModels, existingModels };
}
