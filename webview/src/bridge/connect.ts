import { HttpTransport } from './httpTransport';
import type { Transport } from './transport';
import { VsCodeTransport } from './vscodeTransport';

/**
 * Inside VS Code the webview API is there; anywhere else this page was served by `runlens serve`
 * (`pageKey`: the session's page key, on the sign-in page).
 */
export function connect(pageKey: string | undefined): Transport {
  return typeof globalThis.acquireVsCodeApi === 'function' ? new VsCodeTransport(globalThis.acquireVsCodeApi()) : new HttpTransport(pageKey);
}
