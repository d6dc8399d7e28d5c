import { invalidParameter, notFound } from '../../errors';
import type { Reader } from '../databaseApi';
import type { RegistryReference, SourceLookups } from './modelSource';
import { requireModelRow, requireVersionRow } from './registryReads';
import { canonicalStage, deletedStage } from './stages';

/** What resolving a model version's source needs to know, read from the tracking and registry tables. */
export function sourceLookups(reader: Reader): SourceLookups {
  return {
    loggedModel: (modelId) => {
      const row = reader.get<{ artifact_location: string; source_run_id: string }>(
        'SELECT artifact_location, source_run_id FROM logged_models WHERE model_id = ?',
        [modelId],
      );
      return row && { artifactLocation: row.artifact_location, sourceRunId: row.source_run_id };
    },
    runArtifactUri: (runId) =>
      reader.get<{ artifact_uri: string }>('SELECT artifact_uri FROM runs WHERE run_id = ?', [runId])?.artifact_uri,
    registryLocation: (reference) => {
      const row = requireVersionRow(reader, reference.name, referencedVersion(reader, reference));
      return row.storage_location || row.source;
    },
  };
}

/** The version a `models:/name/...` reference names. */
function referencedVersion(reader: Reader, reference: RegistryReference): number {
  if ('version' in reference) return reference.version;
  if ('alias' in reference) {
    const row = reader.get<{ version: number }>(
      'SELECT version FROM registered_model_aliases WHERE name = ? AND alias = ?',
      [reference.name, reference.alias],
    );
    if (!row) throw invalidParameter(`Registered model alias ${reference.alias} not found.`);
    return row.version;
  }
  requireModelRow(reader, reference.name);
  const stageCondition = 'stage' in reference ? 'current_stage = ?' : 'current_stage != ?';
  const stageParam = 'stage' in reference ? canonicalStage(reference.stage) : deletedStage;
  const row = reader.get<{ top: number | null }>(
    `SELECT MAX(version) AS top FROM model_versions WHERE name = ? AND ${stageCondition}`,
    [reference.name, stageParam],
  );
  if (row?.top == null) {
    throw notFound(`No versions of registered model ${reference.name} match the model URI.`);
  }
  return row.top;
}
