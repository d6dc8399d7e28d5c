import type { DashboardState } from '../../../src/protocol/dashboards/state';
import type { Message } from '../../../src/protocol/messages';
import type { Transport } from './transport';

/** What VS Code gives a webview's script; callable once per page load. */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  // Present only inside a VS Code webview.
  var acquireVsCodeApi: (() => VsCodeApi) | undefined;
}

/** The webview side of postMessage. Messages arrive as structured clones, so NaN and Infinity survive as they are. */
export class VsCodeTransport implements Transport {
  constructor(private readonly api: VsCodeApi) {}

  send(message: Message): void {
    this.api.postMessage(message);
  }

  onMessage(listener: (message: unknown) => void): void {
    window.addEventListener('message', (event: MessageEvent) => listener(event.data));
  }

  saveState(state: DashboardState): void {
    this.api.setState(state);
  }

  savedState(): unknown {
    return this.api.getState();
  }

  watch(): void {
    // The host derives what to watch from the state this page reports (dashboard/stateChanged).
  }
}
