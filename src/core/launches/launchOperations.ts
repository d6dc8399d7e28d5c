import { ErrorCode, MlflowError, invalidParameter } from '../errors';
import { jsonOperation, type OperationArgs, type OperationResult } from '../operations/jsonOperations';
import { artifactPathSegments } from '../store/artifactStore';
import { optionalStringOf, stringOf } from '../store/storeOperations';
import { invalidValueMessage, missingValueMessage } from '../validation';
import type { LaunchEnding } from './launchEnding';
import type { LaunchService } from './launchService';

const operation = jsonOperation<LaunchService>();

/**
 * What a guest window asks of the owner's launches for a script it launched
 * (`POST /api/2.0/runlens/launch/<name>`): the LaunchRecorder's calls, the record of a launch
 * that logs to a remote server (which the window itself talks to), and the two reads its run
 * commands need. The launch's files travel in the body (text, or base64 for bytes); its output log
 * the supervisor appends on this machine, in the folder the owner reads it from.
 */
export const launchOperations = {
  /**
   * Records the launch with its capture and files; answers the token its script logs with. With
   * `remote` (a RemoteLaunchRecord), a launch whose script logs to a remote server: only its record is kept here.
   * The guest's process (`holderPid`) runs it and writes its end, until that process is gone.
   */
  open: operation(
    (body) => ({
      launchId: launchIdOf(body),
      capture: objectOf(body, 'capture'),
      files: filesOf(body.files),
      holderPid: pidOf(body.holderPid, 'holderPid'),
      ...(body.remote === undefined ? {} : { remote: objectOf(body, 'remote') }),
    }),
    (launches, { launchId, capture, files, holderPid, remote }) => {
      if (launches.get(launchId)) throw invalidParameter(`Launch ${launchId} is already recorded.`);
      const contents = Object.fromEntries(Object.entries(files).map(([artifactPath, content]) => [artifactPath, contentOf(content)]));
      return launches.open({ launchId, capture, files: contents, holderPid, ...(remote ? { remote } : {}) });
    },
  ),
  /** Replaces a remote launch's record (its runs on the server, whether its end arrived there). */
  setRemote: operation(
    (body) => ({ launchId: launchIdOf(body), remote: objectOf(body, 'remote') }),
    (launches, { launchId, remote }) => {
      if (known(launches, launchId).get(launchId)?.remote_json === null) throw invalidParameter(`Launch ${launchId} logs to this store, not to a remote server.`);
      launches.setRemote(launchId, remote);
      return {};
    },
  ),
  /**
   * A guest window that came back (reloaded, or its extension host restarted) takes back the
   * launches still running whose window is gone: each with its capture (the script it runs).
   * Those that ended while no window watched are ended here; the answer counts them, and names
   * those to a remote server, whose end the guest sends (`unsentRemote`). `remoteRunning` counts
   * launches to a remote server still running whose window is gone: ask again to end them once
   * their process is gone.
   */
  takeBack: operation(
    (body) => ({ holderPid: pidOf(body.holderPid, 'holderPid') }),
    async (launches, { holderPid }) => {
      const { taken, ended, remoteRunning } = await launches.takeBack(holderPid);
      return {
        taken: taken.map((row) => ({ launchId: row.launch_id, capture: JSON.parse(row.capture_json) as unknown })),
        ended: ended.length,
        remoteEnded: ended.filter((launch) => launches.get(launch.launchId)?.remote_json != null).map((launch) => launch.launchId),
        remoteRunning,
      };
    },
  ),
  /** Ended launches to a remote server whose end has not reached it, oldest first: what a guest window sends. */
  unsentRemote: operation(
    () => ({}),
    (launches) => launches.unsentRemoteLaunches(),
  ),
  /** The launch's record, for a guest that sends a remote launch's end. */
  get: operation(
    (body) => ({ launchId: launchIdOf(body) }),
    (launches, { launchId }) => {
      const row = launches.get(launchId);
      return row ? { row } : {};
    },
  ),
  /** The tags and dataset inputs the launch's runs carry, for a guest that sends a remote launch's end. */
  imprint: operation(
    (body) => ({ launchId: launchIdOf(body) }),
    (launches, { launchId }) => launches.imprintOfLaunch(known(launches, launchId).get(launchId)!),
  ),
  setPid: operation(
    (body) => ({ launchId: launchIdOf(body), pid: pidOf(body.pid, 'pid') }),
    (launches, { launchId, pid }) => {
      known(launches, launchId).setPid(launchId, pid);
      return {};
    },
  ),
  /** Copies the launch's current file (the growing output log) to its runs. */
  publishFile: operation(
    (body) => ({ launchId: launchIdOf(body), artifactPath: artifactPathOf(body) }),
    async (launches, { launchId, artifactPath }) => {
      await known(launches, launchId).publishFile(launchId, artifactPath);
      return {};
    },
  ),
  updateCapture: operation(
    (body) => ({ launchId: launchIdOf(body), capture: objectOf(body, 'capture') }),
    (launches, { launchId, capture }) => {
      known(launches, launchId).updateCapture(launchId, capture);
      return {};
    },
  ),
  addFile: operation(
    (body) => ({ launchId: launchIdOf(body), artifactPath: artifactPathOf(body), content: contentJsonOf(body.content, 'content') }),
    async (launches, { launchId, artifactPath, content }) => {
      await known(launches, launchId).addFile(launchId, artifactPath, contentOf(content));
      return {};
    },
  ),
  end: operation(
    (body) => ({ launchId: launchIdOf(body), ending: endingOf(body.ending), fallbackExperiment: optionalStringOf(body, 'fallbackExperiment') }),
    (launches, { launchId, ending, fallbackExperiment }) =>
      known(launches, launchId).end(launchId, ending, fallbackExperiment === undefined ? {} : { fallbackExperiment }),
  ),
  release: operation(
    (body) => ({ launchId: launchIdOf(body) }),
    async (launches, { launchId }) => {
      await known(launches, launchId).release(launchId);
      return {};
    },
  ),
  /** The launch's runs so far, oldest first. */
  runs: operation(
    (body) => ({ launchId: launchIdOf(body) }),
    (launches, { launchId }) => known(launches, launchId).runsOf(launchId),
  ),
  /** The launch that created the run, if a launch did. */
  launchOfRun: operation(
    (body) => ({ runId: stringOf(body, 'runId') }),
    (launches, { runId }) => {
      const launchId = launches.launchOfRun(runId);
      return launchId === undefined ? {} : { launchId };
    },
  ),
} as const;

export type LaunchOperations = typeof launchOperations;
export type LaunchOperationName = keyof LaunchOperations;
export type LaunchOperationArgs<K extends LaunchOperationName> = OperationArgs<LaunchOperations, K>;
export type LaunchOperationResult<K extends LaunchOperationName> = OperationResult<LaunchOperations, K>;

/** A file's content as JSON carries it: text as is, bytes in base64. */
export type FileContentJson = { readonly text: string } | { readonly base64: string };

export function fileContentJson(content: string | Buffer): FileContentJson {
  return typeof content === 'string' ? { text: content } : { base64: content.toString('base64') };
}

function known(launches: LaunchService, launchId: string): LaunchService {
  if (!launches.get(launchId)) throw new MlflowError(ErrorCode.ResourceDoesNotExist, `RunLens has no launch ${launchId}.`);
  return launches;
}

function launchIdOf(body: Readonly<Record<string, unknown>>): string {
  const launchId = stringOf(body, 'launchId');
  if (!/^[0-9a-f]{32}$/.test(launchId)) throw invalidParameter(invalidValueMessage('launchId', launchId, 'expected 32 lowercase hex digits'));
  return launchId;
}

function artifactPathOf(body: Readonly<Record<string, unknown>>): string {
  const artifactPath = stringOf(body, 'artifactPath');
  artifactPathSegments(artifactPath);
  return artifactPath;
}

function objectOf(body: Readonly<Record<string, unknown>>, name: string): object {
  const value = body[name];
  if (value === undefined || value === null) throw invalidParameter(missingValueMessage(name));
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParameter(invalidValueMessage(name, value, 'expected an object'));
  return value;
}

/** A process id from JSON: the holder of a launch or a sweep, or a launch's process. */
export function pidOf(value: unknown, name: string): number {
  if (value === undefined || value === null) throw invalidParameter(missingValueMessage(name));
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw invalidParameter(invalidValueMessage(name, value, 'expected a process id'));
  return value;
}

function contentOf(content: FileContentJson): string | Buffer {
  return 'text' in content ? content.text : Buffer.from(content.base64, 'base64');
}

function contentJsonOf(value: unknown, name: string): FileContentJson {
  const content = (value ?? {}) as Record<string, unknown>;
  if (typeof content.text === 'string') return { text: content.text };
  if (typeof content.base64 === 'string') return { base64: content.base64 };
  throw invalidParameter(invalidValueMessage(name, value, 'expected {text} or {base64}'));
}

function filesOf(value: unknown): Record<string, FileContentJson> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParameter(invalidValueMessage('files', value, 'expected {artifact path: {text} or {base64}}'));
  const files: Record<string, FileContentJson> = {};
  for (const [artifactPath, content] of Object.entries(value)) {
    artifactPathSegments(artifactPath);
    files[artifactPath] = contentJsonOf(content, `files.${artifactPath}`);
  }
  return files;
}

const endingKinds: readonly LaunchEnding['kind'][] = ['exited', 'signalled', 'stopped', 'notStarted', 'abandoned'];

/** A LaunchEnding from JSON: its kind, with the fields that kind needs. */
function endingOf(value: unknown): LaunchEnding {
  const ending = value as Record<string, unknown> | undefined;
  const kind = ending?.kind;
  if (typeof ending !== 'object' || ending === null || !endingKinds.includes(kind as LaunchEnding['kind'])) {
    throw invalidParameter(invalidValueMessage('ending', value, `expected {kind} with kind one of ${endingKinds.join(', ')}`));
  }
  const exitCode = ending.exitCode;
  if (exitCode !== undefined && (typeof exitCode !== 'number' || !Number.isInteger(exitCode))) throw invalidParameter(invalidValueMessage('ending.exitCode', exitCode));
  const field = (name: string) => stringOf(ending, name);
  switch (kind as LaunchEnding['kind']) {
    case 'exited':
      if (exitCode === undefined) throw invalidParameter(missingValueMessage('ending.exitCode'));
      return { kind: 'exited', exitCode: exitCode as number };
    case 'signalled':
      return { kind: 'signalled', signal: field('signal') };
    case 'stopped': {
      const signal = optionalStringOf(ending, 'signal');
      return { kind: 'stopped', reason: field('reason'), ...(exitCode !== undefined ? { exitCode: exitCode as number } : {}), ...(signal !== undefined ? { signal } : {}) };
    }
    case 'notStarted':
      return { kind: 'notStarted', reason: field('reason') };
    case 'abandoned':
      return { kind: 'abandoned', reason: field('reason') };
  }
}
