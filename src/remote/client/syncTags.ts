import type { KeyValue } from '../../core/entities';

/**
 * What a push remembers, kept as tags so that it lives (and is journaled) with the data it
 * describes. On the local run: `runlens.sync.<host>.runId` names the run on that server and
 * `runlens.sync.<host>.cursor` says how far its metric history and artifacts have been sent. On a
 * local logged model: `runlens.sync.<host>.modelId`, and a cursor for its artifacts. On the remote run (or model):
 * `runlens.sync.sourceRunId` (`sourceModelId`) names the local one, so that a run created by a
 * request whose reply was lost is found again rather than created twice.
 */
const syncTagPrefix = 'runlens.sync.';
export const sourceRunTag = 'runlens.sync.sourceRunId';
export const sourceModelTag = 'runlens.sync.sourceModelId';
/** On a model version a push made: the number of the local version it copies (the model's name is the same on both sides). */
export const sourceVersionTag = 'runlens.sync.sourceVersion';

export interface SyncTagKeys {
  readonly runId: string;
  readonly cursor: string;
  readonly modelId: string;
}

export function syncTagKeys(host: string): SyncTagKeys {
  return {
    runId: `${syncTagPrefix}${host}.runId`,
    cursor: `${syncTagPrefix}${host}.cursor`,
    modelId: `${syncTagPrefix}${host}.modelId`,
  };
}

/** How far a run has been pushed to one server. Updated after each acknowledged chunk. */
export interface RunCursor {
  readonly remoteRunId: string;
  /**
   * Per metric history (by `latest_metrics.series_id`), how many of its points, in the order they
   * were logged, the server has acknowledged. A cursor from before the history files (it counted
   * rows of the old `metrics` table) has none: its points are sent again, and the server keeps
   * each identical point once.
   */
  readonly points: Readonly<Record<string, number>>;
  /** A fingerprint of the artifact files (paths and sizes) when they were last all uploaded. */
  readonly artifacts?: string;
}

/** The cursor for `remoteRunId`; a missing, unreadable or other run's cursor starts from nothing. */
export function readRunCursor(tags: readonly KeyValue[] | undefined, keys: SyncTagKeys, remoteRunId: string): RunCursor {
  const fresh: RunCursor = { remoteRunId, points: {} };
  const text = tags?.find((tag) => tag.key === keys.cursor)?.value;
  if (text === undefined) return fresh;
  try {
    const parsed = JSON.parse(text) as Partial<RunCursor>;
    if (parsed.remoteRunId !== remoteRunId) return fresh;
    return { remoteRunId, points: validCounts(parsed.points), ...(typeof parsed.artifacts === 'string' ? { artifacts: parsed.artifacts } : {}) };
  } catch {
    return fresh;
  }
}

/** Only whole counts survive from a tag (it is run data, so it is checked). */
function validCounts(points: unknown): Record<string, number> {
  if (points === null || typeof points !== 'object' || Array.isArray(points)) return {};
  return Object.fromEntries(Object.entries(points).filter(([, n]) => Number.isSafeInteger(n) && (n as number) >= 0));
}

export function tagValue(tags: readonly KeyValue[] | undefined, key: string): string | undefined {
  return tags?.find((tag) => tag.key === key)?.value;
}

/** The tags a push sends: the sync bookkeeping stays local. */
export function pushableTags(tags: readonly KeyValue[] | undefined): KeyValue[] {
  return (tags ?? []).filter((tag) => !tag.key.startsWith(syncTagPrefix));
}
