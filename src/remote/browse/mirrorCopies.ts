import type { MirrorDepth } from './remoteRunMirror';
import type { RemoteRunSummary } from './remoteRecords';

// What the mirror holds of the server's runs and experiments, and the fingerprints that tell whether they changed.

/** What the mirror holds of a run: how deep, since when, and a fingerprint to tell whether it changed. */
export interface RunCopy {
  depth: MirrorDepth;
  fetchedAt: number;
  lastUsed: number;
  readonly record: RemoteRunSummary;
  readonly print: string;
  readonly localExperimentId: number;
  readonly points: number;
  /** The point budget the history was cut at; absent when the whole history is here. */
  readonly cutAt?: number;
}

export interface ExperimentRunsCopy {
  readonly syncedAt: number;
  readonly running: boolean;
  readonly truncatedAt?: number;
  readonly print: string;
}

/** What a dashboard shows of a run, as one string: equal prints mean nothing shown changed. */
export function printOf(run: RemoteRunSummary): string {
  const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  return JSON.stringify([
    run.status,
    run.endTime ?? null,
    run.lifecycleStage,
    run.name,
    run.experimentId,
    [...run.metrics].sort(byKey).map((m) => [m.key, m.step, m.timestamp, String(m.value)]),
    [...run.params].sort(byKey),
    [...run.tags].sort(byKey),
    run.datasetInputs.map((input) => input.dataset.digest),
  ]);
}

export function truncation(state: ExperimentRunsCopy | undefined): { truncatedAt?: number } {
  return state?.truncatedAt === undefined ? {} : { truncatedAt: state.truncatedAt };
}
