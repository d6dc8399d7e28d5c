import type { ServerResponse } from 'node:http';
import type { RunChangeTracker } from '../../core/runs/runChanges';
import type { StoreChanges } from '../../core/store/storeChange';
import { RunsChangedNotification } from '../../protocol/dashboards/notifications';
import type { RunsChangedParams } from '../../protocol/dashboards/shapes';
import { encodeMessage } from '../../protocol/messages';
import type { DashboardWatch } from './dashboardWatch';

/** Proxies and browsers drop a silent stream after a while; a comment line keeps it open. */
export const keepAliveMs = 15_000;

/**
 * A training loop writes hundreds of times a second; open dashboards need to hear "something
 * changed" once per burst, soon after it starts. One check per window is both.
 */
export const coalesceMs = 100;

export interface WriteSource {
  onDidWrite(listener: (changes: StoreChanges) => void): { dispose(): void };
}

interface Client {
  readonly res: ServerResponse;
  /** Undefined: the page shows everything (the start page), so any write concerns it. */
  readonly watch: DashboardWatch | undefined;
  readonly tracker: RunChangeTracker;
}

/**
 * The browser mode's host → page channel: Server-Sent Events on `GET /dashboard-api/events`,
 * carrying `runs/changed` notifications (as `encodeMessage` text). Each page names what it watches;
 * after a burst of writes each page hears only about its own runs. The store is listened to only
 * while some page is connected.
 */
export class DashboardEvents {
  private readonly clients = new Set<Client>();
  private subscription: { dispose(): void } | undefined;
  private keepAlive: NodeJS.Timeout | undefined;
  private pending: NodeJS.Timeout | undefined;

  constructor(
    private readonly source: WriteSource,
    private readonly newTracker: () => RunChangeTracker,
    private readonly log: (message: string) => void,
  ) {}

  /** Takes over the response as an event stream until the page goes away or `close` is called. */
  attach(res: ServerResponse, watch: DashboardWatch | undefined): void {
    const client: Client = { res, watch, tracker: this.newTracker() };
    // The first poll records where the watched runs stand; later polls report what moved.
    if (watch) this.poll(client);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
    });
    // How soon EventSource reconnects after the stream breaks (the default is 3 s).
    res.write('retry: 1000\n\n');
    this.clients.add(client);
    res.on('close', () => this.detach(client));
    this.subscription ??= this.source.onDidWrite(() => this.schedule());
    this.keepAlive ??= setInterval(() => this.broadcast(': keep-alive\n\n'), keepAliveMs);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Ends every stream (the server is stopping: an open stream would hold its close for seconds). */
  close(): void {
    for (const client of [...this.clients]) client.res.end();
    this.clients.clear();
    this.stop();
  }

  private schedule(): void {
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      for (const client of this.clients) {
        const change = client.watch ? this.poll(client) : { all: true as const };
        if (change) client.res.write(`data: ${encodeMessage(RunsChangedNotification.notification(change))}\n\n`);
      }
    }, coalesceMs);
  }

  private poll(client: Client): RunsChangedParams | undefined {
    try {
      return client.tracker.poll(client.watch ?? {});
    } catch (error) {
      // The store may be closing under us; the page will hear about the next write.
      this.log(`runlens dashboards: could not check for changes: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  private broadcast(text: string): void {
    for (const client of this.clients) client.res.write(text);
  }

  private detach(client: Client): void {
    this.clients.delete(client);
    if (this.clients.size === 0) this.stop();
  }

  private stop(): void {
    this.subscription?.dispose();
    this.subscription = undefined;
    clearInterval(this.keepAlive);
    this.keepAlive = undefined;
    clearTimeout(this.pending);
    this.pending = undefined;
  }
}
