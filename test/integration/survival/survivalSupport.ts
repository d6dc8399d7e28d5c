import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { workspaceDir } from '../support';

// The reload window's tests span two extension hosts: what the first one launched, the second one checks. They
// pass it on in a file of the workspace, which outlives the reload.

export interface ReloadState {
  readonly launchId: string;
  /** When the window was reloaded, in ms since the epoch. */
  readonly reloadedAt: number;
}

/** The script: ~20 s of logging, one metric point and one line of output every 0.1 s. */
export const steps = 200;
export const survivorScript = `import time
import runlens

with runlens.start_run(run_name="survivor"):
    for step in range(${steps}):
        runlens.log_metric("loss", 1.0 / (step + 1), step=step)
        print(f"step {step}", flush=True)
        time.sleep(0.1)
print("training done", flush=True)
`;

function stateFile(): string {
  return path.join(workspaceDir(), 'reload-state.json');
}

export function readReloadState(): ReloadState | undefined {
  return existsSync(stateFile()) ? (JSON.parse(readFileSync(stateFile(), 'utf8')) as ReloadState) : undefined;
}

export function writeReloadState(state: ReloadState): void {
  writeFileSync(stateFile(), JSON.stringify(state));
}
