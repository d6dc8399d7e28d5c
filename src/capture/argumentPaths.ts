import { stat } from 'node:fs/promises';
import path from 'node:path';
import { skippedFolders } from './fileWalker';
import { relativePosixPath } from './relativePath';

/** The path part of an argument: the argument itself, or the value of `--option=value`. */
function pathCandidate(argument: string): string | undefined {
  if (argument.length === 0 || argument === '-' || argument.includes('://')) return undefined;
  if (argument.startsWith('-')) {
    const equals = argument.indexOf('=');
    return equals < 0 ? undefined : argument.slice(equals + 1) || undefined;
  }
  return argument;
}

/**
 * The script arguments that name an existing file or folder inside the workspace (relative ones
 * resolved against `cwd`), as absolute paths, each once, in argument order: the data a run was given
 * on its command line. The workspace root itself, and RunLens's or git's folders, are not data.
 */
export async function pathsInArguments(args: readonly string[], cwd: string, workspaceRoot: string): Promise<string[]> {
  const found: string[] = [];
  for (const argument of args) {
    const candidate = pathCandidate(argument);
    if (candidate === undefined) continue;
    const absolute = path.resolve(cwd, candidate);
    const relative = relativePosixPath(workspaceRoot, absolute);
    if (!relative || skippedFolders.has(relative.split('/')[0]) || found.includes(absolute)) continue;
    const exists = await stat(absolute).then(
      (stats) => stats.isFile() || stats.isDirectory(),
      () => false,
    );
    if (exists) found.push(absolute);
  }
  return found;
}
