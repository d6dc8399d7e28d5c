import type { Experiment } from '../../core/entities';
import { RemoteError, type MlflowRestClient } from './mlflowRestClient';
import type { RemoteExperiment } from './remoteEntities';
import { pushableTags } from './syncTags';

/**
 * The server's experiment for each local one, matched by name and created when the server has
 * none (with the local experiment's tags). Each is looked up once per push.
 */
export class RemoteExperiments {
  private readonly ids = new Map<string, Promise<string>>();

  constructor(private readonly client: MlflowRestClient) {}

  idFor(experiment: Pick<Experiment, 'name' | 'tags'>): Promise<string> {
    let id = this.ids.get(experiment.name);
    if (!id) {
      id = this.resolve(experiment);
      // A failure is not remembered: the next run of the experiment tries again.
      id.catch(() => this.ids.delete(experiment.name));
      this.ids.set(experiment.name, id);
    }
    return id;
  }

  private async resolve(experiment: Pick<Experiment, 'name' | 'tags'>): Promise<string> {
    const existing = await this.byName(experiment.name);
    if (existing) return activeId(existing);
    try {
      const created = await this.client.post<{ experiment_id: string }>('experiments/create', {
        name: experiment.name,
        tags: pushableTags(experiment.tags),
      });
      return String(created.experiment_id);
    } catch (error) {
      // Created by a request whose reply was lost, or by someone else meanwhile.
      if (!RemoteError.is(error, 'RESOURCE_ALREADY_EXISTS')) throw error;
      const raced = await this.byName(experiment.name);
      if (!raced) throw error;
      return activeId(raced);
    }
  }

  private async byName(name: string): Promise<RemoteExperiment | undefined> {
    try {
      return (await this.client.get<{ experiment: RemoteExperiment }>('experiments/get-by-name', { experiment_name: name })).experiment;
    } catch (error) {
      if (RemoteError.is(error, 'RESOURCE_DOES_NOT_EXIST')) return undefined;
      throw error;
    }
  }
}

function activeId(experiment: RemoteExperiment): string {
  if (experiment.lifecycle_stage === 'deleted') {
    throw new Error(`the experiment '${experiment.name}' is deleted on the server; restore it there, or rename the local one`);
  }
  return String(experiment.experiment_id);
}
