import type { Dataset } from './entities';
import { invalidParameter } from './errors';

/**
 * MLflow 3's limits and name rules (mlflow/utils/validation.py), with its messages, so that a
 * script gets the same answer here as from a real server. Where MLflow would silently truncate a
 * long param or tag value (MLFLOW_TRUNCATE_LONG_VALUES), RunLens refuses it instead: nothing the
 * client sent is lost without a word. The client truncates before sending anyway.
 */
export const limits = {
  maxParamValueLength: 6000,
  maxTagValueLength: 8000,
  maxEntityKeyLength: 250,
  maxExperimentNameLength: 500,
  maxExperimentTagKeyLength: 250,
  maxExperimentTagValueLength: 5000,
  maxMetricsPerBatch: 1000,
  maxParamsTagsPerBatch: 100,
  maxEntitiesPerBatch: 1000,
  maxDatasetNameLength: 500,
  maxDatasetDigestLength: 36,
  maxDatasetSourceLength: 65535,
  maxDatasetSchemaLength: 1048575,
  maxDatasetProfileLength: 16777215,
  maxInputTagKeyLength: 255,
  maxInputTagValueLength: 500,
} as const;

// Python's `\w` is Unicode-aware; letters, marks and numbers of any script, plus `_`. Off Windows
// MLflow also allows `:`.
const validKeyPattern = /^[\p{L}\p{M}\p{N}_/.\- :]*$/u;
const badCharacterMessage =
  'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).';
const badLoggedModelNameCharacters = ['/', ':', '.', '%', '"', "'"] as const;

/** `Invalid value "x" for parameter 'path' supplied: message`, as MLflow words it. */
export function invalidValueMessage(path: string, value: unknown, message?: string): string {
  const shown = pythonJson(value);
  return message
    ? `Invalid value ${shown} for parameter '${path}' supplied: ${message}`
    : `Invalid value ${shown} for parameter '${path}' supplied.`;
}

/** What MLflow's handlers append to a schema check's failure. */
export const apiDocsHint = ' See the API docs for more information about request parameters.';

/**
 * A value that fails one of the checks of an MLflow handler's request schema (wrong type, or a
 * bound such as search_runs' `max_results <= 50000`, which raises with no message of its own):
 * MLflow words them all alike, naming the value's Python type.
 */
export function schemaViolationMessage(path: string, value: unknown): string {
  return invalidValueMessage(path, value, ` Hint: Value was of type '${pythonTypeName(value)}'.`) + apiDocsHint;
}

function pythonTypeName(value: unknown): string {
  if (value === null) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float';
    case 'boolean':
      return 'bool';
    case 'string':
      return 'str';
    default:
      return 'dict';
  }
}

export function missingValueMessage(path: string): string {
  return `Missing value for required parameter '${path}'.`;
}

export function exceedsLengthMessage(path: string, limit: number): string {
  return `'${path}' exceeds the maximum length of ${limit} characters`;
}

/** Appends a field to a JSON path the way MLflow's messages show it: `metrics[3].name`. */
function jsonPath(base: string, field: string): string {
  if (!base) return field;
  return field.startsWith('[') ? `${base}${field}` : `${base}.${field}`;
}

export function validateLength(path: string, limit: number, value: string | undefined): void {
  if (value !== undefined && value.length > limit) {
    throw invalidParameter(exceedsLengthMessage(path, limit));
  }
}

/**
 * Metric, param and tag keys may be used as file names by some stores, so MLflow refuses names that
 * a path normalization would change (`a//b`, `./a`, `../a`, `/a`, `a/`).
 */
export function validateKeyName(path: string, name: string): void {
  if (!validKeyPattern.test(name)) {
    throw invalidParameter(invalidValueMessage(path, name, badCharacterMessage));
  }
  const normalized = normalizePosixPath(name);
  if (
    normalized !== name ||
    normalized === '.' ||
    normalized.startsWith('..') ||
    normalized.startsWith('/')
  ) {
    throw invalidParameter(
      invalidValueMessage(
        path,
        name,
        'Names may be treated as files in certain cases, and must not resolve to other names when' +
          ` treated as such. This name would resolve to ${pythonRepr(normalized)}`,
      ),
    );
  }
}

export interface MetricToValidate {
  readonly key: string;
  readonly value: number;
  readonly timestamp: number;
  readonly step: number;
}

/** `path` is '' for a single metric and `metrics[i]` inside a batch. */
export function validateMetric(metric: MetricToValidate, path = ''): void {
  validateKeyName(jsonPath(path, 'name'), metric.key);
  if (typeof metric.value !== 'number') {
    throw invalidParameter(
      invalidValueMessage(
        jsonPath(path, 'value'),
        metric.value,
        `(timestamp=${metric.timestamp}). Please specify value as a valid double (64-bit floating point)`,
      ),
    );
  }
  if (!Number.isInteger(metric.timestamp) || metric.timestamp < 0) {
    throw invalidParameter(
      invalidValueMessage(
        jsonPath(path, 'timestamp'),
        metric.timestamp,
        `metric '${metric.key}' (value=${metric.value}). Timestamp must be a nonnegative long (64-bit integer) `,
      ),
    );
  }
  if (!Number.isInteger(metric.step)) {
    throw invalidParameter(
      invalidValueMessage(
        jsonPath(path, 'step'),
        metric.step,
        `metric '${metric.key}' (value=${metric.value}). Step must be a valid long (64-bit integer).`,
      ),
    );
  }
  validateLength('Metric name', limits.maxEntityKeyLength, metric.key);
}

export function validateParam(key: string, value: string, path = ''): void {
  validateKeyName(jsonPath(path, 'key'), key);
  validateLength('Param key', limits.maxEntityKeyLength, key);
  validateLength('Param value', limits.maxParamValueLength, value);
}

export function validateTag(key: string, value: string, path = ''): void {
  validateKeyName(jsonPath(path, 'key'), key);
  validateLength(jsonPath(path, 'key'), limits.maxEntityKeyLength, key);
  validateLength(jsonPath(path, 'value'), limits.maxTagValueLength, value);
}

export function validateExperimentTag(key: string, value: string): void {
  validateKeyName('key', key);
  validateLength('key', limits.maxExperimentTagKeyLength, key);
  validateLength('value', limits.maxExperimentTagValueLength, value);
}

export function validateExperimentName(name: string): void {
  if (name === '') throw invalidParameter(`Invalid experiment name: '${name}'`);
  if (name.length > limits.maxExperimentNameLength) {
    throw invalidParameter(exceedsLengthMessage('name', limits.maxExperimentNameLength));
  }
}

export function validateLoggedModelName(name: string): void {
  if (name === '' || badLoggedModelNameCharacters.some((c) => name.includes(c))) {
    throw invalidParameter(
      `Invalid model name (${pythonRepr(name)}) provided. Model name must be a non-empty string and cannot` +
        ` contain the following characters: ('/', ':', '.', '%', '"', "'")`,
    );
  }
}

export function validateBatchLimits(metrics: number, params: number, tags: number): void {
  checkBatchLimit('metrics', limits.maxMetricsPerBatch, metrics);
  checkBatchLimit('params', limits.maxParamsTagsPerBatch, params);
  checkBatchLimit('tags', limits.maxParamsTagsPerBatch, tags);
  checkBatchLimit('metrics, params, and tags', limits.maxEntitiesPerBatch, metrics + params + tags);
}

export function validateParamKeysUnique(keys: readonly string[]): void {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const key of keys) {
    if (seen.has(key)) duplicates.push(key);
    seen.add(key);
  }
  if (duplicates.length > 0) {
    throw invalidParameter(
      `Duplicate parameter keys have been submitted: [${duplicates.map(pythonRepr).join(', ')}]. Please ensure` +
        ' the request contains only one param value per param key.',
    );
  }
}

export function validateDataset(dataset: Dataset): void {
  validateLength('name', limits.maxDatasetNameLength, dataset.name);
  validateLength('digest', limits.maxDatasetDigestLength, dataset.digest);
  validateLength('source', limits.maxDatasetSourceLength, dataset.source);
  validateLength('schema', limits.maxDatasetSchemaLength, dataset.schema);
  validateLength('profile', limits.maxDatasetProfileLength, dataset.profile);
}

export function validateInputTag(key: string, value: string): void {
  validateLength('key', limits.maxInputTagKeyLength, key);
  validateLength('value', limits.maxInputTagValueLength, value);
}

function checkBatchLimit(entityName: string, limit: number, length: number): void {
  if (length > limit) {
    throw invalidParameter(
      `A batch logging request can contain at most ${limit} ${entityName}. Got ${length} ${entityName}.` +
        ` Please split up ${entityName} across multiple requests and try again.`,
    );
  }
}

/** Python's posixpath.normpath, which differs from Node's in trailing slashes and `//`. */
function normalizePosixPath(path: string): string {
  if (path === '') return '.';
  let initialSlashes = path.startsWith('/') ? 1 : 0;
  if (path.startsWith('//') && !path.startsWith('///')) initialSlashes = 2;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..' || (initialSlashes === 0 && parts.length === 0) || parts[parts.length - 1] === '..') {
      parts.push(part);
    } else if (parts.length > 0) {
      parts.pop();
    }
  }
  const joined = '/'.repeat(initialSlashes) + parts.join('/');
  return joined || '.';
}

/** json.dumps as MLflow calls it (ASCII only), so messages match the real server's. */
function pythonJson(value: unknown): string {
  const json = JSON.stringify(value) ?? 'null';
  return json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function pythonRepr(text: string): string {
  return text.includes("'") && !text.includes('"') ? `"${text}"` : `'${text.replace(/'/g, "\\'")}'`;
}
