import { storeRootOf } from '../../core/store/runArtifactRoot';
import type { KeyValue, Run } from '../../core/entities';
import { folderFiles } from '../../core/export/artifactFiles';
import type { MlflowRestClient } from '../client/mlflowRestClient';
import { uploadMissingArtifacts } from '../push/pushArtifacts';
import { exitCodeOf, noteOfEnding, signalOf, statusOfEnding, type LaunchEnding } from '../../core/launches/launchEnding';
import type { LaunchImprint } from '../../core/launches/launchImprint';
import { LaunchTag } from '../../core/launches/launchTags';
import { findLaunchRuns, runIdOf, runOfWire, type LaunchRunMatch, type WireRun } from './remoteLaunchRuns';

/** The end of a remote launch, as it is sent to its server: by the launch itself, or later from its record. */
export interface RemoteLaunchEnd {
  /** The run made on the server before the script started. */
  readonly runId: string;
  /** How the other runs the process made there are told from everyone else's. */
  readonly match: LaunchRunMatch;
  readonly imprint: LaunchImprint;
  readonly ending: LaunchEnding;
  readonly endedTime: number;
  /** The launch's kept files, laid out as the artifacts its runs get. */
  readonly filesFolder: string;
}

const tagsPerBatch = 100;

/**
 * Tells the server how the launch ended: its runs get the capture's tags, the exit code, the files
 * and, when still RUNNING, the process's outcome (with a note when RunLens ended them itself).
 * Every step is idempotent, so an end that failed halfway is simply sent again. Returns the runs
 * as they stand afterwards, the launch's run first.
 */
export async function sendRemoteLaunchEnd(client: MlflowRestClient, end: RemoteLaunchEnd): Promise<Run[]> {
  const { ending, imprint } = end;
  const main = (await client.get<{ run: WireRun }>('runs/get', { run_id: end.runId, run_uuid: end.runId })).run;
  const others = (await findLaunchRuns(client, end.match)).filter((run) => runIdOf(run) !== end.runId);
  const status = statusOfEnding(ending);
  const exitCode = exitCodeOf(ending);
  const signal = signalOf(ending);
  const note = noteOfEnding(ending);
  const endTags: KeyValue[] = [
    ...(exitCode !== undefined ? [{ key: LaunchTag.ExitCode, value: String(exitCode) }] : []),
    ...(signal !== undefined ? [{ key: LaunchTag.ExitSignal, value: signal }] : []),
  ];
  const final: Run[] = [];
  for (const wire of [main, ...others]) {
    const run = runOfWire(wire);
    const runId = run.info.run_id;
    const held = new Map((run.data.tags ?? []).map((tag) => [tag.key, tag.value]));
    const running = run.info.status === 'RUNNING';
    const noteTags: KeyValue[] =
      running && note !== undefined
        ? [{ key: LaunchTag.Note, value: note }, ...(held.has(LaunchTag.MlflowNote) ? [] : [{ key: LaunchTag.MlflowNote, value: note }])]
        : [];
    // The capture wins over the client's own guesses for the same keys (mlflow.source.name), as in the store.
    await logTags(client, runId, [...imprint.tags, ...endTags, ...noteTags].filter((tag) => held.get(tag.key) !== tag.value));
    const inputs = new Set((run.inputs.dataset_inputs ?? []).map((input) => `${input.dataset.name}\0${input.dataset.digest}`));
    const datasets = imprint.datasets.filter((input) => !inputs.has(`${input.dataset.name}\0${input.dataset.digest}`));
    if (datasets.length > 0) await client.post('runs/log-inputs', { run_id: runId, datasets });
    await uploadLaunchFiles(client, end.filesFolder, { runId, artifactUri: run.info.artifact_uri });
    // Last, so that an ended run on the server means every part of it arrived.
    if (running) await client.post('runs/update', { run_id: runId, run_uuid: runId, status, end_time: end.endedTime });
    final.push(runOfWire((await client.get<{ run: WireRun }>('runs/get', { run_id: runId, run_uuid: runId })).run));
  }
  return final;
}

/**
 * The launch's files (all, or those named) to a run on the server. Without `replace` a file the
 * run already holds at the same size is left alone; with it (the growing output log) it is sent again.
 */
export async function uploadLaunchFiles(
  client: MlflowRestClient,
  filesFolder: string,
  run: { readonly runId: string; readonly artifactUri: string },
  only?: readonly string[],
  replace = false,
): Promise<void> {
  const files = folderFiles(filesFolder);
  const entries = (await files.list()).filter((entry) => only === undefined || only.includes(entry.path));
  if (!replace) {
    await uploadMissingArtifacts(client, entries, files, run.artifactUri, { files: 0, bytes: 0 });
    return;
  }
  const root = storeRootOf(run.artifactUri);
  if (root === undefined) throw new Error(`the server keeps run ${run.runId}'s artifacts at ${run.artifactUri}, which RunLens cannot write`);
  for (const entry of entries) await client.uploadArtifact(`${root}/${entry.path}`, () => files.open(entry.path));
}

export async function logTags(client: MlflowRestClient, runId: string, tags: readonly KeyValue[]): Promise<void> {
  for (let start = 0; start < tags.length; start += tagsPerBatch) {
    await client.post('runs/log-batch', { run_id: runId, tags: tags.slice(start, start + tagsPerBatch) });
  }
}

/** How the launch's runs are found: started since it began, tagged with its id, or named after its script by its user. */
export function launchRunMatch(launchId: string, since: number, imprint: LaunchImprint, scriptPath: string | undefined): LaunchRunMatch {
  const tag = (key: string) => imprint.tags.find((t) => t.key === key)?.value;
  const captured = tag('mlflow.source.name');
  return {
    launchId,
    since,
    sourceNames: [...new Set([...(scriptPath ? [scriptPath] : []), ...(captured ? [captured] : [])])],
    user: tag('mlflow.user'),
  };
}
