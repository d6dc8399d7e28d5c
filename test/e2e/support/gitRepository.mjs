// A workspace made the way a person's project is: a git repository with a committer, where the e2e tests write
// their scripts, commit them, and leave uncommitted changes for RunLens to capture.
import { execFileSync } from 'node:child_process';

/** Makes `dir` a git repository (branch main, a committer set) and returns `git(...args)`, run in it. */
export function gitRepository(dir) {
  const git = (...args) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '--quiet', '--initial-branch=main');
  git('config', 'user.email', 'ada@example.com');
  git('config', 'user.name', 'Ada');
  return git;
}
