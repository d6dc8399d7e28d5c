import { readdir } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { launchesFolder } from '../../core/launches/launchFiles';
import type { LaunchRow } from '../../core/launches/launchRows';
import type { LaunchService } from '../../core/launches/launchService';
import type { RemoteLaunchRecord } from '../../core/launches/remoteLaunchRecord';
import { forgetRemoteLaunch, settleRemoteLaunch, type RemoteSettlementRecords } from '../../remote/launches/remoteLaunchSettlement';
import { describeRemoteFailure } from '../../remote/browse/remoteBrowser';
import { RemoteUnavailableError } from '../../remote/client/mlflowRestClient';
import { CommandId, ContextKey } from '../contributions';
import { Disposable } from '../disposable';
import { withErrorMessage } from '../errorBoundary';
import type { RemoteServerRegistry } from '../remote/remoteServerRegistry';
import type { OwnerEndpoint } from '../ownerClient';
import type { TrackingSession } from '../trackingSession';
import type { LaunchController } from './launchController';
import { OwnerLaunch } from './ownerLaunch';
import { describeServer } from './launchTarget';
import type { LaunchReport } from './runningLaunch';
import { logError, runLensLog } from '../runLensLog';

/** A launch whose end is still to reach its server, and why it did not this time. */
export interface UnsentLaunch {
  readonly launchId: string;
  readonly label: string;
  readonly remote: RemoteLaunchRecord;
  /** In words, for the person: the server's answer, or that it is no longer listed. */
  readonly reason: string;
}

/** What one attempt to send the pending results did. */
export interface SendOutcome {
  readonly sent: readonly LaunchReport[];
  readonly unsent: readonly UnsentLaunch[];
}

/** Long enough after activation that the window's own start-up goes first. */
const startupDelayMs = 2000;
/** How often the scripts a previous window left running are checked for having ended. */
const leftRunningPollMs = 5000;
/** Two quick tries: a server that is down is said, and tried again when the person asks. */
const settleRequests = { retry: { maxAttempts: 2, baseDelayMs: 500, maxDelayMs: 2000 }, timeoutMs: 15_000 };
const unlisted = 'it is no longer in runlens.remoteServers; add it again to send them';
const retry = 'Retry';
const forget = 'Forget';

/**
 * The ends of remote launches that never reached their server: the window ended while the script
 * ran (crash recovery ended the record when the store opened), or the server was down when it
 * ended. Sent in the background after activation when `.runlens/launches/` keeps anything, from
 * *RunLens: Send Pending Launch Results*, and from Retry on a launch's end notification. A server
 * that is down or no longer in `runlens.remoteServers` leaves them pending, with their files kept,
 * and is said once (Retry, Forget). The `runlens.launchResultsPending` context key shows the command.
 * A script a previous window left running (its process still alive when this one opened the store)
 * is taken over by the launch controller when its supervisor runs; otherwise (a remote launch) it
 * is watched: when it exits, its launch is ended as the crash recovery ends it, and sent. A guest
 * window (of a RunLens server process) instead takes back from the owner the launches its previous
 * extension host left running; the owner ends those whose script ended meanwhile, and this window
 * sends the ends of those to a remote server (it has the server's credentials, the owner does not),
 * with the records the owner keeps.
 */
export class PendingLaunchResults extends Disposable {
  private warned = false;
  /** Launches a previous window left running whose process was alive at startup: checked until they end. */
  private leftRunning = new Set<string>();
  private leftRunningTimer: ReturnType<typeof setInterval> | undefined;
  /** The pass under way: the next waits for it, so no end is sent twice at once. */
  private sending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly session: TrackingSession,
    private readonly remoteServers: RemoteServerRegistry,
    private readonly controller: LaunchController,
  ) {
    super();
    this.register(
      vscode.commands.registerCommand(CommandId.SendPendingLaunchResults, () =>
        withErrorMessage('send the pending launch results', () => this.sendFromCommand()),
      ),
    );
    // A remote launch whose end did not arrive becomes pending once this window is done with it.
    this.register(controller.onDidChange(() => void this.updateContext()));
    const timer = setTimeout(() => void this.sendAtStartup().catch((error: Error) => logError('Could not send the pending launch results', error)), startupDelayMs);
    this.register({ dispose: () => clearTimeout(timer) });
    this.register({ dispose: () => clearInterval(this.leftRunningTimer) });
  }

  /**
   * Sends the end of every pending launch (or of those named), one server at a time; a server that
   * cannot be reached is not asked again for its other launches in the same pass.
   */
  send(launchIds?: readonly string[]): Promise<SendOutcome> {
    const pass = this.sending.catch(() => undefined).then(() => this.sendPass(launchIds));
    this.sending = pass;
    return pass;
  }

  private async sendPass(launchIds: readonly string[] | undefined): Promise<SendOutcome> {
    // A launch asked for by name (Retry on its end) is sent once this window is done with it.
    for (const launchId of launchIds ?? []) await this.controller.finished(launchId);
    const source = await this.pendingSource();
    if (!source) return { sent: [], unsent: [] };
    const sent: LaunchReport[] = [];
    const unsent: UnsentLaunch[] = [];
    /** Servers found down or unlisted in this pass, by the URL the records name: not asked again. */
    const down = new Map<string, string>();
    const pending = await source.unsent();
    for (const { row, record } of pending) {
      const launchId = row.launch_id;
      if ((launchIds && !launchIds.includes(launchId)) || this.controller.isUnfinished(launchId)) continue;
      const label = labelOf(record, launchId);
      const entry = this.remoteServers.entryFor(record.url);
      if (!entry) down.set(record.url, unlisted);
      const skipped = down.get(record.url);
      if (skipped !== undefined || !entry) {
        unsent.push({ launchId, label, remote: record, reason: skipped ?? unlisted });
        continue;
      }
      try {
        const server = await this.remoteServers.connection(entry.url);
        const ended = await settleRemoteLaunch({ launches: source.records(launchId), launchId, server, requests: settleRequests });
        if (ended) sent.push({ label, ended });
      } catch (error) {
        const reason = describeRemoteFailure(error);
        logError(`Could not send the results of ${label} to ${entry.url}`, error);
        if (RemoteUnavailableError.is(error)) down.set(record.url, reason);
        unsent.push({ launchId, label, remote: record, reason });
      }
    }
    if (sent.length > 0) void vscode.commands.executeCommand(CommandId.RefreshRemoteServer);
    const sentIds = new Set(sent.map((report) => report.ended.launchId));
    await this.updateContext(pending.filter(({ row }) => !sentIds.has(row.launch_id)));
    return { sent, unsent };
  }

  /** Deletes what is kept for these launches, at the person's request, once they confirmed. */
  private async forget(unsent: readonly UnsentLaunch[]): Promise<boolean> {
    const source = await this.pendingSource();
    if (!source || unsent.length === 0) return false;
    const confirm = `Forget ${unsent.length === 1 ? 'It' : 'Them'}`;
    const choice = await vscode.window.showWarningMessage(
      `Forget the results of ${count(unsent.length)} not sent to their server? Their output logs and captured files are deleted from .runlens/; the runs on the server stay as they are.`,
      { modal: true },
      confirm,
    );
    if (choice !== confirm) return false;
    for (const launch of unsent) await forgetRemoteLaunch(source.records(launch.launchId), launch.launchId);
    await this.updateContext(await source.unsent());
    return true;
  }

  /**
   * After activation, without holding it up: only when `.runlens/launches/` keeps files (a pending
   * launch always does) is the store opened for this, and never in an untrusted workspace.
   */
  private async sendAtStartup(): Promise<void> {
    const dir = this.session.storeDir;
    if (!dir || !vscode.workspace.isTrusted || this.isDisposed) return;
    const kept = await readdir(path.join(dir, launchesFolder)).catch(() => []);
    if (kept.length === 0) return;
    const opened = await this.session.session();
    if (opened.kind === 'guest') return this.takeBackFromOwner(dir, opened.endpoint);
    const launches = await this.ownedLaunches();
    const live = launches?.liveLaunchIds().filter((launchId) => !this.controller.isUnfinished(launchId)) ?? [];
    // Scripts still running under their supervisor: this window takes them over (terminal, Stop, their end).
    const reattached = launches && !this.isDisposed ? this.controller.reattach(dir, launches, live) : [];
    this.leftRunning = new Set(live.filter((launchId) => !reattached.includes(launchId)));
    if (this.leftRunning.size > 0 && !this.isDisposed) {
      this.leftRunningTimer = setInterval(() => void this.endLeftRunning().catch((error: Error) => logError('launches left running', error)), leftRunningPollMs);
    }
    await this.sendAndTell();
  }

  /**
   * A guest window that came back takes back from the owner the launches its previous extension
   * host started that still run, and sends the ends of launches to a remote server that the owner
   * ended (their script ended while no window watched). Those to a remote server still running are
   * asked about again until their process is gone: the owner ends them, and this window sends them.
   */
  private async takeBackFromOwner(dir: string, endpoint: OwnerEndpoint | undefined): Promise<void> {
    if (!endpoint || this.isDisposed) return;
    const { taken, ended, remoteRunning } = await this.controller.takeBack(dir, endpoint);
    if (taken.length > 0 || ended > 0) runLensLog().info(`Took back ${count(taken.length)} still running after the window went away; ${count(ended)} had ended meanwhile`);
    if (remoteRunning > 0 && !this.isDisposed) {
      this.leftRunningTimer = setInterval(
        () => void this.askOwnerAgain(dir, endpoint).catch((error: Error) => logError('launches left running', error)),
        leftRunningPollMs,
      );
    }
    await this.sendAndTell();
  }

  /** Asks the owner again about the remote launches left running: those whose process is gone it ends, and this window sends them. */
  private async askOwnerAgain(dir: string, endpoint: OwnerEndpoint): Promise<void> {
    if (this.isDisposed) return;
    const { remoteEnded, remoteRunning } = await this.controller.takeBack(dir, endpoint);
    if (remoteRunning === 0) clearInterval(this.leftRunningTimer);
    if (remoteEnded.length > 0) await this.sendAndTell();
  }

  /** Ends the launches left running whose process has exited since, and sends their results. */
  private async endLeftRunning(): Promise<void> {
    const launches = await this.ownedLaunches(false);
    if (!launches || this.isDisposed) return;
    const ended = await launches.recoverAbandoned(this.leftRunning);
    for (const launch of ended) this.leftRunning.delete(launch.launchId);
    if (this.leftRunning.size === 0) clearInterval(this.leftRunningTimer);
    if (ended.length > 0) await this.sendAndTell();
  }

  /** Sends what is pending; says what was sent, and warns once about what could not be. */
  private async sendAndTell(): Promise<void> {
    const outcome = await this.send();
    if (this.isDisposed) return;
    if (outcome.sent.length > 0) {
      void vscode.window.showInformationMessage(
        `RunLens sent the results of ${count(outcome.sent.length)} that had not reached their server (VS Code had closed while they ran, or the server was down); their runs there are ended, with the output logged.`,
      );
    }
    if (outcome.unsent.length > 0 && !this.warned) {
      this.warned = true;
      void this.warn(outcome.unsent);
    }
  }

  private async sendFromCommand(): Promise<SendOutcome> {
    const outcome = await this.send();
    if (outcome.unsent.length > 0) void this.warn(outcome.unsent);
    else if (outcome.sent.length > 0) void vscode.window.showInformationMessage(`RunLens sent the results of ${count(outcome.sent.length)}.`);
    else void vscode.window.showInformationMessage('RunLens has no launch results waiting to be sent.');
    return outcome;
  }

  /** One quiet warning for every launch left pending, with the reasons (one per server). */
  private async warn(unsent: readonly UnsentLaunch[]): Promise<void> {
    const reasons = [...new Set(unsent.map((launch) => `${describeServer(launch.remote)}: ${launch.reason}`))].join('; ');
    const choice = await vscode.window.showWarningMessage(
      `RunLens could not send the results of ${count(unsent.length)} to their server: ${reasons}. Their output logs and captured files stay in .runlens/ until they are sent.`,
      retry,
      forget,
    );
    if (choice === retry) await vscode.commands.executeCommand(CommandId.SendPendingLaunchResults);
    else if (choice === forget) await this.forget(unsent);
  }

  /**
   * Shows or hides the command by what is pending: `unsent` as a pass just found it, else (on a
   * launch's change) the store's when this window owns it; a guest's stays as its last pass left it.
   */
  private async updateContext(unsent?: readonly { readonly row: LaunchRow }[]): Promise<void> {
    const opened = unsent === undefined ? await this.session.openedSession() : undefined;
    if (opened?.kind === 'guest') return;
    const list = unsent ?? (opened?.kind === 'owner' ? opened.launches.unsentRemoteLaunches() : []);
    const pending = list.some(({ row }) => !this.controller.isUnfinished(row.launch_id));
    await vscode.commands.executeCommand('setContext', ContextKey.LaunchResultsPending, pending);
  }

  /** The store's launches when this window owns the store (opened if `open`). */
  private async ownedLaunches(open = true): Promise<LaunchService | undefined> {
    const opened = open ? await this.session.session() : await this.session.openedSession();
    return opened?.kind === 'owner' ? opened.launches : undefined;
  }

  /** Where the pending launches are listed and their records kept: this window's store, or the owner's through its server. */
  private async pendingSource(): Promise<PendingSource | undefined> {
    const opened = await this.session.session();
    if (opened.kind === 'owner') return { unsent: async () => opened.launches.unsentRemoteLaunches(), records: () => opened.launches };
    const { endpoint } = opened;
    const storeDir = this.session.storeDir;
    if (!endpoint || !storeDir) return undefined;
    return { unsent: () => OwnerLaunch.unsentRemote(endpoint), records: (launchId) => new OwnerLaunch(endpoint, storeDir, launchId) };
  }
}

/** The ended remote launches whose end has still to reach their server, and the records each is sent with. */
interface PendingSource {
  unsent(): Promise<readonly { readonly row: LaunchRow; readonly record: RemoteLaunchRecord }[]>;
  records(launchId: string): RemoteSettlementRecords;
}

/** The script as the person knows it. */
function labelOf(record: RemoteLaunchRecord, launchId: string): string {
  return record.scriptPath ? vscode.workspace.asRelativePath(record.scriptPath, false) : `launch ${launchId}`;
}

function count(launches: number): string {
  return launches === 1 ? '1 launch' : `${launches} launches`;
}
