import type { DashboardState } from '../../../src/protocol/dashboards/state';
import type { Message } from '../../../src/protocol/messages';

/**
 * How the front end talks to its host: VS Code's postMessage, or the HTTP bridge of `runlens serve`.
 * The dashboards never know which: only `connect` chooses.
 */
export interface Transport {
  send(message: Message): void;
  /** Every message from the host: responses to requests and notifications. */
  onMessage(listener: (message: unknown) => void): void;
  /** The panel's state, kept across hide/show and reloads (VS Code) or in the page's history entry (browser). */
  saveState(state: DashboardState): void;
  savedState(): unknown;
  /**
   * What the page shows (undefined: everything, the start page), so the host announces only changes
   * to it. VS Code's host learns it from the state the page reports; the browser names it when
   * listening for events.
   */
  watch(state: DashboardState | undefined): void;
}
