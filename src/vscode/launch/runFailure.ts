import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CaptureTag } from '../../core/launches/captureTags';
import type { Run } from '../../core/entities';
import { parseTraceback, workspaceFailure } from '../../core/launches/pythonTraceback';
import type { StoreAccess } from '../storeAccess';
import { artifactFile, outputLogArtifact } from '../runs/runArtifactFiles';

/** Where a failed run failed in the workspace, and what to say there. */
export interface RunFailure {
  /** The file that ran (`mlflow.source.name`), absolute: a later green run of it clears the failure. */
  readonly script: string;
  /** The file of the innermost workspace frame: the script, or a module of the workspace it imported. */
  readonly file: string;
  /** 0-based. */
  readonly line: number;
  /** The code on that line when the failure was read, to place the squiggle under it. */
  readonly range: { readonly start: number; readonly end: number };
  /** `<Type>: <message> (run <name>)`. */
  readonly message: string;
  readonly runId: string;
}

/** A traceback is at the end of the log: a long training log is read only that far back. */
const tailBytes = 256 * 1024;

/**
 * The failure a run's output log shows: the exception that ended it, at the innermost frame in
 * `workspaceRoot`. Undefined when the run has no output log (RunLens did not launch it), the log
 * holds no traceback, or no frame of it is in the workspace.
 */
export async function readRunFailure(access: StoreAccess, run: Run, workspaceRoot: string): Promise<RunFailure | undefined> {
  const tags = new Map((run.data.tags ?? []).map((tag) => [tag.key, tag.value]));
  const script = scriptOfRun(run, workspaceRoot);
  const log = artifactFile(access, run, outputLogArtifact);
  if (script === undefined || log === undefined) return undefined;
  const chain = parseTraceback(await readTail(log));
  const found = workspaceFailure(chain, workspaceRoot, tags.get(CaptureTag.Cwd) ?? workspaceRoot);
  if (found === undefined) return undefined;
  const { type, message } = found.exception;
  const line = found.frame.line - 1;
  const code = (await readFile(found.file, 'utf8').catch(() => '')).split(/\r?\n/)[line] ?? '';
  const start = code.length - code.trimStart().length;
  return {
    script,
    file: found.file,
    line,
    range: { start, end: Math.max(start + 1, code.trimEnd().length) },
    message: `${type}${message ? `: ${message}` : ''} (run ${run.info.run_name})`,
    runId: run.info.run_id,
  };
}

/** The file the run ran (`mlflow.source.name`, workspace-relative when RunLens launched it), absolute. */
export function scriptOfRun(run: Run, workspaceRoot: string): string | undefined {
  const sourceName = run.data.tags?.find((tag) => tag.key === CaptureTag.SourceName)?.value;
  return sourceName === undefined ? undefined : path.resolve(workspaceRoot, sourceName);
}

async function readTail(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, tailBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}
