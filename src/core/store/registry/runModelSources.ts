import type { Run } from '../../entities';
import { filterLiteral } from '../../search/filterLiteral';
import type { ArtifactStore } from '../artifactStore';
import { storeRootOf } from '../runArtifactRoot';
import type { TrackingStore } from '../trackingStore';

/** A model a run logged, as the registry takes it for a version's source. */
export interface ModelSource {
  readonly label: string;
  readonly source: string;
  readonly description: string;
}

/**
 * What of a run can be registered: the logged models it produced (MLflow 3, `models:/<model_id>`)
 * and the folders of its artifacts holding an `MLmodel` file (MLflow 2, `runs:/<run>/<path>`).
 */
export async function runModelSources(tracking: TrackingStore, artifacts: ArtifactStore, run: Run): Promise<ModelSource[]> {
  const runId = run.info.run_id;
  const sources: ModelSource[] = [];
  const logged = tracking.searchLoggedModels({
    experimentIds: [run.info.experiment_id],
    filter: `source_run_id = ${filterLiteral(runId)}`,
    maxResults: 100,
  }).models;
  const outputIds = new Set((run.outputs.model_outputs ?? []).map((output) => output.model_id));
  for (const id of outputIds) {
    if (logged.some((model) => model.info.model_id === id)) continue;
    try {
      logged.push(tracking.getLoggedModel(id));
    } catch {
      // An output naming a model that is gone: nothing to register.
    }
  }
  for (const model of logged) {
    sources.push({ label: model.info.name, source: `models:/${model.info.model_id}`, description: `logged model ${model.info.model_id}` });
  }
  const root = storeRootOf(run.info.artifact_uri);
  if (root !== undefined) {
    for (const entry of await artifacts.list(root)) {
      if (!entry.is_dir) continue;
      const inside = await artifacts.list(`${root}/${entry.path}`);
      if (inside.some((file) => !file.is_dir && file.path === 'MLmodel')) {
        sources.push({ label: entry.path, source: `runs:/${runId}/${entry.path}`, description: 'artifact folder with an MLmodel file' });
      }
    }
  }
  return sources;
}
