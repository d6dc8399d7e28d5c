import { quoteFilterString } from './remoteBrowser';
import { experimentSummary, runSummary, type RemoteExperimentSummary, type RemoteRunSummary } from './remoteRecords';
import type { RemoteRequests } from './remoteRequests';

/** A remote run that matched a search, with its experiment's name. */
export interface FoundRemoteRun {
  readonly run: RemoteRunSummary;
  readonly experimentName: string;
}

type Wire = Record<string, unknown>;

/** Experiments a search for compare candidates looks through. */
const searchedExperiments = 100;

/** The compare picker's search for runs of a server by name. */
export class RemoteRunSearch {
  constructor(private readonly requests: RemoteRequests) {}

  /**
   * Runs whose name contains `query` (any case), newest first, over the server's first 100
   * experiments, with `preferExperimentId`'s runs first. One or two runs/search requests, cached.
   */
  find(query: string, limit: number, preferExperimentId?: string): Promise<FoundRemoteRun[]> {
    return this.requests.cached(`find/${limit}/${preferExperimentId ?? ''}/${query}`, async () => {
      let filter: string | undefined;
      try {
        filter = query === '' ? undefined : `attributes.run_name ILIKE ${quoteFilterString(`%${query}%`)}`;
      } catch {
        return []; // both quote characters: no run name can be searched for with it
      }
      const experiments = await this.experimentList();
      const names = new Map(experiments.map((experiment) => [experiment.experimentId, experiment.name]));
      const search = async (experimentIds: readonly string[]) => {
        if (experimentIds.length === 0) return [];
        const reply = await this.requests.call((client) =>
          client.post<Wire>('runs/search', {
            experiment_ids: experimentIds,
            max_results: limit,
            order_by: ['attributes.start_time DESC'],
            run_view_type: 'ACTIVE_ONLY',
            ...(filter ? { filter } : {}),
          }),
        );
        return Array.isArray(reply.runs) ? (reply.runs as Wire[]).map(runSummary) : [];
      };
      const preferred = preferExperimentId !== undefined && names.has(preferExperimentId) ? await search([preferExperimentId]) : [];
      const rest = await search([...names.keys()].filter((id) => id !== preferExperimentId));
      return [...preferred, ...rest].slice(0, limit).map((run) => ({ run, experimentName: names.get(run.experimentId) ?? run.experimentId }));
    });
  }

  private experimentList(): Promise<RemoteExperimentSummary[]> {
    return this.requests.cached('experiments', async () => {
      const reply = await this.requests.call((client) => client.post<Wire>('experiments/search', { max_results: searchedExperiments, view_type: 'ACTIVE_ONLY' }));
      return Array.isArray(reply.experiments) ? (reply.experiments as Wire[]).map(experimentSummary) : [];
    });
  }
}
