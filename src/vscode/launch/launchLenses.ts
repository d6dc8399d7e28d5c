import { CommandId } from '../contributions';

/** Which lens: launch, launch with arguments, sweep, or the one an untrusted workspace shows instead. */
export type LaunchLensKind = 'run' | 'runWithArguments' | 'sweep' | 'untrusted';

export interface LensCommand {
  readonly title: string;
  readonly command: string;
  readonly tooltip: string;
  /** Serializable: the script's URI as a string. */
  readonly arguments: [string];
}

/** The lenses at each anchor: the launch and sweep lenses when the workspace is trusted, one that explains why not otherwise. */
export function lensKinds(trusted: boolean): LaunchLensKind[] {
  return trusted ? ['run', 'runWithArguments', 'sweep'] : ['untrusted'];
}

export function lensCommand(kind: LaunchLensKind, scriptUri: string): LensCommand {
  switch (kind) {
    case 'run':
      return {
        title: '$(play) Run tracked',
        command: CommandId.RunActiveFile,
        tooltip: 'Run this file as a tracked run: code state, command, environment and output are recorded',
        arguments: [scriptUri],
      };
    case 'runWithArguments':
      return {
        title: 'Run tracked with arguments…',
        command: CommandId.RunActiveFileWithArguments,
        tooltip: 'Run this file as a tracked run, with arguments (remembered for this file)',
        arguments: [scriptUri],
      };
    case 'sweep':
      return {
        title: 'Run sweep…',
        command: CommandId.RunSweep,
        tooltip: 'Run this file many times, over a grid or random samples of its arguments, queued and grouped under one parent run',
        arguments: [scriptUri],
      };
    case 'untrusted':
      return {
        title: '$(workspace-untrusted) Run tracked (trust the workspace to launch)',
        command: CommandId.LaunchUnavailable,
        tooltip: 'RunLens launches scripts only in a trusted workspace',
        arguments: [scriptUri],
      };
  }
}
