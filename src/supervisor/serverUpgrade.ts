import type { OwnerInfo } from '../core/store/ownership';
import { isProcessAlive } from '../core/launches/processAlive';

/**
 * What a window does with the server it found serving its folder, when that server is older than
 * the window's extension (its routes may lack what the window asks for):
 * - `current`: same version or newer, or no version to compare: use it;
 * - `restart`: a server started on demand with no launched script running: stop it and start ours;
 * - `wait`: one started on demand whose scripts still log to it: restart it once they end;
 * - `foreign`: a server a person runs (`runlens serve` without an idle time): only say so.
 */
export type ServerSkew =
  | { readonly kind: 'current' }
  | { readonly kind: 'restart' | 'foreign'; readonly serverVersion: string }
  | { readonly kind: 'wait'; readonly serverVersion: string; readonly runningLaunches: number };

export function serverSkew(owner: OwnerInfo, extensionVersion: string | undefined, runningLaunches: number): ServerSkew {
  const serverVersion = owner.version;
  if (serverVersion === undefined || extensionVersion === undefined || !isNewerVersion(extensionVersion, serverVersion)) return { kind: 'current' };
  if (owner.idleMinutes === undefined) return { kind: 'foreign', serverVersion };
  return runningLaunches > 0 ? { kind: 'wait', serverVersion, runningLaunches } : { kind: 'restart', serverVersion };
}

/**
 * Whether version `a` is newer than `b`, comparing their dotted numbers in order ("0.10.0" is newer
 * than "0.9.3"); a suffix such as "-beta" is ignored, and a missing number counts as 0.
 */
export function isNewerVersion(a: string, b: string): boolean {
  const numbers = (version: string) => version.split(/[-+]/, 1)[0].split('.').map((part) => Number.parseInt(part, 10) || 0);
  const [left, right] = [numbers(a), numbers(b)];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return difference > 0;
  }
  return false;
}

/**
 * Stops a server process with SIGTERM (it finishes the requests in flight, checkpoints the store and
 * releases `owner.json`) and waits until it has exited.
 */
export async function stopServerProcess(pid: number, timeoutMs = 15_000): Promise<void> {
  if (!isProcessAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`the RunLens server process ${pid} did not stop within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
