import { MlflowRestClient, type RestClientOptions } from '../client/mlflowRestClient';
import { normalizeServerUrl, type RemoteServer } from '../client/remoteServer';
import { signalOf, type LaunchEnding } from '../../core/launches/launchEnding';
import type { LaunchImprint } from '../../core/launches/launchImprint';
import type { LaunchRow } from '../../core/launches/launchRows';
import type { EndedLaunch } from '../../core/launches/launchService';
import { launchRunMatch, sendRemoteLaunchEnd } from './remoteLaunchEnd';
import { isUnsent, type RemoteLaunchRecord } from '../../core/launches/remoteLaunchRecord';

/** The note on the runs of a remote launch whose window ended while its script ran. */
export const windowEndedReason =
  "RunLens's VS Code window ended (it crashed or was closed) while the script was running, so RunLens could not follow the script to its end. " +
  'It found the process gone when the workspace opened again, marked the run FAILED, and sent the output logged until then.';

/**
 * What sending a remote launch's end asks of the store that keeps its record: a LaunchService in
 * the process that owns the store, or a guest window's calls to the owner (OwnerLaunch).
 */
export interface RemoteSettlementRecords {
  get(launchId: string): LaunchRow | undefined | Promise<LaunchRow | undefined>;
  imprintOfLaunch(row: LaunchRow): LaunchImprint | Promise<LaunchImprint>;
  filesFolder(launchId: string): string;
  /** Kept in order with the release after it. */
  setRemote(launchId: string, remote: RemoteLaunchRecord): void;
  release(launchId: string): Promise<void>;
}

export interface SettleRemoteLaunchOptions {
  readonly launches: RemoteSettlementRecords;
  readonly launchId: string;
  /** The launch's server, with its credentials: the caller finds it by the record's URL among the servers it may contact. */
  readonly server: RemoteServer;
  readonly requests?: RestClientOptions;
}

/**
 * Sends the end of a remote launch that ended in the store but never reached its server: the
 * window ended while the script ran (crash recovery ended the record), or the server was down when
 * the script ended. Its runs still RUNNING there end as the process did (FAILED with a note, for a
 * window that ended), and get the capture's tags and the files kept in `.runlens/launches/` (the
 * output log as far as it got, the package listing); then the record is marked sent and the files
 * are deleted. A failure leaves the record unsent, with the reason, and the files kept, and throws.
 * Undefined when nothing is left to send (settled already, or forgotten).
 */
export async function settleRemoteLaunch(options: SettleRemoteLaunchOptions): Promise<EndedLaunch | undefined> {
  const { launches, launchId, server } = options;
  const row = await launches.get(launchId);
  if (row?.remote_json == null) throw new Error(`RunLens has no remote launch ${launchId}`);
  if (row.status === 'RUNNING') throw new Error(`launch ${launchId} is still running`);
  const record = JSON.parse(row.remote_json) as RemoteLaunchRecord;
  if (!isUnsent(record)) return undefined;
  if (normalizeServerUrl(server.url) !== normalizeServerUrl(record.url)) {
    throw new Error(`launch ${launchId} logged to ${record.url}, not ${server.url}`);
  }
  const ending: LaunchEnding = record.ending ?? { kind: 'abandoned', reason: windowEndedReason };
  const imprint = await launches.imprintOfLaunch(row);
  const endedTime = row.ended_time ?? row.created_time;
  let runs;
  try {
    runs = await sendRemoteLaunchEnd(new MlflowRestClient(server, options.requests), {
      runId: record.runId,
      match: launchRunMatch(launchId, record.since ?? row.created_time, imprint, record.scriptPath),
      imprint,
      ending,
      endedTime,
      filesFolder: launches.filesFolder(launchId),
    });
  } catch (error) {
    launches.setRemote(launchId, { ...record, failure: (error as Error).message });
    throw error;
  }
  const { server: name, url, experimentId, runId } = record;
  const sent: RemoteLaunchRecord = { server: name, url, experimentId, runId, runIds: runs.map((run) => run.info.run_id), synced: true };
  launches.setRemote(launchId, sent);
  await launches.release(launchId);
  const signal = signalOf(ending);
  return {
    launchId,
    status: row.status,
    ...(row.exit_code !== null ? { exitCode: row.exit_code } : {}),
    ...(signal !== undefined ? { signal } : {}),
    createdTime: row.created_time,
    endedTime,
    runs,
    madeRun: false,
    remote: sent,
  };
}

/**
 * Gives up sending a remote launch's end, at the person's request: the record says so and the kept
 * files are deleted; the runs on the server stay as they are.
 */
export async function forgetRemoteLaunch(launches: RemoteSettlementRecords, launchId: string): Promise<void> {
  const row = await launches.get(launchId);
  if (row?.remote_json == null) return;
  const record = JSON.parse(row.remote_json) as RemoteLaunchRecord;
  if (!isUnsent(record)) return;
  launches.setRemote(launchId, { ...record, dropped: 'forgotten: the person chose not to send it' });
  await launches.release(launchId);
}
