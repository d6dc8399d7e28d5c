import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LaunchEnding } from './launchEnding';
import { isProcessAlive } from './processAlive';

/**
 * What the supervisor of a launched script (src/supervisor) keeps in `.runlens/supervised/<launch id>/`,
 * so that a window that was not there when the script started (it reloaded, or its extension host
 * crashed) can reach the supervisor, and record the script's end from `ending.json` once it is over.
 * Apart from `.runlens/launches/`, whose every file becomes an artifact of the launch's runs.
 */
export const supervisedFolder = 'supervised';

/** How to reach a supervisor: written once it listens and its script has started (or could not). */
export interface SupervisorState {
  readonly supervisorPid: number;
  /** The script's pid (the leader of its process group); absent when it could not be started. */
  readonly scriptPid?: number;
  readonly controlPort: number;
  readonly controlToken: string;
  /** The port of the tracking server the script logs to, which a new window serves again. */
  readonly trackingPort?: number;
  readonly startedAt: number;
}

export class SupervisorFiles {
  constructor(readonly root: string) {}

  folder(launchId: string): string {
    if (!/^[0-9a-f]{32}$/.test(launchId)) throw new Error(`not a launch id: ${launchId}`);
    return path.join(this.root, launchId);
  }

  statePath(launchId: string): string {
    return path.join(this.folder(launchId), 'state.json');
  }

  endingPath(launchId: string): string {
    return path.join(this.folder(launchId), 'ending.json');
  }

  writeState(launchId: string, state: SupervisorState): void {
    this.writeAtomically(this.statePath(launchId), state);
  }

  /** Written by the supervisor when the script is over, before the supervisor exits. */
  writeEnding(launchId: string, ending: LaunchEnding): void {
    this.writeAtomically(this.endingPath(launchId), ending);
  }

  state(launchId: string): SupervisorState | undefined {
    return readJson<SupervisorState>(this.statePath(launchId));
  }

  ending(launchId: string): LaunchEnding | undefined {
    return readJson<LaunchEnding>(this.endingPath(launchId));
  }

  /** Every supervisor's state whose supervisor still runs. */
  live(): { readonly launchId: string; readonly state: SupervisorState }[] {
    let names: string[];
    try {
      names = readdirSync(this.root);
    } catch {
      return [];
    }
    return names
      .filter((name) => /^[0-9a-f]{32}$/.test(name))
      .map((launchId) => ({ launchId, state: this.state(launchId) }))
      .filter((entry): entry is { launchId: string; state: SupervisorState } => entry.state !== undefined && isProcessAlive(entry.state.supervisorPid));
  }

  /** The tracking port a still-running supervised script logs to, if any: a new window serves it again. */
  liveTrackingPort(): number | undefined {
    return this.live().find(({ state }) => state.trackingPort !== undefined)?.state.trackingPort;
  }

  has(launchId: string): boolean {
    return existsSync(this.folder(launchId));
  }

  remove(launchId: string): void {
    rmSync(this.folder(launchId), { recursive: true, force: true });
  }

  /**
   * A reader sees the whole file or none (the supervisor may be killed while it writes). Nothing is
   * written once the store's folder is gone (deleted while the script ran): recreating `.runlens/`
   * for a supervisor's note would bring back a store the person removed.
   */
  private writeAtomically(file: string, value: unknown): void {
    if (!existsSync(path.dirname(this.root))) return;
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(value), { mode: 0o600 });
    renameSync(temporary, file);
  }
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
