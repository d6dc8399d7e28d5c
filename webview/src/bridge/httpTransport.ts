import { pageKeyHeader, pageKeyParameter, signInCodeParameter } from '../../../src/protocol/dashboards/bootstrap';
import { RunsChangedNotification } from '../../../src/protocol/dashboards/notifications';
import { dashboardPath } from '../../../src/protocol/dashboards/routing';
import type { DashboardState } from '../../../src/protocol/dashboards/state';
import {
  decodeMessage,
  encodeMessage,
  errorResponse,
  isRequestMessage,
  type Message,
  type RequestMessage,
} from '../../../src/protocol/messages';
import type { Transport } from './transport';

const bridgePath = '/dashboard-api';
const eventsPath = '/dashboard-api/events';

/** Where this origin keeps the session's page key: localStorage is per origin, so per server port. */
const pageKeyStorage = 'runlens.pageKey';

/**
 * A reply as the host encoded it. Only a reply that carries NaN or ±Infinity needs the reviver; a
 * plain JSON.parse of a 5 MB chart reply is several times faster than one that visits every value.
 */
function decodeReply(text: string): unknown {
  return text.includes('"$number"') ? decodeMessage(text) : JSON.parse(text);
}

/**
 * The browser mode's transport (`runlens serve`): each request is one POST to the bridge, answered
 * with its response; notifications from the host arrive as Server-Sent Events. The session cookie
 * rides along by itself (same origin); the session's page key goes beside it, as a header (as a
 * query parameter on the event stream, which takes no headers). The sign-in page brings the key;
 * it is kept in this origin's localStorage, which other apps on 127.0.0.1 (other ports) cannot
 * read, though they receive the cookie. Messages travel as `encodeMessage` text, keeping NaN and
 * Infinity metric values.
 */
export class HttpTransport implements Transport {
  private readonly listeners: ((message: unknown) => void)[] = [];
  private events: EventSource | undefined;
  private eventsUrl: string | undefined;
  private readonly pageKey: string;

  /** `signInKey`: the page key of a sign-in page's bootstrap. */
  constructor(signInKey: string | undefined) {
    if (signInKey !== undefined) {
      localStorage.setItem(pageKeyStorage, signInKey);
      // The one-time code is spent: out of the address bar (and a reload).
      const url = new URL(location.href);
      url.searchParams.delete(signInCodeParameter);
      history.replaceState(history.state, '', url);
    }
    this.pageKey = signInKey ?? localStorage.getItem(pageKeyStorage) ?? '';
  }

  send(message: Message): void {
    // Notifications to the host (ready, state changes) have no use over HTTP: the page's address
    // already says what it shows, and `saveState` keeps the rest in the history entry.
    if (isRequestMessage(message)) void this.post(message);
  }

  onMessage(listener: (message: unknown) => void): void {
    this.listeners.push(listener);
  }

  saveState(state: DashboardState): void {
    // Add/remove runs in compare changes the address, so a reload or a shared link shows the same runs.
    const url = new URL(dashboardPath(state), location.href);
    const theme = new URLSearchParams(location.search).get('theme');
    if (theme !== null) url.searchParams.set('theme', theme);
    history.replaceState(state, '', url);
  }

  savedState(): unknown {
    return history.state;
  }

  watch(state: DashboardState | undefined): void {
    const query = new URLSearchParams();
    if (state?.kind === 'run') query.append('run', state.runId);
    if (state?.kind === 'compare') for (const id of state.runIds) query.append('run', id);
    if (state?.kind === 'experiment') query.append('experiment', state.experimentId);
    query.append(pageKeyParameter, this.pageKey);
    const url = `${eventsPath}?${query.toString()}`;
    if (url === this.eventsUrl) return;
    this.eventsUrl = url;
    this.events?.close();
    this.events = this.listen(url);
  }

  private listen(url: string): EventSource {
    const source = new EventSource(url);
    let opened = false;
    source.addEventListener('open', () => {
      // After a reconnect, changes made while the stream was down were never announced: refetch.
      if (opened) this.deliver(RunsChangedNotification.notification({ all: true }));
      opened = true;
      document.documentElement.dataset.live = 'connected';
    });
    source.addEventListener('error', () => {
      document.documentElement.dataset.live = 'reconnecting';
    });
    source.addEventListener('message', (event: MessageEvent<string>) => {
      let message: unknown;
      try {
        message = decodeMessage(event.data);
      } catch {
        return; // not ours; the stream carries only protocol text
      }
      this.deliver(message);
    });
    return source;
  }

  private async post(request: RequestMessage): Promise<void> {
    let reply: unknown;
    try {
      const response = await fetch(bridgePath, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [pageKeyHeader]: this.pageKey },
        body: encodeMessage(request),
        credentials: 'same-origin',
      });
      const text = await response.text();
      reply = response.ok
        ? decodeReply(text)
        : errorResponse(request.id, { code: response.status === 401 ? 'unavailable' : 'internal', message: text || response.statusText });
    } catch (error) {
      reply = errorResponse(request.id, {
        code: 'unavailable',
        message: `The RunLens server did not answer (${error instanceof Error ? error.message : String(error)}). Is runlens serve still running?`,
      });
    }
    this.deliver(reply);
  }

  private deliver(message: unknown): void {
    for (const listener of this.listeners) listener(message);
  }
}
