import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import * as vscode from 'vscode';
import { formatCommandLine } from '../../capture/commandLine';
import type { Run } from '../../core/entities';
import type { LaunchRecorder } from '../../core/launches/launchRecorder';
import type { EndedLaunch } from '../../core/launches/launchService';
import { LaunchArtifact } from '../../core/launches/launchTags';
import { Disposable } from '../disposable';
import { launchEndingOf, LaunchedProcess, type LaunchCommand, type ProcessEnd } from './launchedProcess';
import { terminalSummary } from './launchSummary';
import { LaunchTerminal } from './launchTerminal';
import { OutputLog } from './outputLog';
import { LineDiscipline } from './terminalInput';

export interface RunningLaunchOptions {
  readonly launchId: string;
  /** The script as the person knows it: its workspace-relative path. */
  readonly label: string;
  /** The store's launches, or the launch's remote server. */
  readonly launches: LaunchRecorder;
  readonly command: LaunchCommand;
  /** A line for the terminal before the command: where the runs go, when that is not the workspace. */
  readonly banner?: string;
  /** The remote server the runs go to, by name; absent for the workspace. */
  readonly logsTo?: string;
  /** Where the run goes when the script creates none. */
  readonly fallbackExperiment: string;
  /** How often the growing output log is copied to the runs, for a live view of it. */
  readonly publishIntervalMs?: number;
  readonly stopGraceMs?: number;
}

/** How a launch ended, and, when its process never ran, why. */
export interface LaunchReport {
  readonly label: string;
  readonly ended: EndedLaunch;
  readonly notStarted?: string;
}

const defaultPublishIntervalMs = 5000;
const dim = (text: string) => `\x1b[2m${text}\x1b[0m`;

/**
 * One launched script while it runs: its process, its terminal (output shown, input forwarded),
 * its output log, and its launch record, which it ends with the process's outcome.
 */
export class RunningLaunch extends Disposable {
  readonly launchId: string;
  readonly label: string;
  readonly startedAt = Date.now();
  /** Resolves once the launch record is ended and every run has its final output log. */
  readonly ended: Promise<LaunchReport>;
  private readonly process: LaunchedProcess;
  private readonly terminal: LaunchTerminal;
  private readonly log: OutputLog;
  private readonly launches: LaunchRecorder;
  private readonly publishTimer: NodeJS.Timeout;
  private readonly renamed = this.register(new vscode.EventEmitter<void>());
  /** Fires when the launch learns its run's name. */
  readonly onDidChange = this.renamed.event;
  private published = 0;
  private publishing: Promise<void> | undefined;
  private firstRun: Run | undefined;

  constructor(private readonly options: RunningLaunchOptions) {
    super();
    this.launchId = options.launchId;
    this.label = options.label;
    this.launches = options.launches;
    this.log = new OutputLog(this.launches.filePath(this.launchId, LaunchArtifact.OutputLog));
    const input = new LineDiscipline({
      echo: (text) => this.terminal.write(text),
      send: (line) => this.process.write(line),
      interrupt: () => this.process.interrupt(),
      endInput: () => this.process.endInput(),
    });
    this.terminal = new LaunchTerminal(`RunLens: ${options.label}`, {
      input: (data) => input.handle(data),
      closed: () => this.stop('Its terminal was closed.'),
    });
    if (options.banner) this.terminal.write(`${dim(options.banner)}\n`);
    this.terminal.write(`${dim(`$ ${shownCommand(options.command)}`)}\n`);
    const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
    this.process = new LaunchedProcess(
      options.command,
      (chunk, stream) => {
        this.log.append(chunk);
        this.terminal.write(decoders[stream].write(chunk));
      },
      options.stopGraceMs,
    );
    void this.process.started.then((pid) => this.launches.setPid(this.launchId, pid)).catch(() => undefined);
    this.register(
      this.launches.onRunCreated((launchId, run) => {
        if (launchId !== this.launchId || this.firstRun) return;
        this.firstRun = run;
        this.terminal.rename(`RunLens: ${run.info.run_name}`);
        this.renamed.fire();
      }),
    );
    this.publishTimer = setInterval(() => void this.publishLog(), options.publishIntervalMs ?? defaultPublishIntervalMs);
    this.ended = this.finish();
  }

  /** The remote server the runs go to, by name; undefined for the workspace. */
  get logsTo(): string | undefined {
    return this.options.logsTo;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** The name of the first run the script created, once it has. */
  get runName(): string | undefined {
    return this.firstRun?.info.run_name;
  }

  get running(): boolean {
    return this.process.running;
  }

  show(): void {
    this.terminal.terminal.show();
  }

  /** Closes the terminal (the launch ended: its output is in the runs' output log). */
  closeTerminal(): void {
    this.terminal.dispose();
  }

  /** Stop: SIGTERM to the process group, then SIGKILL after the grace period; the runs end KILLED. */
  stop(reason: string): void {
    this.process.stop(reason);
  }

  /**
   * VS Code is closing: the group is killed at once and the launch ended in the store right away
   * (the store closes next, so nothing may wait).
   */
  abandon(): void {
    if (!this.process.running) return;
    const reason = 'VS Code was closed while the script ran.';
    this.process.kill(reason);
    void this.launches.end(this.launchId, { kind: 'stopped', reason }, { fallbackExperiment: this.options.fallbackExperiment }).catch(() => undefined);
  }

  private async finish(): Promise<LaunchReport> {
    const end: ProcessEnd = await this.process.ended;
    clearInterval(this.publishTimer);
    await this.publishing;
    await this.log.close().catch((error: Error) => this.terminal.write(`\nRunLens could not write the output log: ${error.message}\n`));
    if (end.kind === 'notStarted') this.terminal.write(`RunLens could not start the script: ${end.error}\n`);
    const ended = await this.launches.end(this.launchId, launchEndingOf(end), { fallbackExperiment: this.options.fallbackExperiment });
    this.terminal.write(`\n${dim(terminalSummary(ended))}\n`);
    return { label: this.label, ended, ...(end.kind === 'notStarted' ? { notStarted: end.error } : {}) };
  }

  /** Copies the output log so far to the runs, at most one copy at a time and only when it grew. */
  private publishLog(): Promise<void> | undefined {
    if (this.publishing || this.log.bytes === this.published) return undefined;
    const bytes = this.log.bytes;
    this.publishing = this.log
      .flush()
      .then(() => this.launches.publishFile(this.launchId, LaunchArtifact.OutputLog))
      .then(() => {
        this.published = bytes;
      })
      .finally(() => (this.publishing = undefined));
    return this.publishing;
  }

  override dispose(): void {
    clearInterval(this.publishTimer);
    super.dispose();
  }
}

/** The command as a line to read: the script relative to the working folder when it lies inside it. */
function shownCommand({ executable, args, cwd }: LaunchCommand): string {
  const [script, ...rest] = args;
  const relative = script === undefined ? undefined : path.relative(cwd, script);
  const shown = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : script;
  return formatCommandLine(executable, shown === undefined ? rest : [shown, ...rest]);
}
