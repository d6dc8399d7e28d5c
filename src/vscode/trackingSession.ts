import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { launchesFolder } from '../core/launches/launchFiles';
import { LaunchService } from '../core/launches/launchService';
import { StoreOwnedElsewhereError, WorkspaceStore } from '../core/store/workspaceStore';
import { startServer, type RunningServer } from '../server/server';
import { Disposable } from './disposable';
import { launchImprint } from './launch/launchImprint';

/** Where MLflow clients send their requests: the values of MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN. */
export interface TrackingEndpoint {
  readonly url: string;
  readonly token: string;
}

/** This window owns the workspace's store and serves it. */
export interface OwnerSession {
  readonly kind: 'owner';
  readonly store: WorkspaceStore;
  readonly endpoint: TrackingEndpoint;
  /** Scripts RunLens launched: their records, tokens, and the capture their runs carry. */
  readonly launches: LaunchService;
}

/** Another process (a VS Code window or `runlens serve`) owns the store; this window talks to it over HTTP. */
export interface GuestSession {
  readonly kind: 'guest';
  readonly ownerPid: number;
  readonly endpoint: TrackingEndpoint | undefined;
}

export type Session = OwnerSession | GuestSession;

/**
 * The workspace's `.runlens/` store and its tracking server, opened on first use (never during
 * activation: loading sql.js and reading the database is work a user only pays for when they use RunLens).
 */
export class TrackingSession extends Disposable {
  private opening: Promise<Session> | undefined;
  private server: RunningServer | undefined;
  private store: WorkspaceStore | undefined;
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Fires (coalesced) after the store has been written, by this window's server or its own commands. */
  readonly onDidChange = this.changed.event;

  constructor(readonly folder: vscode.WorkspaceFolder | undefined) {
    super();
  }

  /** The `.runlens/` folder of the first workspace folder, or undefined without a folder. */
  get storeDir(): string | undefined {
    return this.folder && path.join(this.folder.uri.fsPath, '.runlens');
  }

  /** Whether the store exists on disk, without opening it. */
  storeExists(): boolean {
    const dir = this.storeDir;
    return dir !== undefined && existsSync(dir);
  }

  /** Opens the store and starts the server, once; later calls share the result. */
  session(): Promise<Session> {
    this.opening ??= this.open().catch((error: unknown) => {
      this.opening = undefined;
      throw error;
    });
    return this.opening;
  }

  /** The session if it has been opened already, without opening it. */
  async openedSession(): Promise<Session | undefined> {
    return this.opening && (await this.opening.catch(() => undefined));
  }

  /**
   * `session()` for readers: once no import's long write has its transaction open (sql.js has one
   * connection, so between the import's slices reads see half of it). Read right after awaiting.
   */
  async settledSession(): Promise<Session> {
    return settled(await this.session());
  }

  /** `openedSession()` for readers, as `settledSession()`. */
  async settledOpenedSession(): Promise<Session | undefined> {
    const opened = await this.openedSession();
    return opened && settled(opened);
  }

  private async open(): Promise<Session> {
    const dir = this.storeDir;
    if (!dir) throw new Error('RunLens keeps its runs in the workspace: open a folder first.');
    let store: WorkspaceStore;
    try {
      store = await WorkspaceStore.open(dir);
    } catch (error) {
      if (error instanceof StoreOwnedElsewhereError) {
        const { owner } = error;
        const endpoint = owner.port && owner.token ? { url: `http://127.0.0.1:${owner.port}`, token: owner.token } : undefined;
        return { kind: 'guest', ownerPid: owner.pid, endpoint };
      }
      throw error;
    }
    this.store = store;
    const launches = new LaunchService({
      db: store.db,
      artifacts: store.artifacts,
      filesDir: path.join(dir, launchesFolder),
      imprintOf: launchImprint,
    });
    // Recovery must never keep the store from opening: what it cannot end stays RUNNING until next time.
    const abandoned = await launches.recoverAbandoned().catch((error: Error) => {
      console.error('RunLens: could not end the launches left running', error);
      return [];
    });
    if (abandoned.length > 0) {
      void vscode.window.showWarningMessage(
        `RunLens: ${abandoned.length} launched script(s) stopped while VS Code was closed or had crashed; their runs are marked FAILED with a note.`,
      );
    }
    const token = randomBytes(24).toString('base64url');
    const server = await startServer({ store: store.tracking, registry: store.registry, artifacts: store.artifacts, traces: store.traces, token, launches });
    this.server = server;
    store.publish({ port: server.port, token });
    this.register(store.onDidWrite(() => this.changed.fire()));
    if (store.recovery.message) void vscode.window.showWarningMessage(`RunLens: ${store.recovery.message}`);
    return { kind: 'owner', store, endpoint: { url: server.url, token }, launches };
  }

  override dispose(): void {
    super.dispose();
    const { server, store } = this;
    this.server = undefined;
    this.store = undefined;
    // Close the server first so no request writes while the store checkpoints and releases ownership.
    void server?.close().finally(() => store?.close());
    if (!server) store?.close();
  }
}

/** Waits for the owner's store to have no long write open; a guest reads over HTTP, where the server waits. */
async function settled(opened: Session): Promise<Session> {
  if (opened.kind === 'owner') await opened.store.db.longWriteSettled();
  return opened;
}
