import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The repository's root. Compiled tests run from any depth below it (out/, out/NAME/), so it is the
 * nearest folder up that holds both package.json and the Python helper (out/ holds neither).
 */
export const repoRoot = findRepoRoot(__dirname);

/** The folder to put on PYTHONPATH for `import runlens`, as launches do with the packaged copy. */
export const pythonHelperPath = path.join(repoRoot, 'python');

function findRepoRoot(dir: string): string {
  if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'python', 'runlens', '__init__.py'))) return dir;
  const parent = path.dirname(dir);
  if (parent === dir) throw new Error(`no repository root above ${__dirname}`);
  return findRepoRoot(parent);
}
