/**
 * The process that runs each launch opened or taken back in this session and writes its end: one
 * writer per launch. Kept in memory: a store opened again knows none, and its launches are for
 * whoever comes back for them first.
 */
export class LaunchHolders {
  private readonly holders = new Map<string, number>();

  constructor(private readonly processAlive: (pid: number) => boolean) {}

  hold(launchId: string, pid: number): void {
    this.holders.set(launchId, pid);
  }

  forget(launchId: string): void {
    this.holders.delete(launchId);
  }

  /** Whether a live process runs the launch: the one that opened it or took it back. */
  isHeld(launchId: string): boolean {
    const holder = this.holders.get(launchId);
    return holder !== undefined && (holder === process.pid || this.processAlive(holder));
  }
}
