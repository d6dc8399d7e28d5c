import path from 'node:path';
import { pathsInArguments } from './argumentPaths';
import { captureRecordVersion, type CaptureRecord } from './captureRecord';
import { fingerprintFiles, fingerprintPaths, type FingerprintResult } from './dataFingerprint';
import { captureFile } from './fileCapture';
import { captureGit } from './gitCapture';
import { captureHost } from './hostCapture';
import { captureInterpreter } from './interpreterCapture';

export interface LaunchCaptureRequest {
  readonly launchId: string;
  readonly workspaceRoot: string;
  /** Where the script runs. */
  readonly cwd: string;
  /** The interpreter the launcher resolved (Python extension, setting, or `python3`). */
  readonly interpreterPath: string;
  /** The script, absolute or relative to `cwd`. */
  readonly script: string;
  readonly args: readonly string[];
  readonly runlensVersion: string;
  /** `runlens.dataPaths`: globs relative to the workspace root. */
  readonly dataGlobs?: readonly string[];
  /** Also fingerprint the existing files and folders that the arguments name. */
  readonly dataFromArguments?: boolean;
  /** Argument paths the person chose to record as data (absolute): fingerprinted too. */
  readonly dataPaths?: readonly string[];
  /** The run this launch reproduces (Reproduce Run), by id. */
  readonly reproduces?: string;
  /** The sweep point this launch runs: its runs get the sweep's tags. */
  readonly sweep?: CaptureRecord['sweep'];
  /** The environment the script will run in. */
  readonly env?: NodeJS.ProcessEnv;
  /** VS Code's `git.path`, when set. */
  readonly gitPath?: string;
  readonly maxPatchBytes?: number;
}

export interface LaunchCapture {
  readonly record: CaptureRecord;
  /** The script's bytes as hashed, for the launcher to keep as an artifact when `record.file.needsCopy`. */
  readonly fileContent?: Buffer;
}

/**
 * Everything captured before the script starts: git state of the script's repository, the script
 * file, the interpreter, the host and the data fingerprints, taken in parallel. The package listing
 * is not in here: it is slow, so the launcher starts `freezePackages` on its own and records the
 * outcome in `environment` later. Never throws; what failed is said in the record.
 */
export async function captureLaunch(request: LaunchCaptureRequest): Promise<LaunchCapture> {
  const capturedAt = Date.now();
  const script = path.resolve(request.cwd, request.script);
  const gitOptions = { env: request.env, gitPath: request.gitPath };
  const problems: string[] = [];

  const gitAndFile = captureGit(path.dirname(script), { ...gitOptions, maxPatchBytes: request.maxPatchBytes }).then(async (git) => {
    const file = await captureFile(script, { ...gitOptions, workspaceRoot: request.workspaceRoot, git }).catch((error: Error): undefined => {
      problems.push(error.message);
      return undefined;
    });
    return { git, file };
  });
  const [{ git, file }, interpreter, data] = await Promise.all([
    gitAndFile,
    captureInterpreter(request.interpreterPath, { env: request.env, cwd: request.cwd }),
    captureData(request).catch((error: Error): FingerprintResult => ({ fingerprints: [], problems: [`data fingerprints failed: ${error.message}`] })),
  ]);

  const record: CaptureRecord = {
    version: captureRecordVersion,
    launchId: request.launchId,
    capturedAt,
    workspaceRoot: request.workspaceRoot,
    command: { executable: request.interpreterPath, script, args: [...request.args], cwd: request.cwd },
    ...(file ? { file: file.capture } : {}),
    git,
    interpreter,
    host: captureHost(request.runlensVersion, request.env),
    data,
    problems,
    ...(request.reproduces ? { reproduces: request.reproduces } : {}),
    ...(request.sweep ? { sweep: request.sweep } : {}),
  };
  return { record, ...(file ? { fileContent: file.content } : {}) };
}

async function captureData(request: LaunchCaptureRequest): Promise<FingerprintResult> {
  const fromGlobs = request.dataGlobs?.length ? await fingerprintFiles(request.workspaceRoot, request.dataGlobs) : { fingerprints: [], problems: [] };
  const named = request.dataFromArguments ? await pathsInArguments(request.args, request.cwd, request.workspaceRoot) : [];
  const alreadyDone = new Set(fromGlobs.fingerprints.map((fingerprint) => fingerprint.path));
  const fresh = [...new Set([...named, ...(request.dataPaths ?? [])])].filter((absolute) => !alreadyDone.has(absolute));
  if (fresh.length === 0) return fromGlobs;
  const fromArguments = await fingerprintPaths(request.workspaceRoot, fresh);
  return {
    fingerprints: [...fromGlobs.fingerprints, ...fromArguments.fingerprints],
    problems: [...fromGlobs.problems, ...fromArguments.problems],
  };
}
