import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { launchesFolder } from '../core/launches/launchFiles';
import { LaunchService } from '../core/launches/launchService';
import { SupervisorFiles, supervisedFolder } from '../core/launches/supervisorFiles';
import { storeFiles } from '../core/store/storeFiles';
import { StoreChanges } from '../core/store/storeChange';
import { StoreOwnedElsewhereError, WorkspaceStore } from '../core/store/workspaceStore';
import { readOwner, type OwnerInfo } from '../core/store/ownership';
import { isProcessAlive } from '../core/launches/processAlive';
import { startServer, type RunningServer } from '../server/server';
import { answers, ensureServerProcess } from '../supervisor/serverProcess';
import { serverSkew, stopServerProcess } from '../supervisor/serverUpgrade';
import { SettingKey, SettingSection } from './contributions';
import { Disposable } from './disposable';
import { historyMoveNotification } from './historyMoveProgress';
import { imprintOfCapture } from '../capture/captureImprint';
import { followOwnerChanges } from './ownerChanges';
import { ownerAccess } from './ownerClient';
import { logError, runLensLog } from './runLensLog';
import { inProcessAccess, type StoreAccess } from './storeAccess';

/** Where MLflow clients send their requests: the values of MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN. */
export interface TrackingEndpoint {
  readonly url: string;
  readonly token: string;
}

/** This window owns the workspace's store and serves it. */
export interface OwnerSession {
  readonly kind: 'owner';
  readonly store: WorkspaceStore;
  readonly access: StoreAccess;
  readonly endpoint: TrackingEndpoint;
  /** Scripts RunLens launched: their records, tokens, and the capture their runs carry. */
  readonly launches: LaunchService;
}

/** Another process (a VS Code window or `runlens serve`) owns the store; this window talks to it over HTTP. */
export interface GuestSession {
  readonly kind: 'guest';
  readonly ownerPid: number;
  readonly endpoint: TrackingEndpoint | undefined;
  /** Undefined while the owner has not published its server (it is starting, or it serves no API). */
  readonly access: StoreAccess | undefined;
}

export type Session = OwnerSession | GuestSession;

/** The store's folder in each workspace folder. */
const storeFolderName = '.runlens';

/** What this window opened when it owns the store: closed together when the store goes away. */
interface OwnedResources {
  readonly store: WorkspaceStore;
  readonly server: RunningServer;
  readonly writes: vscode.Disposable;
  /** Looks for the folder now and then: a file watcher can miss a deletion (busy machine, watcher limits). */
  readonly presence: NodeJS.Timeout;
}

/** How often an owned store's folder is looked for, besides the watcher's events. */
/** The extension's id, for its version in `owner.json`. */
const extensionId = 'runlens.runlens';
/** How often a window attached to a server process tells it so (well inside its idle time). */
const heartbeatMs = 60_000;
const presenceCheckMs = 2_000;

/**
 * The workspace's `.runlens/` store and its tracking server, opened on first use (never during
 * activation: loading sql.js and reading the database is work a user only pays for when they use RunLens).
 *
 * The store's folder is watched, because it can appear, change hands or vanish behind this window's
 * back: another window or `runlens serve` creates or releases it, or a person deletes it. A guest
 * session is forgotten when the owner changes, an owned one is closed when its folder is deleted;
 * the next use opens the store afresh, and `onDidChange` tells the views to look again.
 */
export class TrackingSession extends Disposable {
  private opening: Promise<Session> | undefined;
  private owned: OwnedResources | undefined;
  /** While this window is a guest: the owner's change feed, which fires `onDidChange`. */
  private guestChanges: { dispose(): void } | undefined;
  /** With a server process: the window's heartbeat to it, and the check that its pid lives. */
  private serverWatch: NodeJS.Timeout[] = [];
  /** The server process is older than this extension and is restarted once its launched scripts end. */
  private olderServerWaiting = false;
  /** The pid of a server process that died without releasing the store: said when its successor starts. */
  private crashedServer: number | undefined;
  private readonly changed = this.register(new vscode.EventEmitter<StoreChanges>());
  /**
   * Fires after the store has been written (by this window's server or its own commands), with what
   * the write changed (a guest hears a burst's changes at once), and with "everything" when the
   * store appeared, changed owner or was deleted. Listeners must not modify what they are given.
   */
  readonly onDidChange = this.changed.event;

  constructor(readonly folder: vscode.WorkspaceFolder | undefined) {
    super();
    if (folder) {
      // The folder itself (created, or deleted with everything in it) and the owner's claim (taken, published, released).
      for (const glob of [storeFolderName, `${storeFolderName}/${storeFiles.owner}`]) {
        const watcher = this.register(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, glob)));
        for (const event of [watcher.onDidCreate, watcher.onDidChange, watcher.onDidDelete]) {
          this.register(event(() => void this.storeMoved()));
        }
      }
    }
  }

  /** The `.runlens/` folder of the first workspace folder, or undefined without a folder. */
  get storeDir(): string | undefined {
    return this.folder && path.join(this.folder.uri.fsPath, storeFolderName);
  }

  /** Whether the store exists on disk, without opening it. */
  storeExists(): boolean {
    const dir = this.storeDir;
    return dir !== undefined && existsSync(dir);
  }

  /** Whether this window has the store open and it holds the run (without opening anything). */
  ownsRun(runId: string): boolean {
    const store = this.owned?.store;
    if (!store) return false;
    try {
      store.tracking.getRun(runId);
      return true;
    } catch {
      return false;
    }
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
    if (this.folder && vscode.workspace.getConfiguration(SettingSection, this.folder).get<string>(SettingKey.ServerMode) === 'process') {
      return this.openServerProcess(this.folder);
    }
    let store: WorkspaceStore;
    try {
      store = await WorkspaceStore.open(dir, { onMigrationProgress: historyMoveNotification() });
    } catch (error) {
      if (error instanceof StoreOwnedElsewhereError) {
        const { owner } = error;
        const endpoint = owner.port && owner.token ? { url: `http://127.0.0.1:${owner.port}`, token: owner.token } : undefined;
        this.followGuest(endpoint && followOwnerChanges(endpoint, (changes) => this.changed.fire(changes)));
        const access = endpoint && ownerAccess(endpoint, path.join(dir, storeFiles.artifacts));
        return { kind: 'guest', ownerPid: owner.pid, endpoint, access };
      }
      throw error;
    }
    const launches = new LaunchService({
      db: store.db,
      artifacts: store.artifacts,
      filesDir: path.join(dir, launchesFolder),
      imprintOf: imprintOfCapture,
    });
    // Recovery must never keep the store from opening: what it cannot end stays RUNNING until next time.
    const recovered = await launches.recoverAbandoned().catch((error: Error) => {
      logError('Could not end the launches left running', error);
      return [];
    });
    const abandoned = recovered.filter((launch) => !launch.recorded);
    if (abandoned.length > 0) {
      const runs = abandoned.flatMap((launch) => launch.runs.map((run) => run.info.run_name));
      runLensLog().warn(`${abandoned.length} launched script(s) stopped while VS Code was closed or had crashed; FAILED now: ${runs.join(', ')}`);
      void vscode.window.showWarningMessage(
        `RunLens: ${abandoned.length} launched script(s) stopped while VS Code was closed or had crashed; their runs are marked FAILED with a note.`,
      );
    }
    const endedUnseen = recovered.filter((launch) => launch.recorded);
    if (endedUnseen.length > 0) {
      const runs = endedUnseen.flatMap((launch) => launch.runs.map((run) => `${run.info.run_name} (${run.info.status})`));
      runLensLog().info(`${endedUnseen.length} launched script(s) ended while no window watched them, recorded now: ${runs.join(', ')}`);
    }
    const token = randomBytes(24).toString('base64url');
    const log = (message: string) => runLensLog().error(`Tracking server: ${message}`);
    const serve = (port: number) =>
      startServer({ store: store.tracking, registry: store.registry, artifacts: store.artifacts, traces: store.traces, token, launches, log, port });
    // Scripts a previous window launched may still run and log to its port: serve that one again for them.
    const wanted = new SupervisorFiles(path.join(dir, supervisedFolder)).liveTrackingPort();
    const server = await (wanted === undefined ? serve(0) : serve(wanted).catch(() => serve(0)));
    const version = extensionVersion(vscode.extensions.getExtension(extensionId));
    store.publish({ port: server.port, token, ...(version ? { version } : {}) });
    const presence = setInterval(() => {
      if (!this.storeExists()) void this.storeMoved();
    }, presenceCheckMs);
    presence.unref();
    this.owned = { store, server, writes: store.onDidWrite((changes) => this.changed.fire(changes)), presence };
    if (store.recovery.message) {
      runLensLog().warn(store.recovery.message);
      void vscode.window.showWarningMessage(`RunLens: ${store.recovery.message}`);
    }
    // The store may have just been created: views showing "no store yet" look again.
    this.changed.fire(StoreChanges.everything());
    return { kind: 'owner', store, access: inProcessAccess(store), endpoint: { url: server.url, token }, launches };
  }

  /**
   * `runlens.server.mode` "process": the folder's RunLens server process serves the store (started
   * now if none answers), and this window is its guest. One older than this extension is restarted
   * first, or once its launched scripts end (`serverSkew`); the window watches it while attached.
   */
  private async openServerProcess(folder: vscode.WorkspaceFolder): Promise<Session> {
    const extension = vscode.extensions.getExtension(extensionId);
    if (!extension) throw new Error('RunLens could not find its own files to start its server process');
    const startedAt = Date.now();
    const idleMinutes = vscode.workspace.getConfiguration(SettingSection, folder).get<number>(SettingKey.ServerIdleMinutes) ?? 10;
    const options = { cliScript: path.join(extension.extensionPath, 'dist', 'cli.js'), workspaceDir: folder.uri.fsPath, idleMinutes };
    const serving = await ensureServerProcess(options);
    let { owner, started } = serving;
    const supervised = new SupervisorFiles(path.join(folder.uri.fsPath, storeFolderName, supervisedFolder));
    const skew = started ? undefined : serverSkew(owner, extensionVersion(extension), supervised.live().length);
    this.olderServerWaiting = skew?.kind === 'wait';
    if (skew && skew.kind !== 'current') {
      const older = `The RunLens server process (pid ${owner.pid}) of ${folder.name} runs version ${skew.serverVersion}, older than this extension's ${extensionVersion(extension)}`;
      const what =
        skew.kind === 'restart'
          ? 'RunLens restarts it now.'
          : skew.kind === 'wait'
            ? `RunLens restarts it once its ${skew.runningLaunches} launched script(s) end; until then this window uses it as it is.`
            : 'It was not started on demand (a `runlens serve` of yours, or a window serving the folder itself), so it is left running: restart it to serve with the newer version.';
      runLensLog().warn(`${older}. ${what}`);
      void vscode.window.showInformationMessage(`${older}. ${what}`);
      if (skew.kind === 'restart') {
        await stopServerProcess(owner.pid);
        ({ owner, started } = await ensureServerProcess(options));
      }
    }
    if (started) {
      const after = this.crashedServer === undefined ? '' : ` (the previous one, pid ${this.crashedServer}, had stopped unexpectedly)`;
      runLensLog().info(`Started the RunLens server process ${owner.pid} for ${folder.name} in ${Date.now() - startedAt} ms (port ${owner.port})${after}.`);
      this.crashedServer = undefined;
      if (serving.portBefore !== undefined) tellPortAfterCrash(folder, serving.portBefore, owner.port);
    }
    this.watchServerProcess(folder, owner, supervised);
    // The window is its server process's guest: the views read and write through it, and follow its change feed.
    const endpoint = { url: `http://127.0.0.1:${owner.port}`, token: owner.token };
    this.followGuest(followOwnerChanges(endpoint, (changes) => this.changed.fire(changes)));
    const access = ownerAccess(endpoint, path.join(folder.uri.fsPath, storeFolderName, storeFiles.artifacts));
    return { kind: 'guest', ownerPid: owner.pid, endpoint, access };
  }

  /**
   * Follows the server process this window is the guest of: a heartbeat every minute keeps it from
   * going idle while the window is attached, and its pid is looked at every few seconds. A server
   * that died without releasing `owner.json` crashed or was killed: the window says so and starts a
   * new one on next use. (One that exits when idle releases `owner.json`: the watcher sees that.)
   * An older server that waited for its launched scripts to end is restarted once they have.
   */
  private watchServerProcess(folder: vscode.WorkspaceFolder, owner: OwnerInfo, supervised: SupervisorFiles): void {
    this.stopWatchingServer();
    const storeDir = path.join(folder.uri.fsPath, storeFolderName);
    const forget = () => {
      this.stopWatchingServer();
      this.opening = undefined;
      this.followGuest(undefined);
      this.changed.fire(StoreChanges.everything());
    };
    const heartbeat = setInterval(() => {
      if (this.olderServerWaiting && supervised.live().length === 0) {
        runLensLog().info(`The launched scripts of ${folder.name} have ended: RunLens restarts its older server process (pid ${owner.pid}) on next use.`);
        forget();
        return;
      }
      void answers(owner);
    }, heartbeatMs);
    const liveness = setInterval(() => {
      if (isProcessAlive(owner.pid) || this.isDisposed) return;
      if (readOwner(storeDir)?.claim !== owner.claim) {
        forget(); // It exited and released the store: nothing to tell.
        return;
      }
      this.crashedServer = owner.pid;
      const message = `The RunLens server process (pid ${owner.pid}) of ${folder.name} stopped unexpectedly (crashed or killed; its log: .runlens/server.log). RunLens starts a new one on next use.`;
      runLensLog().warn(message);
      void vscode.window.showWarningMessage(message);
      forget();
    }, presenceCheckMs);
    heartbeat.unref();
    liveness.unref();
    this.serverWatch = [heartbeat, liveness];
  }

  private stopWatchingServer(): void {
    for (const timer of this.serverWatch) clearInterval(timer);
    this.serverWatch = [];
  }

  /** Something happened to `.runlens/` or its owner's claim: drop what no longer holds, and tell the views. */
  private async storeMoved(): Promise<void> {
    const opened = await this.openedSession();
    if (opened?.kind === 'guest') {
      // Another owner, a published server, or no owner at all: the next use finds out which.
      this.opening = undefined;
      this.followGuest(undefined);
    } else if (opened?.kind === 'owner' && !this.storeExists()) {
      // Deleted under this window: what it holds is gone; the next use makes a new store.
      this.opening = undefined;
      this.closeOwned(true);
    }
    if (!this.isDisposed) this.changed.fire(StoreChanges.everything());
  }

  private closeOwned(deleted = false): void {
    const owned = this.owned;
    this.owned = undefined;
    if (!owned) return;
    owned.writes.dispose();
    clearInterval(owned.presence);
    // Close the server first so no request writes while the store checkpoints (in a worker thread: a
    // large image never freezes the window) and releases ownership.
    // A deleted folder gets no last checkpoint: a store made meanwhile in its place must stay whole.
    void owned.server.close().finally(() => (deleted ? owned.store.abandon() : owned.store.closeInBackground()));
  }

  private followGuest(feed: { dispose(): void } | undefined): void {
    this.guestChanges?.dispose();
    this.guestChanges = feed;
  }

  override dispose(): void {
    super.dispose();
    this.followGuest(undefined);
    // A server process outlives the window: it stops by itself once idle.
    this.stopWatchingServer();
    this.closeOwned();
  }
}

/**
 * A server started after one that died without releasing the store serves that one's port again,
 * so scripts launched before still log to it; when another program has taken the port, the window
 * says that their logging is lost from now on.
 */
function tellPortAfterCrash(folder: vscode.WorkspaceFolder, portBefore: number, port: number): void {
  if (port === portBefore) {
    runLensLog().info(`The new RunLens server process of ${folder.name} serves port ${port} again, as the one before it did: scripts launched before log on.`);
    return;
  }
  const message =
    `The new RunLens server process of ${folder.name} listens on port ${port}: port ${portBefore}, which the one before it used, is taken by another program. ` +
    `Scripts launched before that still log to port ${portBefore} cannot reach RunLens; what they log from now on is lost.`;
  runLensLog().warn(message);
  void vscode.window.showWarningMessage(message);
}

function extensionVersion(extension: vscode.Extension<unknown> | undefined): string | undefined {
  return (extension?.packageJSON as { version?: string } | undefined)?.version;
}

/** Waits for the owner's store to have no long write open; a guest reads over HTTP, where the server waits. */
async function settled(opened: Session): Promise<Session> {
  if (opened.kind === 'owner') await opened.store.db.longWriteSettled();
  return opened;
}
