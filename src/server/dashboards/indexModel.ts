import type { TrackingStore } from '../../core/store/trackingStore';
import type { IndexModel } from '../../protocol/dashboards/indexPage';
import type { RunRef } from '../../protocol/dashboards/shapes';

/** Runs the start page lists, newest first; the experiment dashboards hold the rest. */
export const indexRunLimit = 50;

/** The browser mode's start page: every active experiment with its run count, and the newest runs. */
export function indexModel(tracking: TrackingStore): IndexModel {
  const experiments = tracking.listExperiments('ACTIVE_ONLY');
  const names = new Map(experiments.map((e) => [e.experiment_id, e.name]));
  const page = tracking.searchRuns({
    experimentIds: experiments.map((e) => e.experiment_id),
    orderBy: ['attributes.start_time DESC'],
    maxResults: indexRunLimit,
  });
  const runs: RunRef[] = page.runs.map(({ info }) => ({
    runId: info.run_id,
    name: info.run_name,
    experimentId: info.experiment_id,
    experimentName: names.get(info.experiment_id) ?? info.experiment_id,
    status: info.status,
    startTime: info.start_time,
  }));
  return {
    experiments: experiments.map((e) => ({
      experimentId: e.experiment_id,
      name: e.name,
      runCount: tracking.countRuns(e.experiment_id),
    })),
    runs,
  };
}
