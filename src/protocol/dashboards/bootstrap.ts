import type { HostInfo } from './notifications';
import type { DashboardState } from './state';

/**
 * What the HTML shell carries inline, as a JSON data block (`<script type="application/json">` with
 * id `bootstrapElementId`), so the first paint needs no round trip. Saved panel state, when the
 * webview has some, wins over `state`.
 */
export type DashboardBootstrap = (
  | { readonly page: 'dashboard'; readonly state: DashboardState; readonly host: HostInfo }
  | { readonly page: 'index'; readonly host: HostInfo }
) & {
  /** Browser mode, on the sign-in page only: the session's page key, which the script keeps and sends back. */
  readonly pageKey?: string;
};

/** Browser mode: the header that carries the session's page key on every bridge request. */
export const pageKeyHeader = 'x-runlens-page-key';
/** Browser mode: the event stream's query parameter for the page key (EventSource sends no headers). */
export const pageKeyParameter = 'key';
/** Browser mode: the sign-in address's query parameter for the one-time code `runlens serve` prints. */
export const signInCodeParameter = 'code';

export const bootstrapElementId = 'runlens-bootstrap';
