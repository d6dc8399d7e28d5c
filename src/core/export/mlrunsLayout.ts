import { createHash } from 'node:crypto';
import type { LoggedModelStatus, RunStatus } from '../entities';

/**
 * What MLflow's FileStore (mlflow/store/tracking/file_store.py, and the registry's
 * model_registry/file_store.py) keeps where, and how it spells values in its files. The export
 * writes this layout and the mlruns/ importer reads it; both take the names from here.
 *
 * ```
 * mlruns/<experiment_id>/meta.yaml, tags/<key>
 *        <experiment_id>/<run_id>/meta.yaml, params/<key>, tags/<key>, metrics/<key>, artifacts/,
 *                                  inputs/<id>/meta.yaml, outputs/<model_id>/meta.yaml
 *        <experiment_id>/datasets/<id>/meta.yaml
 *        <experiment_id>/models/<model_id>/meta.yaml, params/, tags/, metrics/, artifacts/
 *        .trash/<experiment_id>/...          deleted experiments
 *        models/<name>/meta.yaml, tags/, aliases/<alias>, version-<n>/meta.yaml, version-<n>/tags/
 * ```
 * Keys with `/` are nested folders. A metric file holds one line per point: `timestamp value step`
 * (older files: `timestamp value`, meaning step 0; newer ones may add `dataset_name dataset_digest`).
 */
export const mlrunsNames = {
  meta: 'meta.yaml',
  trash: '.trash',
  artifacts: 'artifacts',
  metrics: 'metrics',
  params: 'params',
  tags: 'tags',
  datasets: 'datasets',
  inputs: 'inputs',
  outputs: 'outputs',
  /** Logged models inside an experiment folder; at the root, the model registry. */
  models: 'models',
  traces: 'traces',
  aliases: 'aliases',
  versionPrefix: 'version-',
} as const;

/** Folders inside an experiment folder that are not runs. */
export const reservedExperimentFolders: ReadonlySet<string> = new Set([
  mlrunsNames.tags,
  mlrunsNames.datasets,
  mlrunsNames.traces,
  mlrunsNames.models,
]);

/** The RunStatus proto numbers, which a run's meta.yaml holds. */
const runStatusNumbers: Readonly<Record<RunStatus, number>> = {
  RUNNING: 1,
  SCHEDULED: 2,
  FINISHED: 3,
  FAILED: 4,
  KILLED: 5,
};

export function runStatusNumber(status: RunStatus): number {
  return runStatusNumbers[status];
}

/** A status as meta.yaml or a database row holds it: the proto number, or the name. */
export function parseRunStatus(value: unknown): RunStatus | undefined {
  const text = typeof value === 'number' || typeof value === 'string' ? String(value).trim().toUpperCase() : '';
  const entries = Object.entries(runStatusNumbers) as [RunStatus, number][];
  return entries.find(([name, number]) => name === text || String(number) === text)?.[0];
}

/** SourceType.LOCAL, which FileStore writes into every run's meta.yaml. */
export const sourceTypeLocal = 4;

/**
 * FileStore writes a logged model's status as the Python enum's name (READY); the SQL store keeps
 * the proto number (2); RunLens keeps the proto name (LOGGED_MODEL_READY).
 */
const loggedModelStatusByName: Readonly<Record<string, LoggedModelStatus>> = {
  UNSPECIFIED: 'LOGGED_MODEL_STATUS_UNSPECIFIED',
  PENDING: 'LOGGED_MODEL_PENDING',
  READY: 'LOGGED_MODEL_READY',
  FAILED: 'LOGGED_MODEL_UPLOAD_FAILED',
  UPLOAD_FAILED: 'LOGGED_MODEL_UPLOAD_FAILED',
};
const loggedModelStatusByNumber: readonly LoggedModelStatus[] = [
  'LOGGED_MODEL_STATUS_UNSPECIFIED',
  'LOGGED_MODEL_PENDING',
  'LOGGED_MODEL_READY',
  'LOGGED_MODEL_UPLOAD_FAILED',
];

export function parseLoggedModelStatus(value: unknown): LoggedModelStatus | undefined {
  if (typeof value === 'number') return loggedModelStatusByNumber[value];
  if (typeof value !== 'string') return undefined;
  const name = value.trim().toUpperCase();
  if ((loggedModelStatusByNumber as readonly string[]).includes(name)) return name as LoggedModelStatus;
  return loggedModelStatusByName[name] ?? (/^\d+$/.test(name) ? loggedModelStatusByNumber[Number(name)] : undefined);
}

/** The name FileStore writes for a status (the Python enum's value). */
export function loggedModelStatusFileName(status: string): string {
  const found = Object.entries(loggedModelStatusByName).find(([, proto]) => proto === status);
  return found?.[0] ?? 'UNSPECIFIED';
}

/**
 * A metric value as Python's `str(float)` writes it, which is what FileStore appends: `nan`,
 * `inf`, `-inf`, `1.0`, `0.25`, `1e-07`. Every finite value is written so that it reads back exactly.
 */
export function formatMetricValue(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (Object.is(value, -0)) return '-0.0';
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return `${value}.0`;
  // Python pads the exponent to two digits (1e-07); JavaScript does not (1e-7).
  return String(value).replace(/e([+-])(\d)$/, 'e$10$2');
}

const pythonFloat = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Reads what Python's `float()` reads from a metric file: decimals, exponents, nan and the infinities. */
export function parseMetricValue(text: string): number | undefined {
  const lower = text.trim().toLowerCase();
  if (lower === 'nan' || lower === '+nan' || lower === '-nan') return NaN;
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (!pythonFloat.test(lower)) return undefined;
  const value = Number(lower);
  return Number.isNaN(value) ? undefined : value;
}

/** The folder of a dataset in an experiment's `datasets/`: md5 of its name, then its digest. */
export function datasetFolderId(name: string, digest: string): string {
  return createHash('md5').update(name, 'utf8').update(digest, 'utf8').digest('hex');
}

/** The folder of a run input in the run's `inputs/`: md5 of the dataset (or model) id, then the run id. */
export function inputFolderId(sourceId: string, runId: string): string {
  return createHash('md5').update(sourceId, 'utf8').update(runId, 'utf8').digest('hex');
}
