import type { ReadyMessage } from '../../src/protocol/messages';

// The dashboards' entry point: it announces itself to the host (the ready handshake), after which
// the host sends what to render.
declare function acquireVsCodeApi(): { postMessage(message: ReadyMessage): void };

acquireVsCodeApi().postMessage({ type: 'ready' });
