import type { Run } from '../entities';

/**
 * The point's varied values its run lacks as params (the script did not log them itself): the axes
 * of the sweep's parallel coordinates. Logged after the script ended, so they never clash with a
 * value it logged.
 */
export function valuesToLog(run: Run, values: Readonly<Record<string, string>>): { key: string; value: string }[] {
  const logged = new Set((run.data.params ?? []).map((param) => param.key));
  return Object.entries(values)
    .filter(([key]) => !logged.has(key))
    .map(([key, value]) => ({ key, value }));
}
