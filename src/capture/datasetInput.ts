import { pathToFileURL } from 'node:url';
import type { DatasetInput } from '../core/entities';
import { limits } from '../core/validation';
import type { DatasetFingerprint } from './dataFingerprint';

/** MLflow's input tag that says what a dataset was used for (mlflow.utils.mlflow_tags.MLFLOW_DATASET_CONTEXT). */
export const datasetContextTag = 'mlflow.data.context';

// MLflow truncates its dataset hashes to 8 hex characters (mlflow/data/digest_utils.py, and
// MetaDataset's sha256 digest): "a maximum digest length of 10 characters with an ideal length of 8".
const digestLength = 8;

/**
 * A fingerprint as an entry of `runs/log-inputs` `datasets`, shaped as MLflow's local dataset
 * source writes it (`source_type` `local`, `source` `{"uri": "file:///..."}`), so that the MLflow UI
 * and client read it like their own. The full hash stays in the profile for exact comparison.
 */
export function toDatasetInput(fingerprint: DatasetFingerprint, context = 'input'): DatasetInput {
  const profile = {
    size: fingerprint.size,
    files: fingerprint.fileCount,
    sha256: fingerprint.sha256,
    ...(fingerprint.truncated ? { truncated: true } : {}),
  };
  return {
    tags: [{ key: datasetContextTag, value: context }],
    dataset: {
      name: lastCharacters(fingerprint.name, limits.maxDatasetNameLength),
      digest: fingerprint.sha256.slice(0, digestLength),
      source_type: 'local',
      source: JSON.stringify({ uri: pathToFileURL(fingerprint.path).href }),
      schema: '',
      profile: JSON.stringify(profile),
    },
  };
}

/** A path too long for the name field keeps its end, the part that tells files apart. */
function lastCharacters(text: string, limit: number): string {
  return text.length <= limit ? text : `…${text.slice(text.length - limit + 1)}`;
}
