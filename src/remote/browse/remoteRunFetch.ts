import type { Metric } from '../../core/entities';
import { notFound } from '../../core/errors';
import type { MirroredExperiment } from './mirrorWrites';
import { experimentSummary, metric, runSummary, type RemoteRunSummary } from './remoteRecords';
import type { RemoteRequests } from './remoteRequests';

// What the mirror reads from the server, each through the mirror's limiter: a run, its metric
// histories page by page, an experiment, and an experiment's runs.

type Wire = Record<string, unknown>;

export async function fetchRun(requests: RemoteRequests, runId: string): Promise<RemoteRunSummary> {
  const reply = await requests.call((client) => client.get<{ run?: Wire }>('runs/get', { run_id: runId }));
  const record = runSummary(reply.run ?? {});
  if (record.runId === '') throw notFound(`Run '${runId}' is not on ${requests.url}.`);
  return record;
}

/** Every point of every metric of the run, up to `budget` points over all of them. */
export async function fetchHistories(requests: RemoteRequests, record: RemoteRunSummary, budget: number, pageSize: number): Promise<{ points: Metric[]; cut: boolean }> {
  const points: Metric[] = [];
  let left = budget;
  let cut = false;
  const keys = [...new Set(record.metrics.map((m) => m.key))];
  await Promise.all(
    keys.map(async (key) => {
      let pageToken: string | undefined;
      do {
        if (left <= 0) {
          cut = true;
          return;
        }
        const take = Math.min(pageSize, left);
        left -= take;
        const token = pageToken;
        const reply = await requests.call((client) =>
          client.get<Wire>('metrics/get-history', {
            run_id: record.runId,
            metric_key: key,
            max_results: String(take),
            ...(token ? { page_token: token } : {}),
          }),
        );
        const page = Array.isArray(reply.metrics) ? (reply.metrics as Wire[]) : [];
        left += take - page.length;
        for (const wire of page) points.push(metric(wire));
        pageToken = typeof reply.next_page_token === 'string' && reply.next_page_token !== '' ? reply.next_page_token : undefined;
      } while (pageToken !== undefined);
    }),
  );
  return { points, cut };
}

/** The experiment as the mirror's store keeps it (its id there is the mirror's to give). */
export async function fetchExperiment(requests: RemoteRequests, remoteExperimentId: string): Promise<Omit<MirroredExperiment, 'localId'>> {
  const reply = await requests.call((client) => client.get<{ experiment?: Wire }>('experiments/get', { experiment_id: remoteExperimentId }));
  const wire = reply.experiment ?? {};
  const summary = experimentSummary(wire);
  return {
    name: summary.name || `Experiment ${remoteExperimentId}`,
    artifactLocation: typeof wire.artifact_location === 'string' ? wire.artifact_location : '',
    lifecycleStage: summary.lifecycleStage,
    creationTime: Number(wire.creation_time ?? 0) || 0,
    lastUpdateTime: Number(wire.last_update_time ?? 0) || 0,
    tags: Array.isArray(wire.tags) ? (wire.tags as Wire[]).map((tag) => ({ key: String(tag.key ?? ''), value: String(tag.value ?? '') })) : [],
  };
}

/** The experiment's runs, newest first, at most `maxRuns`: `truncatedAt` says when it has more. */
export async function fetchExperimentRuns(
  requests: RemoteRequests,
  remoteExperimentId: string,
  maxRuns: number,
): Promise<{ found: RemoteRunSummary[]; truncatedAt: number | undefined }> {
  const found: RemoteRunSummary[] = [];
  let pageToken: string | undefined;
  let truncatedAt: number | undefined;
  do {
    const token = pageToken;
    const reply = await requests.call((client) =>
      client.post<Wire>('runs/search', {
        experiment_ids: [remoteExperimentId],
        max_results: Math.min(1000, maxRuns - found.length),
        order_by: ['attributes.start_time DESC'],
        run_view_type: 'ALL',
        ...(token ? { page_token: token } : {}),
      }),
    );
    if (Array.isArray(reply.runs)) for (const wire of reply.runs as Wire[]) found.push(runSummary(wire));
    pageToken = typeof reply.next_page_token === 'string' && reply.next_page_token !== '' ? reply.next_page_token : undefined;
    if (pageToken !== undefined && found.length >= maxRuns) {
      truncatedAt = found.length;
      pageToken = undefined;
    }
  } while (pageToken !== undefined);
  return { found, truncatedAt };
}
