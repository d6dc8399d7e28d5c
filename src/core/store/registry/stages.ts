import { invalidParameter } from '../../errors';
import type { Stage } from './registryEntities';

export const allStages: readonly Stage[] = ['None', 'Staging', 'Production', 'Archived'];

/** The stages whose existing versions `archive_existing_versions` may archive, as MLflow's. */
export const activeStages: readonly Stage[] = ['Staging', 'Production'];

/**
 * A deleted version keeps its row with this stage, so that its number is never handed out again
 * (MLflow's STAGE_DELETED_INTERNAL). Every read leaves such rows out.
 */
export const deletedStage = 'Deleted_Internal';

/** MLflow accepts stages in any letter case ("production") and stores the canonical spelling. */
export function canonicalStage(stage: string): Stage {
  const found = allStages.find((candidate) => candidate.toLowerCase() === stage.toLowerCase());
  if (!found) {
    throw invalidParameter(`Invalid Model Version stage: ${stage}. Value must be one of ${allStages.join(', ')}.`);
  }
  return found;
}
