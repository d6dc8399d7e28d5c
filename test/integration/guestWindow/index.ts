import { runTestsIn } from '../suiteRunner';

// The entry point of the window opened on a folder whose `.runlens/` a `runlens serve` owns, started before the
// window with an experiment and two runs in it (scripts/guestOwner.mjs): the window is a guest of that process.

export function run(): Promise<void> {
  return runTestsIn(__dirname);
}
