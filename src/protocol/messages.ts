/**
 * The handshake every dashboard performs: the webview sends `ready` once its script has loaded,
 * and the host queues everything it sends until then.
 */
export interface ReadyMessage {
  readonly type: 'ready';
}

export function isReadyMessage(message: unknown): message is ReadyMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ready';
}
