import path from 'node:path';

/**
 * `target` relative to `root` with POSIX separators (how paths are recorded on every platform),
 * or undefined when `target` is not inside `root`. `root` itself is `''`.
 */
export function relativePosixPath(root: string, target: string): string | undefined {
  const relative = path.relative(root, target);
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}
