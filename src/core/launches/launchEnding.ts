import type { RunStatus } from '../entities';

/** How a launched process ended, as the launcher saw it. */
export type LaunchEnding =
  /** It exited on its own with this code. */
  | { readonly kind: 'exited'; readonly exitCode: number }
  /** A signal that RunLens did not send ended it (out of memory, `kill` from a shell). */
  | { readonly kind: 'signalled'; readonly signal: string }
  /** The person stopped it: Stop, Ctrl+C, closing its terminal, or closing VS Code. */
  | { readonly kind: 'stopped'; readonly exitCode?: number; readonly signal?: string; readonly reason: string }
  /** The interpreter could not be started at all. */
  | { readonly kind: 'notStarted'; readonly reason: string }
  /** Found still RUNNING when the store opened, with its process gone: VS Code crashed or was closed meanwhile. */
  | { readonly kind: 'abandoned'; readonly reason: string };

export type LaunchStatus = Extract<RunStatus, 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED'>;

/** The status a launch, and each of its runs still RUNNING, ends with. */
export function statusOfEnding(ending: LaunchEnding): Exclude<LaunchStatus, 'RUNNING'> {
  switch (ending.kind) {
    case 'exited':
      return ending.exitCode === 0 ? 'FINISHED' : 'FAILED';
    case 'stopped':
      return 'KILLED';
    case 'signalled':
    case 'notStarted':
    case 'abandoned':
      return 'FAILED';
  }
}

/** The exit code to keep, when there is one. */
export function exitCodeOf(ending: LaunchEnding): number | undefined {
  return ending.kind === 'exited' || ending.kind === 'stopped' ? ending.exitCode : undefined;
}

export function signalOf(ending: LaunchEnding): string | undefined {
  return ending.kind === 'signalled' || ending.kind === 'stopped' ? ending.signal : undefined;
}

/** Why RunLens ended the run itself, for the run's note; undefined when the process's own exit says it all. */
export function noteOfEnding(ending: LaunchEnding): string | undefined {
  switch (ending.kind) {
    case 'exited':
      return undefined;
    case 'signalled':
      return `The process was ended by ${ending.signal}, which RunLens did not send.`;
    case 'stopped':
    case 'notStarted':
    case 'abandoned':
      return ending.reason;
  }
}
